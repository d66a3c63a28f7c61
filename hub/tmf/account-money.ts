import { adjustmentEvent, allocate, inReplayOrder, type AccountEvent, type AllocationState, type BillAllocation } from '../../shared/billing/allocation.ts';
import type { CustomerBillState } from '../../shared/billing/bill.ts';
import { dateInZone, type CalendarDate } from '../../shared/calendar.ts';
import { ledgerAccounts } from '../../shared/changes.ts';
import type { HubQueryable } from '../db/hub-db.ts';

/** What the stored lifecycle states (bills.state) and payments can make of a bill (TMF678). */
export type BillStateNow = CustomerBillState | 'onHold';
export type PaymentStatus = 'paidUp' | 'due' | 'overdue' | 'inCredit';

/**
 * An account's money as the kiosk shows it, computed from the central ledger: the balance is the
 * sum of its receivable postings; what is open on each bill, which bills each payment paid and
 * whether anything is overdue come from the billing engine's allocation (the named bill first,
 * then the oldest), never from a stored figure.
 */
export interface AccountMoney {
  balanceMinor: number;
  allocation: AllocationState;
  overdueMinor: number;
  paymentStatus: PaymentStatus;
  /** Bill ids by bill number: allocation speaks bill numbers, TMF references speak ids. */
  billIds: ReadonlyMap<string, string>;
}

interface EventRow {
  account_id: string;
  kind: 'bill' | 'payment' | 'adjustment';
  id: string;
  /** A bill's number; a fee waiver's bill. */
  bill_no: string | null;
  occurred_at: Date;
  payment_due_date: string | null;
  amount_minor: number;
  target_bill_no: string | null;
}

// Bills at the instant of their journal entry, payments that are done, staff's adjustments (as on the kiosk).
const EVENTS = `
  SELECT b.account_id, 'bill' AS kind, b.id, b.bill_no, e.occurred_at, b.payment_due_date, b.tax_included_minor AS amount_minor, NULL AS target_bill_no
    FROM bills b JOIN journal_entries e ON e.id = b.entry_id
   WHERE b.account_id IN (SELECT jsonb_array_elements_text($1::jsonb))
  UNION ALL
  SELECT p.account_id, 'payment', p.id, NULL, e.occurred_at, NULL, p.amount_minor, p.target_bill_no
    FROM payments p JOIN journal_entries e ON e.id = p.entry_id
   WHERE p.account_id IN (SELECT jsonb_array_elements_text($1::jsonb)) AND p.status = 'done'
  UNION ALL
  SELECT ad.account_id, 'adjustment', ad.id, ad.bill_no, e.occurred_at, NULL, ad.amount_minor, NULL
    FROM adjustments ad JOIN journal_entries e ON e.id = ad.entry_id
   WHERE ad.account_id IN (SELECT jsonb_array_elements_text($1::jsonb))`;

const BALANCES = `
  SELECT ledger_account, coalesce(sum(amount_minor), 0)::bigint AS balance
    FROM postings WHERE ledger_account IN (SELECT jsonb_array_elements_text($1::jsonb))
   GROUP BY ledger_account`;

function toEvent(row: EventRow): AccountEvent {
  const at = row.occurred_at.toISOString();
  if (row.kind === 'bill') {
    return { type: 'bill', billNo: row.bill_no as string, at, paymentDueDate: row.payment_due_date as string, amountMinor: row.amount_minor };
  }
  if (row.kind === 'adjustment') return adjustmentEvent(row.id, at, row.amount_minor, row.bill_no);
  return { type: 'payment', paymentId: row.id, at, amountMinor: row.amount_minor, ...(row.target_bill_no === null ? {} : { targetBillNo: row.target_bill_no }) };
}

/** The money of each account in `accounts` (id → its branch's time zone), as of `now`. Three queries, whatever the number of accounts. */
export async function accountMoney(q: HubQueryable, accounts: ReadonlyMap<string, string>, now: Date): Promise<Map<string, AccountMoney>> {
  const ids = [...accounts.keys()];
  if (ids.length === 0) return new Map();
  const [rows, balances] = await Promise.all([
    q.query<EventRow & Record<string, unknown>>(EVENTS, [JSON.stringify(ids)]),
    q.query<{ ledger_account: string; balance: number }>(BALANCES, [JSON.stringify(ids.map(ledgerAccounts.receivable))]),
  ]);
  const balanceOf = new Map(balances.map((b) => [b.ledger_account, b.balance]));
  const byAccount = new Map<string, EventRow[]>(ids.map((id) => [id, []]));
  for (const row of rows) byAccount.get(row.account_id)?.push(row);

  // An Intl formatter per call is the slow part of dateInZone: once per zone, not per account.
  const todayIn = new Map<string, CalendarDate>([...new Set(accounts.values())].map((zone) => [zone, dateInZone(now, zone)]));
  const result = new Map<string, AccountMoney>();
  for (const [accountId, timeZone] of accounts) {
    const own = byAccount.get(accountId) ?? [];
    const allocation = allocate(own.map(toEvent).sort(inReplayOrder));
    const balanceMinor = balanceOf.get(ledgerAccounts.receivable(accountId)) ?? 0;
    const today = todayIn.get(timeZone) as CalendarDate;
    const overdueMinor = allocation.bills.filter((b) => b.remainingMinor > 0 && b.paymentDueDate < today).reduce((sum, b) => sum + b.remainingMinor, 0);
    const paymentStatus: PaymentStatus = balanceMinor < 0 ? 'inCredit' : balanceMinor === 0 ? 'paidUp' : overdueMinor > 0 ? 'overdue' : 'due';
    const billIds = new Map(own.flatMap((r) => (r.kind === 'bill' ? [[r.bill_no as string, r.id] as const] : [])));
    result.set(accountId, { balanceMinor, allocation, overdueMinor, paymentStatus, billIds });
  }
  return result;
}

/** A bill's state now: its stored lifecycle state (new, onHold, validated, sent) until payments settle part or all of it. */
export function billStateNow(stored: string, allocation: BillAllocation | undefined): BillStateNow {
  const lifecycle = stored as BillStateNow;
  if (!allocation || allocation.amountMinor <= 0) return lifecycle;
  if (allocation.remainingMinor === 0) return 'settled';
  return allocation.remainingMinor < allocation.amountMinor ? 'partiallyPaid' : lifecycle;
}
