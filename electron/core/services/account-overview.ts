import type { CalendarDate } from '../../../shared/calendar.ts';
import type { CatalogIndex } from '../../../shared/billing/catalog.ts';
import { termOn } from '../../../shared/billing/product.ts';
import { basePerBillingUnit, type RatedUsage } from '../../../shared/billing/usage.ts';
import { ledgerAccounts } from '../../../shared/sync/changes.ts';
import { KioskError } from '../../../shared/errors.ts';
import { money } from '../../../shared/money.ts';
import type { AccountOverview, ServiceCard, UsageMeter } from '../../../shared/contract/schemas.ts';
import { overdueMinor, paymentStatus } from '../../../shared/ledger/account-status.ts';
import { creditExposure } from '../../../shared/billing/credit-risk.ts';
import { creditAvailable } from '../../../shared/ledger/credit.ts';
import type { Database } from '../ledger/db.ts';
import type { BillingReader, LedgerProduct } from '../ledger/billing-reader.ts';
import type { AccountHistory } from '../ledger/account-history.ts';
import { BillQuery } from './bills.ts';
import { allowancesOf, countsAgainstAllowance, meterUnits, type CycleUsage } from './cycle-usage.ts';

interface AccountRow {
  credit_limit_minor: number;
  name: string;
}

/**
 * The customer's one convergent account, computed from the ledger: the balance is the sum of the
 * account's receivable postings; what is still open on each bill is the billing engine's
 * allocation of the account's payments. This cycle's usage is rated by the billing engine, so the
 * meters and the unbilled figure are what the next bill will say.
 */
export class AccountOverviewQuery {
  readonly #reader: BillingReader;
  readonly #usage: CycleUsage;
  readonly #history: AccountHistory;
  readonly #bills: BillQuery;
  readonly #account;
  readonly #balance;

  constructor(db: Database, reader: BillingReader, usage: CycleUsage, history: AccountHistory) {
    this.#reader = reader;
    this.#usage = usage;
    this.#history = history;
    this.#bills = new BillQuery(history);
    this.#account = db.prepare(
      `SELECT a.credit_limit_minor, c.name FROM billing_accounts a JOIN customers c ON c.id = a.customer_id WHERE a.id = ?`,
    );
    this.#balance = db.prepare(`SELECT COALESCE(SUM(amount_minor), 0) FROM postings WHERE ledger_account = ?`).pluck();
  }

  get(accountId: string, today: CalendarDate): AccountOverview {
    const row = this.#account.get(accountId) as AccountRow | undefined;
    if (!row) throw new KioskError('NOT_FOUND', 'This account is not on this kiosk.');
    const account = this.#reader.account(accountId);
    const { catalog, cycle, products, unbilled } = this.#usage.forAccount(accountId, today);
    const cur = account.currency;
    const balance = this.#balance.get(ledgerAccounts.receivable(accountId)) as number;

    // What is still open on each bill is the engine's allocation (a named bill first, then the oldest),
    // the same figures the bill screens show.
    const allocation = this.#history.allocation(accountId);
    const overdue = overdueMinor(allocation, today);
    const dueDate = allocation.bills.find((b) => b.remainingMinor > 0)?.paymentDueDate ?? null;
    const newest = this.#history.billNos(accountId)[0];
    const lastBill = newest === undefined ? null : this.#bills.summary(accountId, newest, allocation.bills);

    const services = products
      .filter((p) => p.parentId === null && p.status !== 'terminated' && termOn(p, today))
      .map((p) => serviceCard(p, products, catalog, unbilled.rated, today, cur));

    const totalDue = Math.max(balance, 0);
    // The overview's meter leaves out orders not billed yet (the credit screen counts them: credit.status).
    const use = { creditLimitMinor: row.credit_limit_minor, balanceMinor: balance, unbilledUsageMinor: unbilled.taxIncludedMinor, pendingOrdersFirstBillMinor: 0 };
    return {
      asOf: today,
      customerName: row.name,
      accountNo: account.accountNo,
      paymentStatus: paymentStatus(balance, overdue),
      balance: money(balance, cur),
      totalDue: money(totalDue, cur),
      overdueAmount: money(overdue, cur),
      dueDate,
      creditLimit: money(row.credit_limit_minor, cur),
      creditUsed: money(creditExposure(use), cur),
      creditAvailable: money(creditAvailable(use), cur),
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
