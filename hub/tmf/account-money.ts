import { allocate, type AllocationState } from '../../shared/billing/allocation.ts';
import { dateInZone, type CalendarDate } from '../../shared/calendar.ts';
import { ledgerAccounts } from '../../shared/sync/changes.ts';
import type { PaymentStatus } from '../../shared/domain/account-states.ts';
import { accountEvents, type LedgerRow } from '../../shared/ledger/account-events.ts';
import { overdueMinor, paymentStatus } from '../../shared/ledger/account-status.ts';
import type { HubQueryable } from '../db/hub-db.ts';

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

/** A row of the account's money (shared/ledger's shape) with its account, its instant as stored and, for a bill, its id. */
interface EventRow extends Omit<LedgerRow, 'at'> {
  account_id: string;
  bill_id: string | null;
  occurred_at: Date;
}

// Bills at the instant of their journal entry, payments that are done, staff's adjustments (as on the kiosk: electron/core/ledger/account-history.ts).
const EVENTS = `
  SELECT b.account_id, 'bill' AS kind, b.bill_no AS id, b.id AS bill_id, NULL AS "billNo", e.occurred_at, b.payment_due_date AS "paymentDueDate", b.tax_included_minor AS "amountMinor"
    FROM bills b JOIN journal_entries e ON e.id = b.entry_id
   WHERE b.account_id IN (SELECT jsonb_array_elements_text($1::jsonb))
  UNION ALL
  SELECT p.account_id, 'payment', p.id, NULL, p.target_bill_no, e.occurred_at, NULL, p.amount_minor
    FROM payments p JOIN journal_entries e ON e.id = p.entry_id
   WHERE p.account_id IN (SELECT jsonb_array_elements_text($1::jsonb)) AND p.status = 'done'
  UNION ALL
  SELECT ad.account_id, 'adjustment', ad.id, NULL, ad.bill_no, e.occurred_at, NULL, ad.amount_minor
    FROM adjustments ad JOIN journal_entries e ON e.id = ad.entry_id
   WHERE ad.account_id IN (SELECT jsonb_array_elements_text($1::jsonb))`;

const BALANCES = `
  SELECT ledger_account, coalesce(sum(amount_minor), 0)::bigint AS balance
    FROM postings WHERE ledger_account IN (SELECT jsonb_array_elements_text($1::jsonb))
   GROUP BY ledger_account`;

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
    const allocation = allocate(accountEvents(own.map(({ occurred_at, ...row }) => ({ ...row, at: occurred_at.toISOString() }))));
    const balanceMinor = balanceOf.get(ledgerAccounts.receivable(accountId)) ?? 0;
    const overdue = overdueMinor(allocation, todayIn.get(timeZone) as CalendarDate);
    const billIds = new Map(own.flatMap((r) => (r.bill_id === null ? [] : [[r.id, r.bill_id] as const])));
    result.set(accountId, { balanceMinor, allocation, overdueMinor: overdue, paymentStatus: paymentStatus(balanceMinor, overdue), billIds });
  }
  return result;
}
