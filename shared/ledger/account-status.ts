import type { AllocationState, BillAllocation } from '../billing/allocation.ts';
import type { CalendarDate } from '../calendar.ts';
import type { BillState, PaymentStatus } from '../domain/account-states.ts';

/** What is still open on bills whose due date has passed by `today` (a bill is overdue from the day after its due date). */
export function overdueMinor(allocation: AllocationState, today: CalendarDate): number {
  return allocation.bills.filter((b) => b.remainingMinor > 0 && b.paymentDueDate < today).reduce((sum, b) => sum + b.remainingMinor, 0);
}

/** The account's payment status from its receivable balance (positive: owed) and what of it is overdue. */
export function paymentStatus(balanceMinor: number, overdue: number): PaymentStatus {
  if (balanceMinor < 0) return 'inCredit';
  if (balanceMinor === 0) return 'paidUp';
  return overdue > 0 ? 'overdue' : 'due';
}

/**
 * A bill's state now (TMF678): its stored lifecycle state (bills.state: new, onHold, validated,
 * sent; both ledgers store `sent` when a bill is issued to them, and TMF678 PATCH moves it) stands
 * until payments move it to partiallyPaid or settled. Reading never makes a state up: the kiosk
 * used to read the document's composed state and turn an unpaid `new` into `sent`, the hub read
 * the stored one; both now read the stored one through this rule. A bill with nothing to pay
 * (a credit note, a zero bill) keeps its lifecycle state.
 */
export function billStateNow(stored: BillState, allocation: BillAllocation | undefined): BillState {
  if (!allocation || allocation.amountMinor <= 0) return stored;
  if (allocation.remainingMinor === 0) return 'settled';
  return allocation.remainingMinor < allocation.amountMinor ? 'partiallyPaid' : stored;
}
