import type { HubQueryable } from '../hub-db.ts';

/**
 * The kiosks' audit trails (issue 6), as they arrive in `audit.recorded` events: every event of
 * each device's hash chain, once, by its device and seq. The hub checks each link as it arrives
 * (hub/audit/receive.ts) and keeps a broken one flagged (chain_ok, chain_problem): dropping it
 * would hide exactly what staff must see. Append-only (refuse_change from 0001), TRUNCATE too.
 */
export async function up(tx: HubQueryable): Promise<void> {
  await tx.exec(`
    CREATE TABLE audit_events (
      device_id     TEXT NOT NULL REFERENCES devices(id),
      branch_id     TEXT NOT NULL REFERENCES branches(id),
      seq           BIGINT NOT NULL CHECK (seq > 0),
      id            TEXT NOT NULL UNIQUE,
      occurred_at   TIMESTAMPTZ NOT NULL,
      actor_kind    TEXT NOT NULL CHECK (actor_kind IN ('customer','agent','supervisor','system')),
      actor_id      TEXT NOT NULL,
      approved_by   TEXT,
      action        TEXT NOT NULL,
      account_id    TEXT,
      before        JSONB,
      after         JSONB,
      reason        TEXT,
      kiosk_id      TEXT NOT NULL,
      prev_hash     TEXT NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
      hash          TEXT NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
      -- What the hub saw on arrival: the hash matched the contents and prev_hash the event before.
      -- npm run hub -- audit-verify judges the chain again from what is stored now.
      chain_ok      BOOLEAN NOT NULL,
      chain_problem TEXT,
      -- The outbox event that brought it; checked at COMMIT, as that row is written after this one.
      device_seq    BIGINT NOT NULL,
      received_at   TIMESTAMPTZ NOT NULL,
      PRIMARY KEY (device_id, seq),
      FOREIGN KEY (device_id, device_seq) REFERENCES device_events(device_id, device_seq) DEFERRABLE INITIALLY DEFERRED,
      CHECK (chain_ok = (chain_problem IS NULL))
    );
    -- Staff look at one account's trail, and at the broken links.
    CREATE INDEX audit_events_account ON audit_events(account_id, occurred_at) WHERE account_id IS NOT NULL;
    CREATE INDEX audit_events_broken ON audit_events(device_id, seq) WHERE NOT chain_ok;

    CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
      FOR EACH ROW EXECUTE FUNCTION refuse_change();
    CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
      FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
  `);
}
