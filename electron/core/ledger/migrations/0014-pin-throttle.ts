import type { Database } from 'better-sqlite3';

/**
 * Wrong PINs by scope (customer or staff sign-in) and subject, for the kiosk-wide throttle
 * (services/pin-attempts.ts): each attempt is written here when it is reserved, before its PIN is
 * hashed, and taken back only when the PIN was right. Rows older than the throttle's window are
 * pruned; nothing here is money or audit, so rows may be deleted.
 */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE pin_failures (
      id        INTEGER PRIMARY KEY,
      scope     TEXT NOT NULL CHECK (scope IN ('customer', 'staff')),
      subject   TEXT NOT NULL,
      failed_at TEXT NOT NULL
    ) STRICT;
    CREATE INDEX pin_failures_recent ON pin_failures(scope, failed_at);
  `);
}
