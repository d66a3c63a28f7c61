import type { Database } from 'better-sqlite3';

/** The local convergent ledger: replica of the branch's accounts, the journal and the outbox. */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE customers (
      id          TEXT PRIMARY KEY,
      branch_id   TEXT NOT NULL,
      name        TEXT NOT NULL,
      email       TEXT,
      phone       TEXT,
      language    TEXT NOT NULL,
      pin_hash    TEXT NOT NULL,
      created_at  TEXT NOT NULL
    ) STRICT;

    CREATE TABLE billing_accounts (
      id                  TEXT PRIMARY KEY,
      account_no          TEXT NOT NULL UNIQUE,
      customer_id         TEXT NOT NULL REFERENCES customers(id),
      currency            TEXT NOT NULL,
      bill_cycle_day      INTEGER NOT NULL CHECK (bill_cycle_day BETWEEN 1 AND 31),
      credit_limit_minor  INTEGER NOT NULL CHECK (credit_limit_minor >= 0),
      opened_on           TEXT NOT NULL
    ) STRICT;
    CREATE INDEX billing_accounts_customer ON billing_accounts(customer_id);

    -- The operator's catalog as published (the whole validated document); the newest row is in force.
    CREATE TABLE catalog_versions (
      seq          INTEGER PRIMARY KEY,
      catalog_id   TEXT NOT NULL,
      document     TEXT NOT NULL,
      applied_at   TEXT NOT NULL
    ) STRICT;

    CREATE TABLE products (
      id          TEXT PRIMARY KEY,
      account_id  TEXT NOT NULL REFERENCES billing_accounts(id),
      parent_id   TEXT REFERENCES products(id),
      kind        TEXT NOT NULL CHECK (kind IN ('mobile','broadband','tv','fixed')),
      identifier  TEXT NOT NULL,
      status      TEXT NOT NULL CHECK (status IN ('active','suspended','pendingActive','pendingTerminate','terminated')),
      -- Offering of the latest term, for lookups; the terms below are what billing reads.
      offering_id TEXT NOT NULL,
      started_on  TEXT NOT NULL
    ) STRICT;
    CREATE INDEX products_account ON products(account_id);

    -- Which offering a product was on from when to when (inclusive days; NULL to_date = ongoing).
    CREATE TABLE product_terms (
      product_id  TEXT NOT NULL REFERENCES products(id),
      seq         INTEGER NOT NULL,
      offering_id TEXT NOT NULL,
      from_date   TEXT NOT NULL,
      to_date     TEXT,
      PRIMARY KEY (product_id, seq)
    ) STRICT, WITHOUT ROWID;
    -- A phone number belongs to one live line at a time (add-ons ride on it); sign-in by phone relies on it.
    CREATE UNIQUE INDEX products_live_number ON products(identifier)
      WHERE kind IN ('mobile','fixed') AND status <> 'terminated' AND parent_id IS NULL;

    -- TMF635 usage: quantity in whole units of its unit; received → rated → billed.
    CREATE TABLE usage_records (
      id          TEXT PRIMARY KEY,
      product_id  TEXT NOT NULL REFERENCES products(id),
      usage_type  TEXT NOT NULL CHECK (usage_type IN ('data','voice','sms')),
      usage_date  TEXT NOT NULL,
      quantity    INTEGER NOT NULL CHECK (quantity >= 0),
      unit        TEXT NOT NULL CHECK (unit IN ('KB','MB','s','min','SMS')),
      zone        TEXT,
      destination TEXT,
      service     TEXT,
      status      TEXT NOT NULL CHECK (status IN ('received','rated','billed')),
      rated_minor INTEGER,
      bill_id     TEXT
    ) STRICT;
    CREATE INDEX usage_product_date ON usage_records(product_id, usage_date);

    -- Append-only double-entry journal: every entry's postings sum to zero (checked on write),
    -- corrections are reversing entries, nothing is updated or deleted (triggers below).
    CREATE TABLE journal_entries (
      id              TEXT PRIMARY KEY,
      idempotency_key TEXT NOT NULL UNIQUE,
      payload_hash    TEXT NOT NULL,
      entry_type      TEXT NOT NULL CHECK (entry_type IN ('bill','payment','adjustment')),
      account_id      TEXT NOT NULL REFERENCES billing_accounts(id),
      currency        TEXT NOT NULL,
      occurred_at     TEXT NOT NULL,
      recorded_at     TEXT NOT NULL,
      origin          TEXT NOT NULL
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX journal_entries_account ON journal_entries(account_id, occurred_at);

    CREATE TABLE postings (
      id             INTEGER PRIMARY KEY,
      entry_id       TEXT NOT NULL REFERENCES journal_entries(id),
      ledger_account TEXT NOT NULL,
      amount_minor   INTEGER NOT NULL,
      currency       TEXT NOT NULL
    ) STRICT;
    CREATE INDEX postings_ledger_account ON postings(ledger_account, amount_minor);
    CREATE INDEX postings_entry ON postings(entry_id);

    CREATE TRIGGER journal_entries_no_update BEFORE UPDATE ON journal_entries
      BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END;
    CREATE TRIGGER journal_entries_no_delete BEFORE DELETE ON journal_entries
      BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END;
    CREATE TRIGGER postings_no_update BEFORE UPDATE ON postings
      BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END;
    CREATE TRIGGER postings_no_delete BEFORE DELETE ON postings
      BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END;

    CREATE TABLE bills (
      id                 TEXT PRIMARY KEY,
      bill_no            TEXT NOT NULL UNIQUE,
      account_id         TEXT NOT NULL REFERENCES billing_accounts(id),
      bill_date          TEXT NOT NULL,
      period_start       TEXT NOT NULL,
      period_end         TEXT NOT NULL,
      payment_due_date   TEXT NOT NULL,
      currency           TEXT NOT NULL,
      tax_excluded_minor INTEGER NOT NULL,
      tax_minor          INTEGER NOT NULL,
      tax_included_minor INTEGER NOT NULL,
      amount_due_minor   INTEGER NOT NULL,
      state              TEXT NOT NULL CHECK (state IN ('new','onHold','validated','sent')),
      entry_id           TEXT NOT NULL REFERENCES journal_entries(id),
      -- The whole TMF678 CustomerBill as the billing engine composed it (lines, taxes, balance).
      document           TEXT NOT NULL
    ) STRICT;
    CREATE INDEX bills_account_date ON bills(account_id, bill_date);

    CREATE TABLE payments (
      id                   TEXT PRIMARY KEY,
      account_id           TEXT NOT NULL REFERENCES billing_accounts(id),
      amount_minor         INTEGER NOT NULL CHECK (amount_minor > 0),
      currency             TEXT NOT NULL,
      payment_method       TEXT NOT NULL,
      channel              TEXT NOT NULL,
      point_of_interaction TEXT,
      authorization_code   TEXT,
      correlator_id        TEXT,
      status               TEXT NOT NULL CHECK (status IN ('pendingAuthorization','authorized','captured','failed','canceled','denied','done')),
      entry_id             TEXT REFERENCES journal_entries(id),
      created_at           TEXT NOT NULL,
      updated_at           TEXT NOT NULL
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX payments_account ON payments(account_id, created_at);

    -- Facts this kiosk originated, numbered without gaps for the sync worker. Rows are never
    -- deleted (acked_at marks them), so the rowid alias keeps counting without AUTOINCREMENT.
    CREATE TABLE outbox (
      device_seq  INTEGER PRIMARY KEY,
      event_id    TEXT NOT NULL UNIQUE,
      event_type  TEXT NOT NULL,
      payload     TEXT NOT NULL,
      created_at  TEXT NOT NULL,
      acked_at    TEXT
    ) STRICT;
    CREATE TRIGGER outbox_no_delete BEFORE DELETE ON outbox
      BEGIN SELECT RAISE(ABORT, 'the outbox is never dropped'); END;

    -- Failed PIN attempts per account (or per unknown identifier), kept across restarts.
    CREATE TABLE sign_in_attempts (
      subject      TEXT PRIMARY KEY,
      failures     INTEGER NOT NULL,
      locked_until TEXT
    ) STRICT;

    CREATE TABLE meta (
      key   TEXT PRIMARY KEY,
      value TEXT NOT NULL
    ) STRICT;
  `);
}
