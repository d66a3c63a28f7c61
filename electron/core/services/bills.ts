import { explainBill } from '../../../shared/billing/explain.ts';
import type { BillAllocation } from '../../../shared/billing/allocation.ts';
import type { CustomerBill } from '../../../shared/billing/bill.ts';
import type { BillHistory, BillView } from '../../../shared/contract/bills.ts';
import type { BillSummary } from '../../../shared/contract/schemas.ts';
import type { BillState } from '../../../shared/domain/account-states.ts';
import { KioskError } from '../../../shared/errors.ts';
import { billStateNow } from '../../../shared/ledger/account-status.ts';
import { money } from '../../../shared/money.ts';
import type { AccountHistory } from '../ledger/account-history.ts';

const HISTORY_LENGTH = 12;

/** The customer's bills: one in full with what changed since the one before, and the last twelve. */
export class BillQuery {
  constructor(private readonly history: AccountHistory) {}

  get(accountId: string, billNo?: string): BillView {
    const billNos = this.history.billNos(accountId);
    const index = billNo === undefined ? 0 : billNos.indexOf(billNo);
    const wanted = billNos[index];
    if (index < 0 || wanted === undefined) {
      throw new KioskError('NOT_FOUND', billNo === undefined ? 'There is no bill on this account yet.' : `Bill ${billNo} is not on this account.`);
    }
    const bill = this.history.bill(accountId, wanted) as CustomerBill;
    const previousBillNo = billNos[index + 1] ?? null;
    const previous = previousBillNo === null ? null : (this.history.bill(accountId, previousBillNo) ?? null);
    const allocation = this.history.allocation(accountId).bills.find((b) => b.billNo === wanted);
    const remaining = allocation?.remainingMinor ?? bill.remainingAmountMinor;
    return {
      bill,
      remainingAmount: money(remaining, bill.currency),
      state: billStateNow(this.history.lifecycleState(accountId, wanted) as BillState, allocation),
      previousBillNo,
      explanation: previous ? explainBill(bill, previous) : null,
    };
  }

  list(accountId: string): BillHistory {
    const allocations = this.history.allocation(accountId).bills;
    return { bills: this.history.billNos(accountId).slice(0, HISTORY_LENGTH).map((billNo) => this.summary(accountId, billNo, allocations)) };
  }

  /** One bill in short, with what is still open on it by the engine's allocation. */
  summary(accountId: string, billNo: string, allocations: readonly BillAllocation[]): BillSummary {
    const bill = this.history.bill(accountId, billNo) as CustomerBill;
    const allocation = allocations.find((b) => b.billNo === billNo);
    return {
      billNo,
      billDate: bill.billDate,
      periodStart: bill.billingPeriod.start,
      periodEnd: bill.billingPeriod.end,
      paymentDueDate: bill.paymentDueDate,
      amountDue: money(bill.taxIncludedAmountMinor, bill.currency),
      remainingAmount: money(allocation?.remainingMinor ?? bill.remainingAmountMinor, bill.currency),
      state: billStateNow(this.history.lifecycleState(accountId, billNo) as BillState, allocation),
    };
  }
}
