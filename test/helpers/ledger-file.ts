import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { LEDGER_FILE } from '../../electron/core/kiosk-core.ts';
import { openLedgerFile, type Database } from '../../electron/core/ledger/db.ts';
import { fileKeyStore, keyDirFor } from '../../electron/core/security/key-store.ts';
import type { AuditChainKey } from '../../shared/node/audit-hash.ts';
import { auditChainKey } from '../../electron/core/audit/audit-log.ts';

/** A test's own connection to a kiosk's (encrypted) ledger, keyed from the kiosk's key folder beside its data folder. */
export function openKioskLedger(dataDir: string, options: BetterSqlite3.Options = {}): Database {
  return openLedgerFile(path.join(dataDir, LEDGER_FILE), kioskKeys(dataDir).ledger, options);
}

/** The keys of the kiosk on `dataDir` (made now if no kiosk started there yet). */
export const kioskKeys = (dataDir: string) => fileKeyStore(keyDirFor(dataDir)).keys();

/** A key for a ledger no kiosk owns (a scratch file). */
export const TEST_LEDGER_KEY = randomBytes(32);

/** The audit chain key of a scratch ledger's trail: keyed from event #1, as a new kiosk's is. */
export const TEST_AUDIT_CHAIN: AuditChainKey = { key: randomBytes(32), keyedFrom: 1 };

/** The audit chain key of the kiosk whose ledger `db` is (its key folder is beside the ledger's folder). */
export const kioskAuditChain = (db: Database): AuditChainKey => auditChainKey(db, kioskKeys(path.dirname(db.name)).audit);

/** What a kiosk sends with its enrolment code besides its name: its audit key (the kiosk's on `dataDir`, else the scratch trails') and where its chain is keyed from. */
export const testEnrolment = (dataDir?: string) => ({ auditKey: (dataDir ? kioskKeys(dataDir).audit : (TEST_AUDIT_CHAIN.key as Buffer)).toString('hex'), auditKeyedFrom: 1 });
