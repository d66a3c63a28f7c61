import { allocate, type AccountEvent, type AllocationState } from '../../../shared/billing/allocation.ts';
import { CustomerBill } from '../../../shared/billing/bill.ts';
import type { BillState } from '../../../shared/domain/account-states.ts';
import { accountEvents, type LedgerRow } from '../../../shared/ledger/account-events.ts';
import type { Database } from './db.ts';

/**
 * An account's money over time, read from the journal: its bills, payments and staff's
 * adjustments as allocation events, and the bills as the engine composed them. What each bill
 * still owes is worked out by the billing engine's allocation (named bill, then oldest first),
 * never stored.
 */
export class AccountHistory {
  readonly #rows;
  readonly #document;
  readonly #lifecycle;
  readonly #billNosNewestFirst;

  constructor(db: Database) {
    // The journal's money rows in the shape shared/ledger reads (the hub's account-money.ts reads the same from PostgreSQL).
    this.#rows = db.prepare(
      `SELECT 'bill' AS kind, b.bill_no AS id, NULL AS billNo, e.occurred_at AS at, b.payment_due_date AS paymentDueDate, b.tax_included_minor AS amountMinor
         FROM bills b JOIN journal_entries e ON e.id = b.entry_id WHERE b.account_id = @accountId
       UNION ALL
       SELECT 'payment', p.id, p.target_bill_no, e.occurred_at, NULL, p.amount_minor
         FROM payments p JOIN journal_entries e ON e.id = p.entry_id WHERE p.account_id = @accountId AND p.status = 'done'
       UNION ALL
       SELECT 'adjustment', ad.id, ad.bill_no, e.occurred_at, NULL, ad.amount_minor
         FROM adjustments ad JOIN journal_entries e ON e.id = ad.entry_id WHERE ad.account_id = @accountId`,
    );
    this.#document = db.prepare(`SELECT document FROM bills WHERE account_id = ? AND bill_no = ?`).pluck();
    this.#lifecycle = db.prepare(`SELECT state FROM bills WHERE account_id = ? AND bill_no = ?`).pluck();
    this.#billNosNewestFirst = db.prepare(`SELECT bill_no FROM bills WHERE account_id = ? ORDER BY bill_date DESC, bill_no DESC`).pluck();
  }

  events(accountId: string): AccountEvent[] {
    return accountEvents(this.#rows.all({ accountId }) as LedgerRow[]);
  }

  allocation(accountId: string): AllocationState {
    return allocate(this.events(accountId));
  }

  /** Bill numbers, newest first. */
  billNos(accountId: string): string[] {
    return this.#billNosNewestFirst.all(accountId) as string[];
  }

  bill(accountId: string, billNo: string): CustomerBill | undefined {
    const document = this.#document.get(accountId, billNo) as string | undefined;
    return document === undefined ? undefined : CustomerBill.parse(JSON.parse(document));
  }

  /**
   * The bill's stored lifecycle state (TMF678: new, onHold, validated, sent), as the hub stores it
   * too; not the document's `state`, which is what the engine saw when it composed the bill.
   */
  lifecycleState(accountId: string, billNo: string): BillState | undefined {
    return this.#lifecycle.get(accountId, billNo) as BillState | undefined;
  }
}
