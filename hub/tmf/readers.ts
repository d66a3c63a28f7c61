import type { HubQueryable } from '../db/hub-db.ts';
import { accountMoney, type AccountMoney } from './account-money.ts';
import type { ListSource } from './list.ts';
import type { AccountRow, BillingAccountRow, BillRow, PaymentRow } from './resources.ts';

/**
 * The SQL behind the TMF lists, each in a stable order (by id). A page is picked first from the
 * resource's own table and its primary key (`LIMIT`/`OFFSET` over the index, the filters touch
 * only that table), and only its rows are joined and have their documents read: a deep offset into
 * the 50,000-account demo skips index entries, not joined rows. `conditions` come from `sqlConditions`.
 */
type Page = { offset: number; limit: number } | null;

const ACCOUNT_JOIN = `JOIN customers c ON c.id = a.customer_id JOIN branches br ON br.id = c.branch_id`;

/** `SELECT columns` of the page's rows of `table` (aliased `alias`), joined to `joins`; every row without a page (LIMIT NULL is none). */
function pageOf(table: string, alias: string, columns: string, joins: string, conditions: string, params: readonly unknown[], page: Page): [string, unknown[]] {
  const n = params.length;
  return [
    `WITH page AS (SELECT ${alias}.id FROM ${table} ${alias} WHERE true${conditions} ORDER BY ${alias}.id LIMIT $${n + 1} OFFSET $${n + 2})
     SELECT ${columns} FROM page JOIN ${table} ${alias} ON ${alias}.id = page.id ${joins} ORDER BY ${alias}.id`,
    [...params, page?.limit ?? null, page?.offset ?? 0],
  ];
}

async function count(q: HubQueryable, sql: string, params: readonly unknown[]): Promise<number> {
  const [row] = await q.query<{ n: number }>(sql, params);
  return row?.n ?? 0;
}

/** The money of the accounts `rows` belong to (see account-money.ts). */
export function moneyOf(q: HubQueryable, rows: readonly AccountRow[], now: Date): Promise<Map<string, AccountMoney>> {
  return accountMoney(q, new Map(rows.map((r) => [r.account_id, r.time_zone])), now);
}

export const accountRows = (q: HubQueryable): Omit<ListSource<BillingAccountRow, unknown>, 'build'> => ({
  count: (conditions, params) => count(q, `SELECT count(*) AS n FROM billing_accounts a WHERE true${conditions}`, params),
  rows: (conditions, params, page) =>
    q.query<BillingAccountRow & Record<string, unknown>>(
      ...pageOf(
        'billing_accounts',
        'a',
        'a.id AS account_id, a.account_no, a.currency, br.time_zone, a.customer_id, c.name AS customer_name, a.bill_cycle_day, a.credit_limit_minor',
        ACCOUNT_JOIN,
        conditions,
        params,
        page,
      ),
    ),
});

export type BillWithDocument = BillRow & { document: unknown };

/** Bills, with their whole document when the caller needs the lines. */
export function billRows(q: HubQueryable, withDocument: true): Omit<ListSource<BillWithDocument, unknown>, 'build'>;
export function billRows(q: HubQueryable, withDocument: false): Omit<ListSource<BillRow, unknown>, 'build'>;
export function billRows(q: HubQueryable, withDocument: boolean): Omit<ListSource<BillRow, unknown>, 'build'> {
  return {
    count: (conditions, params) => count(q, `SELECT count(*) AS n FROM bills b WHERE true${conditions}`, params),
    rows: (conditions, params, page) =>
      q.query<BillRow & Record<string, unknown>>(
        ...pageOf(
          'bills',
          'b',
          `b.id, b.bill_no, b.account_id, a.account_no, b.currency, br.time_zone, b.bill_date, b.period_start, b.period_end,
           b.payment_due_date, b.tax_excluded_minor, b.tax_included_minor, b.amount_due_minor, b.state,
           b.document -> 'taxItems' AS tax_items, (b.document ->> 'remainingAmountMinor')::bigint AS issued_remaining_minor,
           (SELECT max(s.changed_at) FROM bill_state_changes s WHERE s.bill_id = b.id) AS last_update
           ${withDocument ? ', b.document' : ''}`,
          `JOIN billing_accounts a ON a.id = b.account_id ${ACCOUNT_JOIN}`,
          conditions,
          params,
          page,
        ),
      ),
  };
}

export const paymentRows = (q: HubQueryable): Omit<ListSource<PaymentRow, unknown>, 'build'> => ({
  count: (conditions, params) => count(q, `SELECT count(*) AS n FROM payments p WHERE true${conditions}`, params),
  rows: (conditions, params, page) =>
    q.query<PaymentRow & Record<string, unknown>>(
      ...pageOf(
        'payments',
        'p',
        `p.id, p.account_id, a.account_no, p.currency, br.time_zone, a.customer_id, c.name AS customer_name, p.amount_minor,
         p.payment_method, p.channel, p.point_of_interaction, p.authorization_code, p.correlator_id, p.status,
         coalesce(e.occurred_at, p.created_at) AS occurred_at, p.updated_at`,
        `LEFT JOIN journal_entries e ON e.id = p.entry_id JOIN billing_accounts a ON a.id = p.account_id ${ACCOUNT_JOIN}`,
        conditions,
        params,
        page,
      ),
    ),
});
