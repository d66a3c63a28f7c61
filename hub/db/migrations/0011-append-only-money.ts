import type { HubQueryable } from '../hub-db.ts';

/**
 * Every table money is read from is append-only (issue 14, point 5): payments, bills, usage, the
 * TMF payment requests and what each device pushed, besides the journal and adjustments (0001,
 * 0008). A correction is a new row. What the hub moves on by itself is let through and nothing
 * else of the row: a bill's lifecycle state (every move is in bill_state_changes), usage moving
 * forward (received → rated → billed; billed is final). TRUNCATE is refused on all of them.
 *
 * refuse_change_except(columns…) compares the whole row but the named columns (to_jsonb, so a
 * column added later is guarded too), on PostgreSQL and PGlite alike.
 *
 * audit_head_reports keeps every audit head a kiosk reported with a push (its count, last seq and
 * hash, and the outbox row carrying that event) and the highest seq the hub already held from it
 * then: `npm run hub -- audit-verify` compares them with the chain held (hub/audit/chain.ts).
 */
export async function up(tx: HubQueryable): Promise<void> {
  await tx.exec(`
    CREATE FUNCTION refuse_change_except() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' OR (to_jsonb(OLD) - TG_ARGV) IS DISTINCT FROM (to_jsonb(NEW) - TG_ARGV) THEN
        RAISE EXCEPTION '% is append-only: only % may change', TG_TABLE_NAME, array_to_string(TG_ARGV, ', ')
          USING ERRCODE = 'restrict_violation';
      END IF;
      RETURN NEW;
    END $$;

    CREATE TRIGGER payments_append_only BEFORE UPDATE OR DELETE ON payments
      FOR EACH ROW EXECUTE FUNCTION refuse_change();
    CREATE TRIGGER tmf_payment_requests_append_only BEFORE UPDATE OR DELETE ON tmf_payment_requests
      FOR EACH ROW EXECUTE FUNCTION refuse_change();
    CREATE TRIGGER device_events_append_only BEFORE UPDATE OR DELETE ON device_events
      FOR EACH ROW EXECUTE FUNCTION refuse_change();
    CREATE TRIGGER bills_append_only BEFORE UPDATE OR DELETE ON bills
      FOR EACH ROW EXECUTE FUNCTION refuse_change_except('state');
    CREATE TRIGGER usage_records_append_only BEFORE UPDATE OR DELETE ON usage_records
      FOR EACH ROW EXECUTE FUNCTION refuse_change_except('status', 'rated_minor', 'bill_id');
    CREATE TRIGGER usage_records_forward_only BEFORE UPDATE ON usage_records
      FOR EACH ROW WHEN (NOT (OLD.status <> 'billed' AND NEW.status <> OLD.status AND (NEW.status = 'billed' OR OLD.status = 'received')))
      EXECUTE FUNCTION refuse_change();

    CREATE TABLE audit_head_reports (
      seq           BIGSERIAL PRIMARY KEY,
      device_id     TEXT NOT NULL REFERENCES devices(id),
      count         BIGINT NOT NULL CHECK (count >= 0),
      head_seq      BIGINT NOT NULL CHECK (head_seq >= 0),
      head_hash     TEXT NOT NULL CHECK (head_hash ~ '^[0-9a-f]{64}$'),
      device_seq    BIGINT NOT NULL CHECK (device_seq >= 0),
      -- The highest audit seq of this device the hub held when the report arrived (0: none).
      held_seq      BIGINT NOT NULL CHECK (held_seq >= 0),
      reported_at   TIMESTAMPTZ NOT NULL
    );
    CREATE INDEX audit_head_reports_device ON audit_head_reports(device_id, seq);
    CREATE TRIGGER audit_head_reports_append_only BEFORE UPDATE OR DELETE ON audit_head_reports
      FOR EACH ROW EXECUTE FUNCTION refuse_change();
  `);
  for (const table of ['journal_entries', 'postings', 'payments', 'bills', 'adjustments', 'usage_records', 'tmf_payment_requests', 'device_events', 'audit_head_reports']) {
    await tx.exec(`CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();`);
  }
}
