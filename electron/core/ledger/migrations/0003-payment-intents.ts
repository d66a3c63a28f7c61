import type { Database } from 'better-sqlite3';

/**
 * Two-phase payments (docs/architecture.md §3): the intent is committed before the terminal or the cash
 * acceptor is asked, under the id the device keeps as its reference. Whatever happens next (an
 * answer, a lost link, a crash), the intent is settled by that id, so a customer is never charged
 * twice and a captured payment is never lost. The receipt is kept with the payment.
 */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE payment_intents (
      id            TEXT PRIMARY KEY,
      -- Chosen by the screen once per payment: a retried request finds its intent again.
      request_id    TEXT NOT NULL UNIQUE,
      account_id    TEXT NOT NULL REFERENCES billing_accounts(id),
      amount_minor  INTEGER NOT NULL CHECK (amount_minor > 0),
      currency      TEXT NOT NULL,
      method        TEXT NOT NULL CHECK (method IN ('card','cash')),
      bill_no       TEXT,
      language      TEXT NOT NULL,
      status        TEXT NOT NULL CHECK (status IN ('pending','approved','declined','timedOut','cancelled','failed')),
      outcome       TEXT,
      payment_id    TEXT REFERENCES payments(id),
      created_at    TEXT NOT NULL,
      updated_at    TEXT NOT NULL
    ) STRICT;
    CREATE INDEX payment_intents_pending ON payment_intents(status) WHERE status = 'pending';

    -- A payment may name the bill it is for (TMF676 paymentItem); allocation pays that bill first.
    ALTER TABLE payments ADD COLUMN target_bill_no TEXT;

    CREATE TABLE receipts (
      payment_id     TEXT PRIMARY KEY REFERENCES payments(id),
      transaction_no TEXT NOT NULL UNIQUE,
      document       TEXT NOT NULL,
      printed        INTEGER NOT NULL DEFAULT 0,
      created_at     TEXT NOT NULL
    ) STRICT;
  `);
}
