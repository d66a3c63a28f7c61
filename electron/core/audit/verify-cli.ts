import path from 'node:path';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Database } from '../ledger/db.ts';
import { LEDGER_FILE, openLedgerFile } from '../ledger/db.ts';
import { fileKeyStore, keyDirFor } from '../security/key-store.ts';
import { auditChainKey, verifyAuditChain, type AuditVerification } from './audit-log.ts';

const USAGE = `Usage: npm run audit:verify -- [--data <kiosk data folder>] [--json]
Verifies the kiosk's hash-chained audit trail and names the first broken link.
The data folder defaults to $KIOSK_DATA_DIR, else .kiosk-data (as the browser host does); its keys
are read from $KIOSK_KEY_DIR, else <data folder>-keys.
Exit code: 0 the chain verifies, 1 it is broken, 2 it could not be checked.`;

/** `audit chain OK: 1,234 events, head 3f2a…` or `audit chain BROKEN at event #57 (id …): …`. */
function describeVerification(result: AuditVerification): string {
  const n = (count: number) => `${count.toLocaleString('en-US')} event${count === 1 ? '' : 's'}`;
  if (result.ok) return `audit chain OK: ${n(result.count)}, head ${result.headHash.slice(0, 12)}…`;
  const which = result.id === null ? `event #${result.brokenAt}` : `event #${result.brokenAt} (id ${result.id})`;
  return `audit chain BROKEN at ${which}: ${result.problem}; the ${n(result.count)} before it verify`;
}

function main(): number {
  let args;
  try {
    args = parseArgs({ options: { data: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } }).values;
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const dataDir = path.resolve(args.data ?? process.env.KIOSK_DATA_DIR ?? '.kiosk-data');
  const file = path.join(dataDir, LEDGER_FILE);
  if (!existsSync(file)) {
    console.error(`No kiosk ledger at ${file}.`);
    return 2;
  }
  let db: Database | undefined;
  try {
    // Read-only: verifying must never be what changes the evidence.
    const keys = fileKeyStore(keyDirFor(dataDir), { create: false }).keys();
    db = openLedgerFile(file, keys.ledger, { readonly: true, fileMustExist: true });
    const table = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_events'`).get();
    if (!table) {
      console.error(`The ledger at ${file} has no audit trail yet (migration 0007-audit has not run).`);
      return 2;
    }
    const result = verifyAuditChain(db, auditChainKey(db, keys.audit));
    console.log(args.json ? JSON.stringify(result) : describeVerification(result));
    return result.ok ? 0 : 1;
  } catch (err) {
    // A file that is not a ledger, or is locked: not checked, which is not the same as broken.
    console.error(`Could not read the ledger at ${file}: ${(err as Error).message}`);
    return 2;
  } finally {
    db?.close();
  }
}

process.exitCode = main();
