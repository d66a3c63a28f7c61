import type { Database } from 'better-sqlite3';

/**
 * Store staff who may switch this kiosk into assist mode. Their PINs are scrypt hashes like the
 * customers'; wrong PINs are counted in sign_in_attempts under `staff:<id>`, so a staff id locks
 * exactly like an account does and a restart does not reset it.
 */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE staff (
      id        TEXT PRIMARY KEY CHECK (id = upper(id) AND length(id) BETWEEN 2 AND 32),
      name      TEXT NOT NULL,
      role      TEXT NOT NULL CHECK (role IN ('agent','supervisor')),
      branch_id TEXT NOT NULL,
      pin_hash  TEXT NOT NULL,
      active    INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0,1))
    ) STRICT;
  `);
}
