import type { HubQueryable } from '../hub-db.ts';

/**
 * What the TM Forum APIs keep besides the ledger: the request each payment posted through TMF676
 * came with (so a retry is answered with the same payment and a different request under the same
 * id or correlatorId is refused), and every change of a bill's lifecycle state made through TMF678
 * (bills.state holds the current one; this log is append-only).
 */
export async function up(tx: HubQueryable): Promise<void> {
  await tx.exec(`
    CREATE TABLE tmf_payment_requests (
      payment_id    TEXT PRIMARY KEY REFERENCES payments(id),
      correlator_id TEXT UNIQUE,
      request_hash  TEXT NOT NULL CHECK (request_hash ~ '^[0-9a-f]{64}$'),
      received_at   TIMESTAMPTZ NOT NULL
    );

    CREATE TABLE bill_state_changes (
      seq        BIGSERIAL PRIMARY KEY,
      bill_id    TEXT NOT NULL REFERENCES bills(id),
      from_state TEXT NOT NULL,
      to_state   TEXT NOT NULL,
      changed_at TIMESTAMPTZ NOT NULL,
      -- Who moved it: 'tmf-api' (an operator system) for now.
      source     TEXT NOT NULL
    );
    CREATE INDEX bill_state_changes_bill ON bill_state_changes(bill_id, changed_at);
    CREATE TRIGGER bill_state_changes_append_only BEFORE UPDATE OR DELETE ON bill_state_changes
      FOR EACH ROW EXECUTE FUNCTION refuse_change();
  `);
}
