import { existsSync } from 'node:fs';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { migrate } from './migrate.ts';

export type { Database };

export const LEDGER_FILE = 'ledger.sqlite';

/**
 * Opens the ledger file, encrypted with `key` (SQLite3 Multiple Ciphers' default cipher,
 * ChaCha20-Poly1305): the key is set before anything is read, and a wrong or missing key is
 * named as such instead of SQLite's "file is not a database". No migrations: for readers
 * (audit:verify, tests); the kiosk opens it with openLedger.
 */
export function openLedgerFile(file: string, key: Buffer, options: BetterSqlite3.Options = {}): Database {
  if (key.length !== 32) throw new Error('the ledger key is 32 bytes');
  const db = new BetterSqlite3(file, options);
  // An in-memory ledger (tests) never reaches a disk, and SQLite refuses to key one.
  if (file === ':memory:') return db;
  try {
    db.pragma(`key = "x'${key.toString('hex')}'"`);
    db.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch (err) {
    db.close();
    if ((err as { code?: string }).code === 'SQLITE_NOTADB') throw new Error(`the ledger at ${file} cannot be opened with this kiosk's key (wrong key, or not a ledger)`);
    throw err;
  }
  return db;
}

/**
 * Opens the ledger. WAL for concurrent readers, and synchronous=FULL because better-sqlite3's
 * WAL default (NORMAL) can lose the last commits on power loss — unacceptable for money.
 */
export async function openLedger(file: string, key: Buffer): Promise<Database> {
  encryptPlainLedger(file, key);
  const db = openLedgerFile(file, key);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  await migrate(db);
  return db;
}

/**
 * A ledger from before the ledger was encrypted is encrypted in place with `key`, once, before it
 * is opened: SQLite3 Multiple Ciphers rekeys only outside WAL, so the WAL is folded in first (the
 * kiosk turns WAL on again when it opens the ledger). Anything else (a new file, an encrypted
 * ledger, not a database) is left for openLedgerFile to open or name.
 */
function encryptPlainLedger(file: string, key: Buffer): void {
  if (file === ':memory:' || !existsSync(file)) return;
  const db = new BetterSqlite3(file);
  try {
    db.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch {
    db.close();
    return; // encrypted already (or not a ledger)
  }
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.pragma('journal_mode = DELETE');
    db.pragma(`rekey = "x'${key.toString('hex')}'"`);
  } finally {
    db.close();
  }
}
