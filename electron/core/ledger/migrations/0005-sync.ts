import type { Database } from 'better-sqlite3';

/**
 * What the sync worker keeps: the hub's answer to each pushed event (a rejected one stays for
 * staff to see), the pull cursor, and pulled changes this kiosk could not apply (a type it does
 * not know yet, or a fact it refuses), parked with the reason instead of lost.
 */
export function up(db: Database): void {
  db.exec(`
    ALTER TABLE outbox ADD COLUMN outcome TEXT CHECK (outcome IN ('accepted','duplicate','rejected','parked'));
    ALTER TABLE outbox ADD COLUMN outcome_reason TEXT;
    CREATE INDEX outbox_waiting ON outbox(device_seq) WHERE acked_at IS NULL;

    CREATE TABLE sync_state (
      key   TEXT PRIMARY KEY,
      value TEXT NOT NULL
    ) STRICT;

    CREATE TABLE parked_changes (
      server_seq INTEGER PRIMARY KEY,
      change     TEXT NOT NULL,
      reason     TEXT NOT NULL,
      parked_at  TEXT NOT NULL
    ) STRICT;
  `);
}
