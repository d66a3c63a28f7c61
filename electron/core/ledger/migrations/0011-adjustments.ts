import type { Database } from 'better-sqlite3';

/**
 * Staff's waivers and adjustments (and those pulled from the branch's other kiosks): one row per
 * adjustment fact, beside its journal entry, which is what balances and bills read. `amount_minor`
 * is signed as posted to the account's receivable (negative: a credit). A late fee is waived once:
 * one fee waiver per bill.
 */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE adjustments (
      id                  TEXT PRIMARY KEY,
      account_id          TEXT NOT NULL REFERENCES billing_accounts(id),
      kind                TEXT NOT NULL CHECK (kind IN ('feeWaiver','adjustment')),
      amount_minor        INTEGER NOT NULL CHECK (amount_minor <> 0),
      currency            TEXT NOT NULL,
      bill_no             TEXT,
      reason              TEXT NOT NULL,
      staff_id            TEXT NOT NULL,
      approved_by         TEXT,
      entry_id            TEXT NOT NULL REFERENCES journal_entries(id),
      -- The account's balance once this kiosk posted it (what staff were told); NULL when it came from elsewhere.
      balance_after_minor INTEGER,
      CHECK ((kind = 'feeWaiver') = (bill_no IS NOT NULL))
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX adjustments_account ON adjustments(account_id);
    CREATE UNIQUE INDEX adjustments_one_waiver_per_bill ON adjustments(bill_no) WHERE kind = 'feeWaiver';
    CREATE TRIGGER adjustments_no_delete BEFORE DELETE ON adjustments
      BEGIN SELECT RAISE(ABORT, 'adjustments are never deleted'); END;
  `);
}
