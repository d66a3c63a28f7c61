import type { HubQueryable } from '../hub-db.ts';

/**
 * Fee waivers and adjustments staff made at a kiosk (`adjustment.posted`): one row per fact beside
 * its journal entry, which is what balances and the bill run read. `amount_minor` is signed as
 * posted to the account's receivable (negative: a credit). Append-only; a late fee is waived once,
 * whichever kiosk of the branch waives it first.
 */
export async function up(tx: HubQueryable): Promise<void> {
  await tx.exec(`
    CREATE TABLE adjustments (
      id           TEXT PRIMARY KEY,
      account_id   TEXT NOT NULL REFERENCES billing_accounts(id),
      kind         TEXT NOT NULL CHECK (kind IN ('feeWaiver','adjustment')),
      amount_minor BIGINT NOT NULL CHECK (amount_minor <> 0),
      currency     TEXT NOT NULL,
      bill_no      TEXT,
      reason       TEXT NOT NULL,
      staff_id     TEXT NOT NULL,
      approved_by  TEXT,
      entry_id     TEXT NOT NULL REFERENCES journal_entries(id),
      CHECK ((kind = 'feeWaiver') = (bill_no IS NOT NULL))
    );
    CREATE INDEX adjustments_account ON adjustments(account_id);
    CREATE UNIQUE INDEX adjustments_one_waiver_per_bill ON adjustments(bill_no) WHERE kind = 'feeWaiver';
    CREATE TRIGGER adjustments_append_only BEFORE UPDATE OR DELETE ON adjustments
      FOR EACH ROW EXECUTE FUNCTION refuse_change();
  `);
}
