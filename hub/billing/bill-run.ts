import { v7 as uuidv7 } from 'uuid';
import { USAGE_COLUMNS } from '../../shared/ledger/usage-product-rows.ts';
import { z } from 'zod';
import { addDays, addMonths, dateInZone, startOfDayInZone, type CalendarDate } from '../../shared/calendar.ts';
import type { CatalogIndex } from '../../shared/billing/catalog.ts';
import type { CustomerBill } from '../../shared/billing/bill.ts';
import { billedInAdvance, composeBill, type BillRun } from '../../shared/billing/compose.ts';
import { cycleAt, cycleContaining, overlapDays, type Cycle } from '../../shared/billing/cycle.ts';
import { termOn } from '../../shared/billing/product.ts';
import type { UsageRecord } from '../../shared/billing/usage.ts';
import { ledgerAccounts, type Change, type ChangeOf } from '../../shared/sync/changes.ts';
import { accountEvents, type LedgerRow } from '../../shared/ledger/account-events.ts';
import { billIssued } from '../../shared/ledger/journal.ts';
import { lateFeesOnBill } from '../../shared/ledger/late-fees.ts';
import { KioskError } from '../../shared/errors.ts';
import type { HubDb, HubQueryable } from '../db/hub-db.ts';
import { parseChanges, writeChanges } from '../ledger/change-writer.ts';
import { lockFeed } from '../ledger/feed.ts';
import { accountsPage, catalogInForce, productsWhere, usageFromRow, type HubAccount, type HubProduct, type UsageRow } from './ledger-reads.ts';

/**
 * `npm run hub -- bill-run --cycle YYYY-MM`: bills every account whose usage period (its bill
 * cycle, shared/billing/cycle.ts) ends in that month, with `composeBill`, the engine the demo
 * generator and the kiosk use. Each bill is a `bill.issued` fact (the bill and its balanced journal
 * entry) and its usage goes to `billed`, all through the change writer, so kiosks pull them.
 *
 * Accounts go a page at a time; a page is read, composed and written in one transaction under the
 * feed lock, so usage imported meanwhile is either on the bill or refused as "already billed", never
 * left behind. Idempotent: an account that already has the cycle's bill is counted, not billed
 * again. An account the engine cannot bill (say, a plan without a price) is recorded in
 * bill_run_problems and the run goes on. A cycle that has not ended yet in the branch's time zone
 * is "not due".
 */

export const CycleMonth = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month as YYYY-MM, such as 2026-11');

export const BillRunProblem = z.object({
  accountId: z.string(),
  usageId: z.string().nullable(),
  code: z.string(),
  reason: z.string(),
});
export type BillRunProblem = z.infer<typeof BillRunProblem>;

export const BillRunReport = z.object({
  runId: z.string(),
  cycle: CycleMonth,
  status: z.enum(['running', 'done', 'failed', 'interrupted']),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  seconds: z.number().nonnegative(),
  /** Accounts looked at so far. */
  accounts: z.number().int().nonnegative(),
  billed: z.number().int().nonnegative(),
  alreadyBilled: z.number().int().nonnegative(),
  /** The cycle has not ended yet for them. */
  notDue: z.number().int().nonnegative(),
  /** Nothing to bill: opened after the cycle, no service in it, or a later cycle already billed. */
  skipped: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  usageBilled: z.number().int().nonnegative(),
  /** Usage records the engine refused at billing time (left unbilled). */
  usageRefused: z.number().int().nonnegative(),
  /** Σ taxIncludedAmount of the bills issued by this run, in minor units per currency. */
  totals: z.record(z.string(), z.number().int()),
  firstProblems: z.array(BillRunProblem),
  error: z.string().nullable(),
});
export type BillRunReport = z.infer<typeof BillRunReport>;

export interface BillRunOptions {
  now?: () => Date;
  /** Accounts per transaction. */
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: (report: Pick<BillRunReport, 'accounts' | 'billed'>) => void;
}

const BATCH_SIZE = 500;
const FIRST_PROBLEMS = 20;
const ORIGIN = 'hub';
const json = (value: unknown) => JSON.stringify(value);

/** Refuses anything but YYYY-MM (exit 2 on the command line; nothing is written). */
export function parseCycle(value: unknown): string {
  if (value === undefined || value === '') throw new KioskError('VALIDATION', 'A bill run needs --cycle YYYY-MM: the month the billing cycles end in.');
  const parsed = CycleMonth.safeParse(value);
  if (!parsed.success) throw new KioskError('VALIDATION', `--cycle must be a month as YYYY-MM, such as 2026-11; got ${JSON.stringify(value)}.`);
  return parsed.data;
}

/** The usage period of an account with this bill cycle day that ends in `month` (there is exactly one). */
export function usagePeriodEndingIn(month: string, cycleDay: number): Readonly<Cycle> {
  const lastDay = addDays(addMonths(`${month}-01`, 1), -1);
  const containing = cycleContaining(lastDay, cycleDay);
  return containing.end <= lastDay ? containing : cycleAt(lastDay, cycleDay, -1);
}

/** Records a new run of `cycle` (status running) and returns its id. */
export async function startBillRun(db: HubDb, cycle: string, now: Date = new Date()): Promise<string> {
  const id = uuidv7({ msecs: now.getTime() });
  await db.query(`INSERT INTO bill_runs (id, cycle, started_at, status) VALUES ($1, $2, $3, 'running')`, [id, parseCycle(cycle), now]);
  return id;
}

/** Starts and runs a bill run to its end; the report as stored. */
export async function runBills(db: HubDb, cycle: string, options: BillRunOptions = {}): Promise<BillRunReport> {
  const runId = await startBillRun(db, cycle, (options.now ?? (() => new Date()))());
  return executeBillRun(db, runId, options);
}

interface Tally {
  accounts: number;
  billed: number;
  alreadyBilled: number;
  notDue: number;
  skipped: number;
  failed: number;
  usageBilled: number;
  usageRefused: number;
  problems: number;
  totals: Record<string, number>;
}

/** Runs a started bill run page by page; stops between pages when `signal` aborts (status interrupted). */
export async function executeBillRun(db: HubDb, runId: string, options: BillRunOptions = {}): Promise<BillRunReport> {
  const now = options.now ?? (() => new Date());
  const [run] = await db.query<{ cycle: string }>('SELECT cycle FROM bill_runs WHERE id = $1', [runId]);
  if (!run) throw new KioskError('NOT_FOUND', `There is no bill run ${runId}.`);
  let tally: Tally = { accounts: 0, billed: 0, alreadyBilled: 0, notDue: 0, skipped: 0, failed: 0, usageBilled: 0, usageRefused: 0, problems: 0, totals: {} };
  let status: 'done' | 'interrupted' = 'done';
  try {
    const catalog = await catalogInForce(db);
    let after = '';
    for (;;) {
      if (options.signal?.aborted) {
        status = 'interrupted';
        break;
      }
      const before = tally;
      const page = await db.transaction((tx) => billPage(tx, { runId, cycle: run.cycle, catalog, after, limit: options.batchSize ?? BATCH_SIZE, now: now(), tally: before }));
      if (page.lastId === null) break;
      tally = page.tally;
      after = page.lastId;
      options.onProgress?.({ accounts: tally.accounts, billed: tally.billed });
    }
  } catch (error) {
    await db.query(`UPDATE bill_runs SET status = 'failed', finished_at = $2, error = $3 WHERE id = $1`, [runId, now(), error instanceof Error ? error.message : String(error)]);
    throw error;
  }
  await db.query(`UPDATE bill_runs SET status = $2, finished_at = $3 WHERE id = $1`, [runId, status, now()]);
  return (await billRunReport(db, runId)) as BillRunReport;
}

/** A run as stored, with its first problems; null when there is no such run. */
export async function billRunReport(q: HubQueryable, runId: string): Promise<BillRunReport | null> {
  const [row] = await q.query<{
    id: string;
    cycle: string;
    status: BillRunReport['status'];
    started_at: Date;
    finished_at: Date | null;
    accounts: number;
    billed: number;
    already_billed: number;
    not_due: number;
    skipped: number;
    failed: number;
    usage_billed: number;
    usage_refused: number;
    totals: Record<string, number>;
    error: string | null;
  }>('SELECT * FROM bill_runs WHERE id = $1', [runId]);
  if (!row) return null;
  const problems = await q.query<{ account_id: string; usage_id: string | null; code: string; reason: string }>(
    'SELECT account_id, usage_id, code, reason FROM bill_run_problems WHERE run_id = $1 ORDER BY seq LIMIT $2',
    [runId, FIRST_PROBLEMS],
  );
  return {
    runId: row.id,
    cycle: row.cycle,
    status: row.status,
    startedAt: row.started_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
    seconds: Math.max(0, ((row.finished_at ?? new Date()).getTime() - row.started_at.getTime()) / 1000),
    accounts: row.accounts,
    billed: row.billed,
    alreadyBilled: row.already_billed,
    notDue: row.not_due,
    skipped: row.skipped,
    failed: row.failed,
    usageBilled: row.usage_billed,
    usageRefused: row.usage_refused,
    totals: row.totals,
    firstProblems: problems.map((p) => ({ accountId: p.account_id, usageId: p.usage_id, code: p.code, reason: p.reason })),
    error: row.error,
  };
}

interface PageInput {
  runId: string;
  cycle: string;
  catalog: CatalogIndex;
  after: string;
  limit: number;
  now: Date;
  tally: Readonly<Tally>;
}

interface BillRow {
  account_id: string;
  bill_no: string;
  bill_date: CalendarDate;
  payment_due_date: CalendarDate;
  tax_included_minor: number;
  /** Only on the account's newest bill. */
  balance_forward_minor: number | null;
  /** Only on the account's newest bill: its sections, for what it charged in advance. */
  services: CustomerBill['services'] | null;
  occurred_at: Date;
}

/** An account of the page that is due, with what the engine needs. */
interface Due {
  account: HubAccount;
  period: Readonly<Cycle>;
  billDate: CalendarDate;
  previous: BillRow | undefined;
}

/**
 * One page of accounts, inside its transaction: sorts them (not due, already billed, skipped,
 * failed, due), composes the due ones' bills and writes them with the run's counts. Pure database
 * work and computation: a serialisation retry runs it again from `tally` as it was.
 */
async function billPage(tx: HubQueryable, input: PageInput): Promise<{ lastId: string | null; tally: Tally }> {
  await lockFeed(tx);
  const accounts = await accountsPage(tx, input.after, input.limit);
  const last = accounts.at(-1);
  if (!last) return { lastId: null, tally: { ...input.tally } };
  const ids = accounts.map((a) => a.id);
  const bills = groupBy(
    await tx.query<BillRow & Record<string, unknown>>(
      // Only the newest bill's document is opened (CASE is lazy): what it left owing and charged in advance start the next one.
      `SELECT b.account_id, b.bill_no, b.bill_date, b.payment_due_date, b.tax_included_minor, e.occurred_at,
              CASE WHEN b.bill_date = max(b.bill_date) OVER (PARTITION BY b.account_id)
                   THEN (b.document->>'balanceForwardMinor')::bigint END AS balance_forward_minor,
              CASE WHEN b.bill_date = max(b.bill_date) OVER (PARTITION BY b.account_id)
                   THEN b.document->'services' END AS services
         FROM bills b JOIN journal_entries e ON e.id = b.entry_id
        WHERE b.account_id IN (SELECT jsonb_array_elements_text($1::jsonb))
        ORDER BY b.account_id, b.bill_date`,
      [json(ids)],
    ),
    (b) => b.account_id,
  );
  const tally: Tally = { ...input.tally, totals: { ...input.tally.totals }, accounts: input.tally.accounts + accounts.length };
  const problems: BillRunProblem[] = [];
  const today = new Map<string, CalendarDate>();
  const due: Due[] = [];
  for (const account of accounts) {
    const period = usagePeriodEndingIn(input.cycle, account.billCycleDay);
    const billDate = addDays(period.end, 1);
    let day = today.get(account.timeZone);
    if (day === undefined) today.set(account.timeZone, (day = dateInZone(input.now, account.timeZone)));
    const history = bills.get(account.id) ?? [];
    const latest = history.at(-1);
    const fail = (code: string, reason: string) => {
      tally.failed += 1;
      problems.push({ accountId: account.id, usageId: null, code, reason: `account ${account.accountNo}: ${reason}` });
    };
    if (history.some((b) => b.bill_date === billDate)) tally.alreadyBilled += 1;
    else if (billDate > day) tally.notDue += 1;
    else if (account.openedOn > period.end || (latest && latest.bill_date > billDate)) tally.skipped += 1;
    else if (latest && latest.bill_date < period.start) {
      fail('PREVIOUS_CYCLE_UNBILLED', `the cycle ending ${addDays(period.start, -1)} is not billed yet; run --cycle ${addDays(period.start, -1).slice(0, 7)} first`);
    } else if (latest && latest.bill_date !== period.start) {
      fail('CYCLE_MISMATCH', `its latest bill (${latest.bill_no}, ${latest.bill_date}) does not end where cycle ${period.start} – ${period.end} starts`);
    } else due.push({ account, period, billDate, previous: latest });
  }

  // Bills first, then usage: the change writer makes one statement per run of one type.
  const billFacts: Change[] = [];
  const usageFacts: Change[] = [];
  if (due.length > 0) {
    const dueIds = due.map((d) => d.account.id);
    const products = groupBy(await productsWhere(tx, { accountIds: dueIds }), (p) => p.accountId);
    const [usage, money] = [await usageInPeriods(tx, due), await moneyOf(tx, dueIds)];
    const runAt = input.now.toISOString();
    for (const d of due) {
      const { account } = d;
      const held = products.get(account.id) ?? [];
      if (!held.some((p) => p.terms.some((t) => overlapDays(d.period, t.from, t.to) > 0) || termOn(p, d.billDate) !== undefined)) {
        tally.skipped += 1;
        continue;
      }
      try {
        const run = compose(input.catalog, d, held, usage.get(account.id) ?? [], money.get(account.id) ?? [], bills.get(account.id) ?? [], runAt);
        const fact = billIssued(run.bill, { entryId: uuidv7({ msecs: Date.parse(runAt) }), occurredAt: runAt, origin: ORIGIN });
        parseChanges([fact]);
        billFacts.push(fact);
        usageFacts.push(...billedUsage(run, usage.get(account.id) ?? []));
        tally.billed += 1;
        tally.usageBilled += run.usage.length;
        tally.usageRefused += run.rejectedUsage.length;
        tally.totals[account.currency] = (tally.totals[account.currency] ?? 0) + run.bill.taxIncludedAmountMinor;
        for (const r of run.rejectedUsage) problems.push({ accountId: account.id, usageId: r.record.id, code: r.code, reason: r.reason });
      } catch (error) {
        tally.failed += 1;
        problems.push({ accountId: account.id, usageId: null, code: 'NOT_BILLABLE', reason: `account ${account.accountNo}: ${error instanceof Error ? error.message : String(error)}` });
      }
    }
  }
  await writeChanges(tx, [...billFacts, ...usageFacts]);
  if (problems.length > 0) {
    await tx.query(
      `INSERT INTO bill_run_problems (run_id, seq, account_id, usage_id, code, reason)
       SELECT $1, seq, "accountId", "usageId", code, reason
         FROM jsonb_to_recordset($2::jsonb) AS x(seq int, "accountId" text, "usageId" text, code text, reason text)`,
      [input.runId, json(problems.map((p, i) => ({ ...p, seq: tally.problems + i + 1 })))],
    );
    tally.problems += problems.length;
  }
  await tx.query(
    `UPDATE bill_runs SET accounts = $2, billed = $3, already_billed = $4, not_due = $5, skipped = $6, failed = $7,
       usage_billed = $8, usage_refused = $9, totals = $10::jsonb WHERE id = $1`,
    [input.runId, tally.accounts, tally.billed, tally.alreadyBilled, tally.notDue, tally.skipped, tally.failed, tally.usageBilled, tally.usageRefused, json(tally.totals)],
  );
  return { lastId: last.id, tally };
}

interface MoneyRow {
  account_id: string;
  kind: 'payment' | 'adjustment';
  id: string;
  amount_minor: number;
  /** A payment's named bill; a fee waiver's bill. */
  target_bill_no: string | null;
  occurred_at: Date;
}

/**
 * One account's bill, as the demo generator composes it: the previous bill's balance, what was paid
 * and adjusted since it was issued, late fees by the engine's allocation, and the cycle's usage.
 */
function compose(
  catalog: CatalogIndex,
  due: Due,
  products: readonly HubProduct[],
  usage: readonly UsageRecord[],
  money: readonly MoneyRow[],
  history: readonly BillRow[],
  runAt: string,
): BillRun {
  const { account, previous, billDate } = due;
  const since = previous?.occurred_at.toISOString() ?? '';
  const inWindow = (m: MoneyRow) => m.occurred_at.toISOString() >= since && m.occurred_at.toISOString() < runAt;
  const sumOf = (kind: MoneyRow['kind']) => money.filter((m) => m.kind === kind && inWindow(m)).reduce((s, m) => s + m.amount_minor, 0);
  // A waived fee pays its bill as a payment would: a bill whose fee was waived is judged on what is left of it.
  const events = accountEvents([
    ...history.map((b): LedgerRow => ({ kind: 'bill', id: b.bill_no, billNo: null, at: b.occurred_at.toISOString(), paymentDueDate: b.payment_due_date, amountMinor: b.tax_included_minor })),
    ...money
      .filter((m) => m.kind === 'payment' || m.amount_minor !== 0)
      .map((m): LedgerRow => ({ kind: m.kind, id: m.id, billNo: m.target_bill_no, at: m.occurred_at.toISOString(), paymentDueDate: null, amountMinor: m.amount_minor })),
  ]);
  const lateFeeFor = lateFeesOnBill(events, { catalog, previousBillDate: previous?.bill_date ?? null, billDate, timeZone: account.timeZone });
  return composeBill({
    catalog,
    account,
    products,
    billDate,
    timeZone: account.timeZone,
    usage,
    balance: {
      previousBalanceMinor: previous ? (previous.balance_forward_minor ?? 0) + previous.tax_included_minor : 0,
      paymentsReceivedMinor: sumOf('payment'),
      adjustmentsMinor: sumOf('adjustment'),
    },
    lateFeeFor,
    ...(previous?.services ? { billedAhead: billedInAdvance({ services: previous.services }) } : {}),
    id: uuidv7({ msecs: Date.parse(runAt) }),
  });
}

/** The usage the bill carries, now billed with its rated amount. */
function billedUsage(run: BillRun, records: readonly UsageRecord[]): ChangeOf<'usage.recorded'>[] {
  const byId = new Map(records.map((r) => [r.id, r]));
  return run.usage.map((rated) => ({ type: 'usage.recorded', ...(byId.get(rated.id) as UsageRecord), status: 'billed', ratedMinor: rated.amountMinor, billId: run.bill.id }));
}

/** Each due account's unbilled usage in its usage period (days in its branch's zone). */
async function usageInPeriods(tx: HubQueryable, due: readonly Due[]): Promise<Map<string, UsageRecord[]>> {
  const windows = due.map((d) => ({
    account_id: d.account.id,
    from_ts: new Date(startOfDayInZone(d.period.start, d.account.timeZone)).toISOString(),
    to_ts: new Date(startOfDayInZone(d.billDate, d.account.timeZone)).toISOString(),
  }));
  const rows = await tx.query<UsageRow & { account_id: string }>(
    `SELECT w.account_id, ${USAGE_COLUMNS}
       FROM jsonb_to_recordset($1::jsonb) AS w(account_id text, from_ts timestamptz, to_ts timestamptz)
       JOIN products p ON p.account_id = w.account_id
       JOIN usage_records u ON u.product_id = p.id AND u.usage_date >= w.from_ts AND u.usage_date < w.to_ts
      WHERE u.status <> 'billed'`,
    [json(windows)],
  );
  return groupBy(
    rows.map((r) => ({
      accountId: r.account_id,
      record: usageFromRow(r),
    })),
    (r) => r.accountId,
    (r) => r.record,
  );
}

/** Payments (done) and adjustments (staff's fee waivers and adjustments) posted to each account's receivable. */
async function moneyOf(tx: HubQueryable, accountIds: readonly string[]): Promise<Map<string, MoneyRow[]>> {
  const rows = await tx.query<MoneyRow & Record<string, unknown>>(
    `SELECT p.account_id, 'payment' AS kind, p.id, p.amount_minor, p.target_bill_no, e.occurred_at
       FROM payments p JOIN journal_entries e ON e.id = p.entry_id
      WHERE p.account_id IN (SELECT jsonb_array_elements_text($1::jsonb)) AND p.status = 'done'
     UNION ALL
     SELECT e.account_id, 'adjustment', e.id, sum(po.amount_minor)::bigint, ad.bill_no, e.occurred_at
       FROM journal_entries e JOIN postings po ON po.entry_id = e.id AND po.ledger_account = $2 || e.account_id
       LEFT JOIN adjustments ad ON ad.entry_id = e.id
      WHERE e.account_id IN (SELECT jsonb_array_elements_text($1::jsonb)) AND e.entry_type = 'adjustment'
      GROUP BY e.id, ad.bill_no`,
    [json(accountIds), ledgerAccounts.receivable('')],
  );
  return groupBy(rows, (r) => r.account_id);
}

function groupBy<T, V = T>(items: readonly T[], key: (item: T) => string, value: (item: T) => V = (item) => item as unknown as V): Map<string, V[]> {
  const groups = new Map<string, V[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(value(item));
    else groups.set(k, [value(item)]);
  }
  return groups;
}
