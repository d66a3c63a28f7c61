import type { HubQueryable } from '../hub-db.ts';

/**
 * Staff's decision at a kiosk on an order held for them (referred): a new row, never an edit of the
 * central decision (append-only, like every decision). One per order. `state` is what became of the
 * order: fulfilled (completed, or inProgress for a later suspension), failed when it could no longer
 * be fulfilled, cancelled when declined.
 */
export async function up(tx: HubQueryable): Promise<void> {
  await tx.exec(`
    CREATE TABLE order_staff_decisions (
      order_id     TEXT PRIMARY KEY REFERENCES product_orders(id),
      account_id   TEXT NOT NULL,
      decision     TEXT NOT NULL CHECK (decision IN ('approve','decline')),
      state        TEXT NOT NULL CHECK (state IN ('completed','inProgress','failed','cancelled')),
      product_ids  JSONB NOT NULL,
      staff_id     TEXT NOT NULL,
      approved_by  TEXT,
      reason       TEXT NOT NULL,
      decided_at   TIMESTAMPTZ NOT NULL,
      device_id    TEXT NOT NULL,
      received_at  TIMESTAMPTZ NOT NULL
    );
    CREATE TRIGGER order_staff_decisions_append_only BEFORE UPDATE OR DELETE ON order_staff_decisions
      FOR EACH ROW EXECUTE FUNCTION refuse_change();
  `);
}
