import type { HubQueryable } from '../hub-db.ts';

/**
 * What the push endpoint keeps besides the ledger (docs/architecture.md §4): the device's own time and schema
 * version on each event, the conflicting copies of events it refused, payments it could not place
 * (suspense), and the requests headquarters decides later (credit limits, orders, assistance).
 */
export async function up(tx: HubQueryable): Promise<void> {
  await tx.exec(`
    -- The kiosk's clock when the event happened (kept, never used to order anything) and the
    -- schema version it was sent with.
    ALTER TABLE device_events ADD COLUMN occurred_at TIMESTAMPTZ;
    ALTER TABLE device_events ADD COLUMN schema_version INTEGER;

    -- An event the hub refused because its id or its (device, seq) was already taken by another
    -- payload: the first one stays as it is in device_events (never overwritten) and the refused
    -- copy is kept here for staff, once per distinct copy.
    CREATE TABLE device_event_conflicts (
      device_id    TEXT NOT NULL REFERENCES devices(id),
      device_seq   BIGINT NOT NULL CHECK (device_seq > 0),
      event_id     TEXT NOT NULL,
      event_type   TEXT NOT NULL,
      payload      JSONB NOT NULL,
      payload_hash TEXT NOT NULL,
      reason       TEXT NOT NULL,
      received_at  TIMESTAMPTZ NOT NULL,
      PRIMARY KEY (device_id, device_seq, event_id, payload_hash)
    );

    -- A payment taken by a kiosk for an account the hub does not know: the money was received,
    -- but there is no account to post it to. Held here, unposted, until it is resolved: applied to
    -- an account (resolution_entry_id: the journal entry then written) or refunded. Resolution
    -- fills the resolution columns once; the row is otherwise never changed.
    CREATE TABLE suspense_payments (
      payment_id          TEXT PRIMARY KEY,
      idempotency_key     TEXT NOT NULL UNIQUE,
      payload_hash        TEXT NOT NULL,
      account_id          TEXT NOT NULL,
      amount_minor        BIGINT NOT NULL CHECK (amount_minor > 0),
      currency            TEXT NOT NULL,
      branch_id           TEXT NOT NULL REFERENCES branches(id),
      device_id           TEXT NOT NULL,
      device_seq          BIGINT NOT NULL,
      fact                JSONB NOT NULL,
      received_at         TIMESTAMPTZ NOT NULL,
      status              TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','applied','refunded')),
      resolved_at         TIMESTAMPTZ,
      resolved_by         TEXT,
      resolution_note     TEXT,
      resolution_entry_id TEXT REFERENCES journal_entries(id),
      FOREIGN KEY (device_id, device_seq) REFERENCES device_events(device_id, device_seq) DEFERRABLE INITIALLY DEFERRED,
      CHECK ((status = 'open') = (resolved_at IS NULL))
    );
    CREATE INDEX suspense_payments_open ON suspense_payments(branch_id, received_at) WHERE status = 'open';

    -- Requests a kiosk made that headquarters decides (later): the payload as the kiosk sent it,
    -- where it came from, and what the kiosk did with it offline. The rows here and in suspense
    -- point at the event that brought them; checked at COMMIT, because the event's row is written
    -- once the hub knows its outcome, after them.
    CREATE TABLE credit_requests (
      id              TEXT PRIMARY KEY,
      account_id      TEXT NOT NULL,
      branch_id       TEXT NOT NULL REFERENCES branches(id),
      device_id       TEXT NOT NULL,
      device_seq      BIGINT NOT NULL,
      requested_minor BIGINT NOT NULL,
      kiosk_decision  TEXT NOT NULL,
      payload         JSONB NOT NULL,
      received_at     TIMESTAMPTZ NOT NULL,
      status          TEXT NOT NULL DEFAULT 'received',
      FOREIGN KEY (device_id, device_seq) REFERENCES device_events(device_id, device_seq) DEFERRABLE INITIALLY DEFERRED
    );
    CREATE INDEX credit_requests_account ON credit_requests(account_id);

    CREATE TABLE product_orders (
      id          TEXT PRIMARY KEY,
      account_id  TEXT NOT NULL,
      branch_id   TEXT NOT NULL REFERENCES branches(id),
      device_id   TEXT NOT NULL,
      device_seq  BIGINT NOT NULL,
      kiosk_state TEXT NOT NULL,
      payload     JSONB NOT NULL,
      received_at TIMESTAMPTZ NOT NULL,
      status      TEXT NOT NULL DEFAULT 'received',
      FOREIGN KEY (device_id, device_seq) REFERENCES device_events(device_id, device_seq) DEFERRABLE INITIALLY DEFERRED
    );
    CREATE INDEX product_orders_account ON product_orders(account_id);

    CREATE TABLE assist_requests (
      id          TEXT PRIMARY KEY,
      account_id  TEXT,
      branch_id   TEXT NOT NULL REFERENCES branches(id),
      device_id   TEXT NOT NULL,
      device_seq  BIGINT NOT NULL,
      screen      TEXT NOT NULL,
      payload     JSONB NOT NULL,
      received_at TIMESTAMPTZ NOT NULL,
      status      TEXT NOT NULL DEFAULT 'received',
      FOREIGN KEY (device_id, device_seq) REFERENCES device_events(device_id, device_seq) DEFERRABLE INITIALLY DEFERRED
    );
    CREATE INDEX assist_requests_open ON assist_requests(branch_id, received_at) WHERE status = 'received';
  `);
}
