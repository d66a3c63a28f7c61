import type { HubQueryable } from '../hub-db.ts';

/**
 * The central schema: branches and their devices (enrolment, credentials), the central ledger
 * (the kiosk's model with customers placed in branches), the outgoing change feed kiosks pull,
 * and what the push protocol records per device.
 *
 * Money is BIGINT minor units; instants TIMESTAMPTZ; calendar dates DATE; whole documents
 * (catalog, bill, change) JSONB.
 */
export async function up(tx: HubQueryable): Promise<void> {
  await tx.exec(`
    CREATE TABLE branches (
      id                   TEXT PRIMARY KEY CHECK (id ~ '^[A-Z0-9-]{2,20}$'),
      name                 TEXT NOT NULL,
      currency             TEXT NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
      country_calling_code TEXT NOT NULL,
      time_zone            TEXT NOT NULL,
      created_at           TIMESTAMPTZ NOT NULL DEFAULT now()
    );

    -- A kiosk. Its credential is 32 random bytes kept only as their SHA-256 (hex): a stolen table
    -- gives no usable credential. revoked_at set = refused from the next request on.
    CREATE TABLE devices (
      id              TEXT PRIMARY KEY,
      branch_id       TEXT NOT NULL REFERENCES branches(id),
      name            TEXT NOT NULL,
      credential_hash TEXT NOT NULL CHECK (credential_hash ~ '^[0-9a-f]{64}$'),
      created_at      TIMESTAMPTZ NOT NULL,
      revoked_at      TIMESTAMPTZ
    );
    CREATE INDEX devices_branch ON devices(branch_id);

    -- One-time codes an operator hands to whoever installs a kiosk; kept as SHA-256 only.
    CREATE TABLE enrolment_codes (
      code_hash      TEXT PRIMARY KEY CHECK (code_hash ~ '^[0-9a-f]{64}$'),
      branch_id      TEXT NOT NULL REFERENCES branches(id),
      created_at     TIMESTAMPTZ NOT NULL,
      expires_at     TIMESTAMPTZ NOT NULL,
      used_at        TIMESTAMPTZ,
      used_by_device TEXT UNIQUE REFERENCES devices(id),
      CHECK ((used_at IS NULL) = (used_by_device IS NULL))
    );

    CREATE TABLE customers (
      id         TEXT PRIMARY KEY,
      branch_id  TEXT NOT NULL REFERENCES branches(id),
      name       TEXT NOT NULL,
      email      TEXT,
      phone      TEXT,
      language   TEXT NOT NULL,
      pin_hash   TEXT NOT NULL,
      created_at TIMESTAMPTZ NOT NULL
    );
    CREATE INDEX customers_branch ON customers(branch_id);

    CREATE TABLE billing_accounts (
      id                 TEXT PRIMARY KEY,
      account_no         TEXT NOT NULL UNIQUE,
      customer_id        TEXT NOT NULL REFERENCES customers(id),
      currency           TEXT NOT NULL,
      bill_cycle_day     INTEGER NOT NULL CHECK (bill_cycle_day BETWEEN 1 AND 31),
      credit_limit_minor BIGINT NOT NULL CHECK (credit_limit_minor >= 0),
      opened_on          DATE NOT NULL
    );
    CREATE INDEX billing_accounts_customer ON billing_accounts(customer_id);

    -- The operator's catalog as published (the whole validated document); the newest row is in force.
    CREATE TABLE catalog_versions (
      seq           BIGSERIAL PRIMARY KEY,
      catalog_id    TEXT NOT NULL,
      document      JSONB NOT NULL,
      document_hash TEXT NOT NULL,
      published_at  TIMESTAMPTZ NOT NULL DEFAULT now()
    );

    CREATE TABLE products (
      id          TEXT PRIMARY KEY,
      account_id  TEXT NOT NULL REFERENCES billing_accounts(id),
      parent_id   TEXT REFERENCES products(id),
      kind        TEXT NOT NULL CHECK (kind IN ('mobile','broadband','tv','fixed')),
      identifier  TEXT NOT NULL,
      status      TEXT NOT NULL CHECK (status IN ('active','suspended','pendingActive','pendingTerminate','terminated')),
      -- Offering of the latest term, for lookups; the terms below are what billing reads.
      offering_id TEXT NOT NULL,
      started_on  DATE NOT NULL,
      -- The hash of the change that last wrote the product and its terms: an identical upsert changes nothing.
      change_hash TEXT NOT NULL
    );
    CREATE INDEX products_account ON products(account_id);
    CREATE UNIQUE INDEX products_live_number ON products(identifier)
      WHERE kind IN ('mobile','fixed') AND status <> 'terminated' AND parent_id IS NULL;

    -- Which offering a product was on from when to when (inclusive days; NULL to_date = ongoing).
    CREATE TABLE product_terms (
      product_id  TEXT NOT NULL REFERENCES products(id),
      seq         INTEGER NOT NULL,
      offering_id TEXT NOT NULL,
      from_date   DATE NOT NULL,
      to_date     DATE,
      PRIMARY KEY (product_id, seq)
    );

    -- TMF635 usage: quantity in whole units of its unit; received -> rated -> billed, never back.
    CREATE TABLE usage_records (
      id          TEXT PRIMARY KEY,
      product_id  TEXT NOT NULL REFERENCES products(id),
      usage_type  TEXT NOT NULL CHECK (usage_type IN ('data','voice','sms')),
      usage_date  TIMESTAMPTZ NOT NULL,
      quantity    BIGINT NOT NULL CHECK (quantity >= 0),
      unit        TEXT NOT NULL CHECK (unit IN ('KB','MB','s','min','SMS')),
      zone        TEXT,
      destination TEXT,
      service     TEXT,
      status      TEXT NOT NULL CHECK (status IN ('received','rated','billed')),
      rated_minor BIGINT,
      bill_id     TEXT
    );
    CREATE INDEX usage_product_date ON usage_records(product_id, usage_date);

    -- Append-only double-entry journal. The same fact under the same idempotency key is a
    -- duplicate; under the same key with another payload hash it is refused.
    CREATE TABLE journal_entries (
      id              TEXT PRIMARY KEY,
      idempotency_key TEXT NOT NULL UNIQUE,
      payload_hash    TEXT NOT NULL,
      entry_type      TEXT NOT NULL CHECK (entry_type IN ('bill','payment','adjustment')),
      account_id      TEXT NOT NULL REFERENCES billing_accounts(id),
      currency        TEXT NOT NULL,
      occurred_at     TIMESTAMPTZ NOT NULL,
      recorded_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
      origin          TEXT NOT NULL
    );
    CREATE INDEX journal_entries_account ON journal_entries(account_id, occurred_at);

    CREATE TABLE postings (
      id             BIGSERIAL PRIMARY KEY,
      entry_id       TEXT NOT NULL REFERENCES journal_entries(id),
      ledger_account TEXT NOT NULL,
      amount_minor   BIGINT NOT NULL,
      currency       TEXT NOT NULL
    );
    CREATE INDEX postings_ledger_account ON postings(ledger_account);
    CREATE INDEX postings_entry ON postings(entry_id);

    -- Every entry balances: at least two postings, all in the entry's currency, summing to zero.
    -- Checked at COMMIT (deferred), when the entry and all its postings are in; a transaction that
    -- would leave an unbalanced entry fails as a whole, whichever code wrote it.
    -- TG_ARGV[0] names the column holding the entry's id in the table the trigger is on.
    CREATE FUNCTION check_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      entry TEXT := to_jsonb(NEW) ->> TG_ARGV[0];
      total NUMERIC;
      n     BIGINT;
      other BIGINT;
    BEGIN
      SELECT coalesce(sum(p.amount_minor), 0), count(*), count(*) FILTER (WHERE p.currency <> e.currency)
        INTO total, n, other
        FROM journal_entries e LEFT JOIN postings p ON p.entry_id = e.id
       WHERE e.id = entry
       GROUP BY e.id;
      IF n < 2 OR total <> 0 OR other > 0 THEN
        RAISE EXCEPTION 'journal entry % does not balance (% postings, sum %, % in another currency)', entry, n, total, other
          USING ERRCODE = 'check_violation';
      END IF;
      RETURN NULL;
    END $$;
    CREATE CONSTRAINT TRIGGER journal_entries_balanced AFTER INSERT ON journal_entries
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION check_entry_balanced('id');
    CREATE CONSTRAINT TRIGGER postings_balanced AFTER INSERT ON postings
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION check_entry_balanced('entry_id');

    CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
    END $$;
    CREATE TRIGGER journal_entries_append_only BEFORE UPDATE OR DELETE ON journal_entries
      FOR EACH ROW EXECUTE FUNCTION refuse_change();
    CREATE TRIGGER postings_append_only BEFORE UPDATE OR DELETE ON postings
      FOR EACH ROW EXECUTE FUNCTION refuse_change();

    CREATE TABLE bills (
      id                 TEXT PRIMARY KEY,
      bill_no            TEXT NOT NULL UNIQUE,
      account_id         TEXT NOT NULL REFERENCES billing_accounts(id),
      bill_date          DATE NOT NULL,
      period_start       DATE NOT NULL,
      period_end         DATE NOT NULL,
      payment_due_date   DATE NOT NULL,
      currency           TEXT NOT NULL,
      tax_excluded_minor BIGINT NOT NULL,
      tax_minor          BIGINT NOT NULL,
      tax_included_minor BIGINT NOT NULL,
      amount_due_minor   BIGINT NOT NULL,
      state              TEXT NOT NULL CHECK (state IN ('new','onHold','validated','sent')),
      entry_id           TEXT NOT NULL REFERENCES journal_entries(id),
      -- The whole TMF678 CustomerBill as the billing engine composed it (lines, taxes, balance).
      document           JSONB NOT NULL
    );
    CREATE INDEX bills_account_date ON bills(account_id, bill_date);

    CREATE TABLE payments (
      id                   TEXT PRIMARY KEY,
      account_id           TEXT NOT NULL REFERENCES billing_accounts(id),
      amount_minor         BIGINT NOT NULL CHECK (amount_minor > 0),
      currency             TEXT NOT NULL,
      payment_method       TEXT NOT NULL,
      channel              TEXT NOT NULL,
      point_of_interaction TEXT,
      authorization_code   TEXT,
      correlator_id        TEXT,
      target_bill_no       TEXT,
      status               TEXT NOT NULL CHECK (status IN ('pendingAuthorization','authorized','captured','failed','canceled','denied','done')),
      entry_id             TEXT REFERENCES journal_entries(id),
      created_at           TIMESTAMPTZ NOT NULL,
      updated_at           TIMESTAMPTZ NOT NULL
    );
    CREATE INDEX payments_account ON payments(account_id, created_at);

    -- The outgoing feed: one row per change (shared/sync/changes.ts) a kiosk pulls, in server_seq
    -- order, for its branch (branch_id) or for every branch (NULL: the catalog). Writers append
    -- under one advisory lock, so rows commit in server_seq order and a cursor never skips a
    -- row that commits late (see hub/ledger/change-writer.ts).
    CREATE TABLE changes (
      server_seq  BIGSERIAL PRIMARY KEY,
      branch_id   TEXT REFERENCES branches(id),
      change      JSONB NOT NULL,
      recorded_at TIMESTAMPTZ NOT NULL DEFAULT now()
    );
    CREATE INDEX changes_branch ON changes(branch_id, server_seq);

    -- What each device pushed, one row per (device, device_seq), written in the same transaction
    -- as the event's effect (its journal entry and postings) and the device's watermark, so the
    -- reply a kiosk gets is exactly what committed; a re-sent event is answered from its row.
    CREATE TABLE device_events (
      device_id    TEXT NOT NULL REFERENCES devices(id),
      device_seq   BIGINT NOT NULL CHECK (device_seq > 0),
      event_id     TEXT NOT NULL UNIQUE,
      event_type   TEXT NOT NULL,
      payload      JSONB NOT NULL,
      payload_hash TEXT NOT NULL,
      -- parked: a record type this hub does not know yet; kept, not fatal.
      outcome      TEXT NOT NULL CHECK (outcome IN ('accepted','rejected','parked')),
      reason       TEXT,
      entry_id     TEXT REFERENCES journal_entries(id),
      received_at  TIMESTAMPTZ NOT NULL,
      PRIMARY KEY (device_id, device_seq),
      CHECK ((outcome = 'accepted') = (reason IS NULL))
    );

    -- Per device: every event up to acked_through is stored (device_seq has no gaps), which is
    -- what the kiosk may mark as sent.
    CREATE TABLE device_watermarks (
      device_id     TEXT PRIMARY KEY REFERENCES devices(id),
      acked_through BIGINT NOT NULL DEFAULT 0 CHECK (acked_through >= 0),
      updated_at    TIMESTAMPTZ NOT NULL
    );
  `);
}
