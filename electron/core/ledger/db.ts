import BetterSqlite3, { type Database } from 'better-sqlite3';
import { migrate } from './migrate.ts';

export type { Database };

/**
 * Opens the ledger. WAL for concurrent readers, and synchronous=FULL because better-sqlite3's
 * WAL default (NORMAL) can lose the last commits on power loss — unacceptable for money.
 */
export async function openLedger(file: string): Promise<Database> {
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  await migrate(db);
  return db;
}
