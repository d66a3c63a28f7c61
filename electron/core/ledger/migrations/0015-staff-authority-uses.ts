import type { Database } from 'better-sqlite3';

/**
 * What each member of staff used of their authority, per kind and day: one row per action for
 * the one who did it, and one for the supervisor who confirmed it (their confirmation counts
 * against their own day too). `day` is the calendar date in the branch's time zone when it was
 * done; `ref` the action (adjustment, payment, credit request or order id). The day's total is
 * read from here in the same transaction that writes the action, so two requests at once cannot
 * both fit in what was left. Rows are never changed or deleted.
 *
 * Cash at the counter confirmed by a supervisor names them on its payment intent, for the audit event.
 */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE staff_authority_uses (
      seq          INTEGER PRIMARY KEY,
      staff_id     TEXT NOT NULL,
      kind         TEXT NOT NULL CHECK (kind IN ('feeWaiverMinor','adjustmentMinor','creditLimitMinor','counterCashMinor')),
      amount_minor INTEGER NOT NULL CHECK (amount_minor >= 0),
      day          TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
      ref          TEXT NOT NULL,
      as_approver  INTEGER NOT NULL CHECK (as_approver IN (0,1)),
      occurred_at  TEXT NOT NULL,
      UNIQUE (ref, staff_id)
    ) STRICT;
    CREATE INDEX staff_authority_uses_day ON staff_authority_uses(staff_id, kind, day);
    CREATE TRIGGER staff_authority_uses_no_update BEFORE UPDATE ON staff_authority_uses
      BEGIN SELECT RAISE(ABORT, 'staff_authority_uses is append-only'); END;
    CREATE TRIGGER staff_authority_uses_no_delete BEFORE DELETE ON staff_authority_uses
      BEGIN SELECT RAISE(ABORT, 'staff_authority_uses is append-only'); END;
    ALTER TABLE payment_intents ADD COLUMN staff_approved_by TEXT;
  `);
}
