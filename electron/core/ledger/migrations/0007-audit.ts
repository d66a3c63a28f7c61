import type { Database } from 'better-sqlite3';

/**
 * The audit trail (issue 6): who did what, on which account, before and after, and why. Each row
 * carries the hash of the row before it, so an edit anywhere breaks the chain from there on.
 * Triggers make the table append-only; altering it means someone bypassed them (dropped a trigger,
 * edited the file), which is exactly what verifying the chain catches.
 *
 * AUTOINCREMENT keeps sqlite_sequence at the highest seq ever written, so the next event gets a
 * fresh number even after rows at the end were removed, and verify can see that they are gone.
 */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE audit_events (
      seq          INTEGER PRIMARY KEY AUTOINCREMENT,
      id           TEXT NOT NULL UNIQUE,
      occurred_at  TEXT NOT NULL,
      actor_kind   TEXT NOT NULL CHECK (actor_kind IN ('customer','agent','supervisor','system')),
      actor_id     TEXT NOT NULL,
      -- The supervisor who confirmed on the spot (dual control); never the actor themself.
      approved_by  TEXT CHECK (approved_by IS NULL OR approved_by <> actor_id),
      action       TEXT NOT NULL,
      account_id   TEXT,
      before_json  TEXT CHECK (before_json IS NULL OR json_valid(before_json)),
      after_json   TEXT CHECK (after_json IS NULL OR json_valid(after_json)),
      reason       TEXT CHECK (reason IS NULL OR length(reason) > 0),
      kiosk_id     TEXT NOT NULL,
      prev_hash    TEXT NOT NULL CHECK (length(prev_hash) = 64),
      hash         TEXT NOT NULL CHECK (length(hash) = 64)
    ) STRICT;
    -- Staff look at one account's trail; no reference to billing_accounts, because an event may
    -- name an account this kiosk has not replicated yet and must still be recorded.
    CREATE INDEX audit_events_account ON audit_events(account_id, seq) WHERE account_id IS NOT NULL;

    CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
      BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
    CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
      BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
  `);
}
