import type { HubQueryable } from '../hub-db.ts';

/**
 * Staff's decision at a kiosk on a credit request headquarters referred to them: a new row, never
 * an edit of the central decision (append-only, like every decision). One per request.
 */
export async function up(tx: HubQueryable): Promise<void> {
  await tx.exec(`
    CREATE TABLE credit_staff_decisions (
      request_id   TEXT PRIMARY KEY REFERENCES credit_requests(id),
      account_id   TEXT NOT NULL,
      decision     TEXT NOT NULL CHECK (decision IN ('approve','decline')),
      limit_minor  BIGINT NOT NULL CHECK (limit_minor >= 0),
      staff_id     TEXT NOT NULL,
      approved_by  TEXT,
      reason       TEXT NOT NULL,
      decided_at   TIMESTAMPTZ NOT NULL,
      device_id    TEXT NOT NULL,
      received_at  TIMESTAMPTZ NOT NULL
    );
    CREATE TRIGGER credit_staff_decisions_append_only BEFORE UPDATE OR DELETE ON credit_staff_decisions
      FOR EACH ROW EXECUTE FUNCTION refuse_change();
  `);
}
