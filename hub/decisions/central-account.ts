import { addDays, dateInZone, startOfDayInZone, type CalendarDate } from '../../shared/calendar.ts';
import { USAGE_COLUMNS } from '../../shared/ledger/usage-product-rows.ts';
import type { ChangeOf } from '../../shared/sync/changes.ts';
import type { AllocationState } from '../../shared/billing/allocation.ts';
import type { CustomerBill } from '../../shared/billing/bill.ts';
import type { CatalogIndex } from '../../shared/billing/catalog.ts';
import { billedInAdvance } from '../../shared/billing/compose.ts';
import { creditProfile } from '../../shared/billing/credit-profile.ts';
import type { CreditProfileInput } from '../../shared/billing/credit-risk.ts';
import { cycleContaining, type Cycle } from '../../shared/billing/cycle.ts';
import type { OrderContext } from '../../shared/billing/order-preview.ts';
import { unbilledCharges } from '../../shared/billing/unbilled.ts';
import type { UsageRecord } from '../../shared/billing/usage.ts';
import type { OrderAction } from '../../shared/domain/order-action.ts';
import type { HubQueryable } from '../db/hub-db.ts';
import { accountsById, catalogInForce, productsWhere, usageFromRow, type HubAccount, type HubProduct, type UsageRow } from '../billing/ledger-reads.ts';
import { accountMoney } from '../tmf/account-money.ts';

/**
 * One account on the central ledger as the risk engine and the order rules see it on the hub's
 * today (in the branch's zone): the same inputs the kiosk builds from its replica
 * (electron/core/services/credit.ts, orders.ts), read from PostgreSQL.
 */
export interface CentralAccount {
  account: HubAccount;
  customerId: string;
  branchId: string;
  creditLimitMinor: number;
  today: CalendarDate;
  catalog: CatalogIndex;
  products: HubProduct[];
  allocation: AllocationState;
  cycle: Readonly<Cycle>;
  /** This cycle's usage not yet billed. */
  records: UsageRecord[];
  unbilledUsageMinor: number;
  /** What this cycle's bill charged in advance, once it is issued. */
  billedAhead: Map<string, string> | undefined;
}


/** The account as of `at`, or null when the hub does not hold it. */
export async function readCentralAccount(q: HubQueryable, accountId: string, at: Date): Promise<CentralAccount | null> {
  const [own] = await q.query<{ customer_id: string; branch_id: string; credit_limit_minor: number }>(
    'SELECT a.customer_id, c.branch_id, a.credit_limit_minor FROM billing_accounts a JOIN customers c ON c.id = a.customer_id WHERE a.id = $1',
    [accountId],
  );
  const [account] = await accountsById(q, [accountId]);
  if (!own || !account) return null;
  const today = dateInZone(at, account.timeZone);
  const catalog = await catalogInForce(q);
  const products = await productsWhere(q, { accountIds: [accountId] });
  const money = (await accountMoney(q, new Map([[accountId, account.timeZone]]), at)).get(accountId);
  if (!money) return null;
  const cycle = cycleContaining(today, account.billCycleDay);
  // The same window as the kiosk's CycleUsage: the cycle's days in the branch's zone.
  const rows = await q.query<UsageRow & Record<string, unknown>>(
    `SELECT ${USAGE_COLUMNS}
       FROM usage_records u JOIN products p ON p.id = u.product_id
      WHERE p.account_id = $1 AND u.usage_date >= $2 AND u.usage_date < $3 AND u.status <> 'billed'
      ORDER BY u.usage_date, u.id`,
    [accountId, new Date(startOfDayInZone(cycle.start, account.timeZone)), new Date(startOfDayInZone(addDays(cycle.end, 1), account.timeZone))],
  );
  const records = rows.map(usageFromRow);
  const [cycleBill] = await q.query<{ services: CustomerBill['services'] }>(`SELECT document->'services' AS services FROM bills WHERE account_id = $1 AND bill_date = $2`, [accountId, cycle.start]);
  const unbilled = unbilledCharges({ catalog, products, period: cycle, timeZone: account.timeZone, records });
  return {
    account,
    customerId: own.customer_id,
    branchId: own.branch_id,
    creditLimitMinor: own.credit_limit_minor,
    today,
    catalog,
    products,
    allocation: money.allocation,
    cycle,
    records,
    unbilledUsageMinor: unbilled.taxIncludedMinor,
    billedAhead: cycleBill ? billedInAdvance(cycleBill) : undefined,
  };
}

/** The credit scorecard's input, by the one function the kiosk uses too. */
export function centralProfile(central: CentralAccount): CreditProfileInput {
  return creditProfile({
    today: central.today,
    timeZone: central.account.timeZone,
    openedOn: central.account.openedOn,
    creditLimitMinor: central.creditLimitMinor,
    catalog: central.catalog,
    products: central.products,
    allocation: central.allocation,
    unbilledUsageMinor: central.unbilledUsageMinor,
  });
}

/** What the shared order rules (shared/billing/order-preview.ts) judge an order against. */
export function centralOrderContext(central: CentralAccount, openOrders: readonly OrderAction[]): OrderContext {
  const { catalog, account, today, cycle, products, records, billedAhead } = central;
  return {
    catalog,
    account,
    currency: account.currency,
    timeZone: account.timeZone,
    today,
    cycle,
    products,
    records,
    profile: centralProfile(central),
    openOrders,
    ...(billedAhead ? { billedAhead } : {}),
  };
}

/** The account as a change, with a new credit limit: how a limit decided here reaches the branch's kiosks. */
export function accountWithLimit(central: CentralAccount, creditLimitMinor: number): ChangeOf<'account.upsert'> {
  const { account } = central;
  return {
    type: 'account.upsert',
    id: account.id,
    accountNo: account.accountNo,
    customerId: central.customerId,
    currency: account.currency,
    billCycleDay: account.billCycleDay,
    creditLimitMinor,
    openedOn: account.openedOn,
  };
}

