import { addDays, startOfDayInZone, type CalendarDate } from '../../shared/calendar.ts';
import { Catalog, CatalogIndex } from '../../shared/billing/catalog.ts';
import type { BillAccount } from '../../shared/billing/compose.ts';
import type { BillableProduct } from '../../shared/billing/product.ts';
import type { UsageRecord } from '../../shared/billing/usage.ts';
import type { ProductKind, ProductStatus } from '../../shared/domain/product.ts';
import { KioskError } from '../../shared/errors.ts';
import { usageFromRow as usageRecordOf, withTerms, type TermRow, type UsageRow as SharedUsageRow } from '../../shared/ledger/usage-product-rows.ts';
import type { HubQueryable } from '../db/hub-db.ts';

/**
 * What the billing engine needs from the central ledger, read a batch at a time (a set-based query
 * per batch, never one per account): the catalog in force, accounts with their branch's time
 * zone, products with their terms.
 */

const json = (value: unknown) => JSON.stringify(value);

/** The newest published catalog. */
export async function catalogInForce(q: HubQueryable): Promise<CatalogIndex> {
  const [row] = await q.query<{ document: unknown }>('SELECT document FROM catalog_versions ORDER BY seq DESC LIMIT 1');
  if (!row) throw new KioskError('NOT_FOUND', 'No catalog has been published on this hub yet.');
  return new CatalogIndex(Catalog.parse(row.document));
}

export interface HubAccount extends BillAccount {
  /** The operator's time zone at the account's branch: billing days are days there. */
  timeZone: string;
}

const ACCOUNT_COLUMNS = `a.id, a.account_no AS "accountNo", a.currency, a.bill_cycle_day AS "billCycleDay", a.opened_on AS "openedOn", br.time_zone AS "timeZone"
  FROM billing_accounts a JOIN customers c ON c.id = a.customer_id JOIN branches br ON br.id = c.branch_id`;

/** Up to `limit` accounts after `afterId` in id order (a bill run's pages). */
export function accountsPage(q: HubQueryable, afterId: string, limit: number): Promise<HubAccount[]> {
  return q.query<HubAccount & Record<string, unknown>>(`SELECT ${ACCOUNT_COLUMNS} WHERE a.id > $1 ORDER BY a.id LIMIT $2`, [afterId, limit]);
}

export function accountsById(q: HubQueryable, ids: readonly string[]): Promise<HubAccount[]> {
  return q.query<HubAccount & Record<string, unknown>>(`SELECT ${ACCOUNT_COLUMNS} WHERE a.id IN (SELECT jsonb_array_elements_text($1::jsonb))`, [json(ids)]);
}

export interface HubProduct extends BillableProduct {
  accountId: string;
  status: ProductStatus;
}

/** Products (with their terms, oldest first) of some accounts, or with some ids, or lines with some phone numbers. */
export async function productsWhere(q: HubQueryable, where: { accountIds?: readonly string[]; ids?: readonly string[]; numbers?: readonly string[] }): Promise<HubProduct[]> {
  const rows = await q.query<{ id: string; account_id: string; kind: ProductKind; identifier: string; parent_id: string | null; status: ProductStatus }>(
    `SELECT id, account_id, kind, identifier, parent_id, status FROM products
      WHERE account_id IN (SELECT jsonb_array_elements_text($1::jsonb))
         OR id IN (SELECT jsonb_array_elements_text($2::jsonb))
         OR (identifier IN (SELECT jsonb_array_elements_text($3::jsonb)) AND kind IN ('mobile','fixed') AND parent_id IS NULL)
      ORDER BY account_id, id`,
    [json(where.accountIds ?? []), json(where.ids ?? []), json(where.numbers ?? [])],
  );
  if (rows.length === 0) return [];
  const terms = await q.query<TermRow & Record<string, unknown>>(
    `SELECT product_id, offering_id, from_date, to_date FROM product_terms WHERE product_id IN (SELECT jsonb_array_elements_text($1::jsonb)) ORDER BY product_id, seq`,
    [json(rows.map((r) => r.id))],
  );
  return withTerms(
    rows.map((r) => ({ id: r.id, accountId: r.account_id, kind: r.kind, identifier: r.identifier, parentId: r.parent_id, status: r.status })),
    terms,
  );
}

/** The newest bill date of each account that has a bill. */
export async function latestBillDates(q: HubQueryable, accountIds: readonly string[]): Promise<Map<string, CalendarDate>> {
  const rows = await q.query<{ account_id: string; bill_date: CalendarDate }>(
    `SELECT account_id, max(bill_date) AS bill_date FROM bills WHERE account_id IN (SELECT jsonb_array_elements_text($1::jsonb)) GROUP BY account_id`,
    [json(accountIds)],
  );
  return new Map(rows.map((r) => [r.account_id, r.bill_date]));
}

/**
 * The calendar day of an instant in a zone, for every row of a large file: Intl formatting per row
 * is slow, so the day is found between the (remembered) instants at which days start in the zone.
 */
export function dayOfInstant(): (instantMs: number, timeZone: string) => CalendarDate {
  const starts = new Map<string, number>();
  const startOf = (day: CalendarDate, timeZone: string) => {
    const key = `${timeZone}|${day}`;
    let ms = starts.get(key);
    if (ms === undefined) starts.set(key, (ms = startOfDayInZone(day, timeZone)));
    return ms;
  };
  return (instantMs, timeZone) => {
    // A zone is less than a day away from UTC: the day is the UTC one, or the one before or after it.
    let day = new Date(instantMs).toISOString().slice(0, 10);
    if (instantMs < startOf(day, timeZone)) day = addDays(day, -1);
    else if (instantMs >= startOf(addDays(day, 1), timeZone)) day = addDays(day, 1);
    return day;
  };
}

/** A usage_records row as the hub reads it (`USAGE_COLUMNS`): PostgreSQL gives the instant as a Date. */
export type UsageRow = Omit<SharedUsageRow, 'usage_date'> & { usage_date: Date };

/** The engine's usage record from its row, by the reading the kiosk uses too. */
export function usageFromRow(r: UsageRow): UsageRecord {
  return usageRecordOf({ ...r, usage_date: r.usage_date.toISOString() });
}
