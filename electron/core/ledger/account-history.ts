import { adjustmentEvent, allocate, inReplayOrder, type AccountEvent, type AllocationState } from '../../../shared/billing/allocation.ts';
import { CustomerBill } from '../../../shared/billing/bill.ts';
import type { Database } from './db.ts';

interface BillRow {
  bill_no: string;
  occurred_at: string;
  payment_due_date: string;
  tax_included_minor: number;
}
interface PaymentRow {
  id: string;
  occurred_at: string;
  amount_minor: number;
  target_bill_no: string | null;
}
interface AdjustmentRow {
  id: string;
  occurred_at: string;
  amount_minor: number;
  bill_no: string | null;
}

/**
 * An account's money over time, read from the journal: its bills, payments and staff's
 * adjustments as allocation events, and the bills as the engine composed them. What each bill
 * still owes is worked out by the billing engine's allocation (named bill, then oldest first),
 * never stored.
 */
export class AccountHistory {
  readonly #bills;
  readonly #payments;
  readonly #adjustments;
  readonly #document;
  readonly #billNosNewestFirst;

  constructor(db: Database) {
    this.#bills = db.prepare(
      `SELECT b.bill_no, e.occurred_at, b.payment_due_date, b.tax_included_minor
       FROM bills b JOIN journal_entries e ON e.id = b.entry_id WHERE b.account_id = ?`,
    );
    this.#payments = db.prepare(
      `SELECT p.id, e.occurred_at, p.amount_minor, p.target_bill_no FROM payments p JOIN journal_entries e ON e.id = p.entry_id
       WHERE p.account_id = ? AND p.status = 'done'`,
    );
    this.#adjustments = db.prepare(
      `SELECT ad.id, e.occurred_at, ad.amount_minor, ad.bill_no FROM adjustments ad JOIN journal_entries e ON e.id = ad.entry_id WHERE ad.account_id = ?`,
    );
    this.#document = db.prepare(`SELECT document FROM bills WHERE account_id = ? AND bill_no = ?`).pluck();
    this.#billNosNewestFirst = db.prepare(`SELECT bill_no FROM bills WHERE account_id = ? ORDER BY bill_date DESC, bill_no DESC`).pluck();
  }

  events(accountId: string): AccountEvent[] {
    const events: AccountEvent[] = [
      ...(this.#bills.all(accountId) as BillRow[]).map(
        (b): AccountEvent => ({ type: 'bill', billNo: b.bill_no, at: b.occurred_at, paymentDueDate: b.payment_due_date, amountMinor: b.tax_included_minor }),
      ),
      ...(this.#payments.all(accountId) as PaymentRow[]).map(
        (p): AccountEvent => ({
          type: 'payment',
          paymentId: p.id,
          at: p.occurred_at,
          amountMinor: p.amount_minor,
          ...(p.target_bill_no === null ? {} : { targetBillNo: p.target_bill_no }),
        }),
      ),
      ...(this.#adjustments.all(accountId) as AdjustmentRow[]).map((a) => adjustmentEvent(a.id, a.occurred_at, a.amount_minor, a.bill_no)),
    ];
    return events.sort(inReplayOrder);
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
}
