import { addDays, addMonths, lastCycleDate, type CalendarDate } from '../../../shared/calendar.ts';
import { ledgerAccounts } from '../../../shared/changes.ts';
import { KioskError } from '../../../shared/errors.ts';
import { money } from '../../../shared/money.ts';
import type { AccountOverview, BillSummary, PaymentStatus, ServiceCard, UsageMeter } from '../../../shared/contract/schemas.ts';
import type { Database } from '../ledger/db.ts';

interface AccountRow {
  account_no: string;
  currency: string;
  credit_limit_minor: number;
  bill_cycle_day: number;
  name: string;
}
interface BillRow {
  bill_no: string;
  bill_date: string;
  period_start: string;
  period_end: string;
  payment_due_date: string;
  tax_included_minor: number;
  state: BillSummary['state'];
}
interface ProductRow {
  id: string;
  kind: ServiceCard['kind'];
  identifier: string;
  status: ServiceCard['status'];
  plan_name: string;
  offering_id: string;
  recurring_minor: number;
  currency: string;
}
interface AllowanceRow {
  offering_id: string;
  usage_type: UsageMeter['type'];
  unit: UsageMeter['unit'];
  quantity: number | null;
}
interface UsageRow {
  product_id: string;
  usage_type: UsageMeter['type'];
  used: number;
}

const usageOrder: Record<UsageMeter['type'], number> = { data: 0, voice: 1, sms: 2 };

/**
 * The customer's one convergent account, computed from the ledger: the balance is the sum of the
 * account's receivable postings; payments settle bills oldest first, so what is still open is the
 * newest bills that the balance covers.
 */
export class AccountOverviewQuery {
  readonly #account;
  readonly #balance;
  readonly #billsNewestFirst;
  readonly #products;
  readonly #allowances;
  readonly #usage;

  constructor(db: Database) {
    this.#account = db.prepare(
      `SELECT a.account_no, a.currency, a.credit_limit_minor, a.bill_cycle_day, c.name
       FROM billing_accounts a JOIN customers c ON c.id = a.customer_id WHERE a.id = ?`,
    );
    this.#balance = db.prepare(`SELECT COALESCE(SUM(amount_minor), 0) FROM postings WHERE ledger_account = ?`).pluck();
    this.#billsNewestFirst = db.prepare(
      `SELECT bill_no, bill_date, period_start, period_end, payment_due_date, tax_included_minor, state
       FROM bills WHERE account_id = ? ORDER BY bill_date DESC, bill_no DESC`,
    );
    this.#products = db.prepare(
      `SELECT p.id, p.kind, p.identifier, p.status, o.name AS plan_name, o.id AS offering_id, o.recurring_minor, o.currency
       FROM products p JOIN product_offerings o ON o.id = p.offering_id
       WHERE p.account_id = ? AND p.status <> 'terminated'
       ORDER BY CASE p.kind WHEN 'mobile' THEN 0 WHEN 'broadband' THEN 1 WHEN 'tv' THEN 2 ELSE 3 END, p.identifier`,
    );
    this.#allowances = db.prepare(
      `SELECT offering_id, usage_type, unit, quantity FROM offering_allowances
       WHERE offering_id IN (SELECT offering_id FROM products WHERE account_id = ?)`,
    );
    this.#usage = db.prepare(
      `SELECT u.product_id, u.usage_type, SUM(u.quantity) AS used
       FROM products p JOIN usage_records u ON u.product_id = p.id
       WHERE p.account_id = ? AND u.usage_date >= ? AND u.usage_date <= ?
       GROUP BY u.product_id, u.usage_type`,
    );
  }

  get(accountId: string, today: CalendarDate): AccountOverview {
    const account = this.#account.get(accountId) as AccountRow | undefined;
    if (!account) throw new KioskError('NOT_FOUND', 'This account is not on this kiosk.');
    const cur = account.currency;
    const balance = this.#balance.get(ledgerAccounts.receivable(accountId)) as number;

    // Allocate the amount owed to bills newest first: that is what oldest-first payment leaves open.
    let owed = Math.max(balance, 0);
    let overdue = 0;
    let dueDate: CalendarDate | null = null;
    let lastBill: BillSummary | null = null;
    for (const bill of this.#billsNewestFirst.iterate(accountId) as IterableIterator<BillRow>) {
      const remaining = Math.min(owed, bill.tax_included_minor);
      owed -= remaining;
      if (remaining > 0) {
        dueDate = bill.payment_due_date;
        if (bill.payment_due_date < today) overdue += remaining;
      }
      lastBill ??= {
        billNo: bill.bill_no,
        billDate: bill.bill_date,
        periodStart: bill.period_start,
        periodEnd: bill.period_end,
        paymentDueDate: bill.payment_due_date,
        amountDue: money(bill.tax_included_minor, cur),
        remainingAmount: money(remaining, cur),
        state: remaining === 0 ? 'settled' : remaining < bill.tax_included_minor ? 'partiallyPaid' : bill.state,
      };
      if (owed === 0) break;
    }

    const cycleStart = lastCycleDate(today, account.bill_cycle_day);
    const cycleEnd = addDays(addMonths(cycleStart, 1), -1);
    const allowances = this.#allowances.all(accountId) as AllowanceRow[];
    const usage = this.#usage.all(accountId, cycleStart, cycleEnd) as UsageRow[];
    const services = (this.#products.all(accountId) as ProductRow[]).map(
      (p): ServiceCard => ({
        id: p.id,
        kind: p.kind,
        identifier: p.identifier,
        planName: p.plan_name,
        status: p.status,
        recurringCharge: money(p.recurring_minor, p.currency),
        usage: allowances
          .filter((a) => a.offering_id === p.offering_id)
          .sort((a, b) => usageOrder[a.usage_type] - usageOrder[b.usage_type])
          .map((a) => ({
            type: a.usage_type,
            unit: a.unit,
            allowance: a.quantity,
            used: usage.find((u) => u.product_id === p.id && u.usage_type === a.usage_type)?.used ?? 0,
          })),
      }),
    );

    const totalDue = Math.max(balance, 0);
    const status: PaymentStatus = balance < 0 ? 'inCredit' : balance === 0 ? 'paidUp' : overdue > 0 ? 'overdue' : 'due';
    return {
      asOf: today,
      customerName: account.name,
      accountNo: account.account_no,
      paymentStatus: status,
      balance: money(balance, cur),
      totalDue: money(totalDue, cur),
      overdueAmount: money(overdue, cur),
      dueDate,
      creditLimit: money(account.credit_limit_minor, cur),
      creditAvailable: money(Math.max(account.credit_limit_minor - totalDue, 0), cur),
      cycle: { start: cycleStart, end: cycleEnd },
      services,
      lastBill,
    };
  }
}
