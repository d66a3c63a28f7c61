import type { CalendarDate } from '../../../shared/calendar.ts';
import type { CatalogIndex } from '../../../shared/billing/catalog.ts';
import { termOn } from '../../../shared/billing/product.ts';
import { basePerBillingUnit, type RatedUsage } from '../../../shared/billing/usage.ts';
import { ledgerAccounts } from '../../../shared/changes.ts';
import { KioskError } from '../../../shared/errors.ts';
import { money } from '../../../shared/money.ts';
import type { AccountOverview, BillSummary, PaymentStatus, ServiceCard, UsageMeter } from '../../../shared/contract/schemas.ts';
import type { Database } from '../ledger/db.ts';
import type { BillingReader, LedgerProduct } from '../ledger/billing-reader.ts';
import { allowancesOf, countsAgainstAllowance, meterUnits, type CycleUsage } from './cycle-usage.ts';

interface AccountRow {
  credit_limit_minor: number;
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

/**
 * The customer's one convergent account, computed from the ledger: the balance is the sum of the
 * account's receivable postings; payments settle bills oldest first, so what is still open is the
 * newest bills that the balance covers. This cycle's usage is rated by the billing engine, so the
 * meters and the unbilled figure are what the next bill will say.
 */
export class AccountOverviewQuery {
  readonly #reader: BillingReader;
  readonly #usage: CycleUsage;
  readonly #account;
  readonly #balance;
  readonly #billsNewestFirst;

  constructor(db: Database, reader: BillingReader, usage: CycleUsage) {
    this.#reader = reader;
    this.#usage = usage;
    this.#account = db.prepare(
      `SELECT a.credit_limit_minor, c.name FROM billing_accounts a JOIN customers c ON c.id = a.customer_id WHERE a.id = ?`,
    );
    this.#balance = db.prepare(`SELECT COALESCE(SUM(amount_minor), 0) FROM postings WHERE ledger_account = ?`).pluck();
    this.#billsNewestFirst = db.prepare(
      `SELECT bill_no, bill_date, period_start, period_end, payment_due_date, tax_included_minor, state
       FROM bills WHERE account_id = ? ORDER BY bill_date DESC, bill_no DESC`,
    );
  }

  get(accountId: string, today: CalendarDate): AccountOverview {
    const row = this.#account.get(accountId) as AccountRow | undefined;
    if (!row) throw new KioskError('NOT_FOUND', 'This account is not on this kiosk.');
    const account = this.#reader.account(accountId);
    const { catalog, cycle, products, unbilled } = this.#usage.forAccount(accountId, today);
    const cur = account.currency;
    const balance = this.#balance.get(ledgerAccounts.receivable(accountId)) as number;

    // Allocate the amount owed to bills newest first: that is what oldest-first payment leaves open.
    let owed = Math.max(balance, 0);
    let overdue = 0;
    let dueDate: CalendarDate | null = null;
    let lastBill: BillSummary | null = null;
    for (const bill of this.#billsNewestFirst.iterate(accountId) as IterableIterator<BillRow>) {
      const remaining = Math.min(owed, Math.max(bill.tax_included_minor, 0));
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

    const services = products
      .filter((p) => p.parentId === null && p.status !== 'terminated' && termOn(p, today))
      .map((p) => serviceCard(p, products, catalog, unbilled.rated, today, cur));

    const totalDue = Math.max(balance, 0);
    const status: PaymentStatus = balance < 0 ? 'inCredit' : balance === 0 ? 'paidUp' : overdue > 0 ? 'overdue' : 'due';
    return {
      asOf: today,
      customerName: row.name,
      accountNo: account.accountNo,
      paymentStatus: status,
      balance: money(balance, cur),
      totalDue: money(totalDue, cur),
      overdueAmount: money(overdue, cur),
      dueDate,
      creditLimit: money(row.credit_limit_minor, cur),
      creditUsed: money(totalDue + unbilled.taxIncludedMinor, cur),
      creditAvailable: money(Math.max(row.credit_limit_minor - totalDue - unbilled.taxIncludedMinor, 0), cur),
      cycle: { start: cycle.start, end: cycle.end },
      unbilledCharges: money(unbilled.taxIncludedMinor, cur),
      services,
      lastBill,
    };
  }
}

function serviceCard(
  product: LedgerProduct,
  all: readonly LedgerProduct[],
  catalog: CatalogIndex,
  rated: readonly RatedUsage[],
  today: CalendarDate,
  currency: string,
): ServiceCard {
  const offeringId = (termOn(product, today) as { offeringId: string }).offeringId;
  const offering = catalog.requireOffering(offeringId);
  const usage = allowancesOf(offering).map(({ type, allowance }): UsageMeter => {
    let base = 0;
    for (const r of rated) if (r.productId === product.id && r.usageType === type && countsAgainstAllowance(r)) base += r.ratedQuantity;
    return { type, unit: meterUnits[type], used: Math.round((base / basePerBillingUnit[type]) * 10) / 10, allowance };
  });
  const addOns = all
    .filter((a) => a.parentId === product.id && a.status !== 'terminated')
    .flatMap((a) => {
      const term = termOn(a, today);
      return term ? [{ name: catalog.requireOffering(term.offeringId).name, recurringCharge: money(catalog.recurringPrice(term.offeringId, today), currency) }] : [];
    });
  return {
    id: product.id,
    kind: product.kind,
    identifier: product.identifier,
    planName: offering.name,
    status: product.status,
    recurringCharge: money(catalog.recurringPrice(offeringId, today), currency),
    addOns,
    usage,
  };
}
