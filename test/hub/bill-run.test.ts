import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { CustomerBill } from '../../shared/billing/bill.ts';
import { ledgerAccounts } from '../../shared/sync/changes.ts';
import { billRunCommand } from '../../hub/billing/cli-commands.ts';
import { runBills, usagePeriodEndingIn, type BillRunReport } from '../../hub/billing/bill-run.ts';
import { importUsage } from '../../hub/billing/usage-import.ts';
import type { HubDb } from '../../hub/db/hub-db.ts';
import { HubChangeWriter } from '../../hub/ledger/change-writer.ts';
import { httpCommands } from '../../hub/runtime/operator-commands.ts';
import { buildHub } from '../../hub/server.ts';
import { engines, freshDatabases } from './databases.ts';
import { accounts, BRANCH, FIXTURE_CSV, payment, seedWorld, tableCounts } from './fixtures/billing-world.ts';

const TOKEN = 'operator-token-for-tests-0123456789';
/** The September run happens early on 1 October; the October and November runs on 26 November. */
const OCT_1 = new Date('2026-10-01T05:00:00Z');
const NOV_26 = new Date('2026-11-26T09:00:00Z');
const at = (date: Date) => () => date;

async function bills(db: HubDb, accountId: string): Promise<CustomerBill[]> {
  const rows = await db.query<{ document: unknown }>('SELECT document FROM bills WHERE account_id = $1 ORDER BY bill_date', [accountId]);
  return rows.map((r) => CustomerBill.parse(r.document));
}

async function receivable(db: HubDb, accountId: string): Promise<number> {
  const [row] = await db.query<{ b: number }>('SELECT coalesce(sum(amount_minor), 0)::bigint AS b FROM postings WHERE ledger_account = $1', [ledgerAccounts.receivable(accountId)]);
  return row?.b ?? 0;
}

/** The world, October's usage imported from the fixture file, September billed on 1 October, and A paying 10.00 of its first bill late. */
async function octoberReady(db: HubDb): Promise<BillRunReport> {
  await seedWorld(db);
  await importUsage(db, createReadStream(FIXTURE_CSV), { fileName: 'usage-mixed.csv', now: at(NOV_26) });
  const september = await runBills(db, '2026-09', { now: at(OCT_1) });
  await new HubChangeWriter(db).write([payment('pay-a-1', accounts.A.id, 1000, '2026-10-05T10:00:00.000Z')]);
  return september;
}

describe('bill cycles of a month', () => {
  it('finds the one usage period of each cycle day that ends in the month', () => {
    expect(usagePeriodEndingIn('2026-11', 1)).toMatchObject({ start: '2026-11-01', end: '2026-11-30' });
    expect(usagePeriodEndingIn('2026-11', 16)).toMatchObject({ start: '2026-10-16', end: '2026-11-15' });
    expect(usagePeriodEndingIn('2026-02', 31)).toMatchObject({ start: '2026-01-31', end: '2026-02-27' });
    expect(usagePeriodEndingIn('2026-03', 31)).toMatchObject({ start: '2026-02-28', end: '2026-03-30' });
    expect(usagePeriodEndingIn('2026-12', 2)).toMatchObject({ start: '2026-11-02', end: '2026-12-01' });
  });

  it('refuses a bad --cycle with exit code 2 before touching the database', async () => {
    const untouched = () => Promise.reject(new Error('the database was opened'));
    const said = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      for (const bad of ['2026-13', '2026-1', 'November', undefined]) expect(await billRunCommand(bad, untouched)).toBe(2);
      expect(said.mock.calls.map(([message]) => String(message).split('\n'))).toEqual([
        ['--cycle must be a month as YYYY-MM, such as 2026-11; got "2026-13".', 'Nothing was changed.'],
        ['--cycle must be a month as YYYY-MM, such as 2026-11; got "2026-1".', 'Nothing was changed.'],
        ['--cycle must be a month as YYYY-MM, such as 2026-11; got "November".', 'Nothing was changed.'],
        ['A bill run needs --cycle YYYY-MM: the month the billing cycles end in.', 'Nothing was changed.'],
      ]);
    } finally {
      said.mockRestore();
    }
  });
});

describe.each(engines)('bill runs on %s', { timeout: 60_000 }, (engine) => {
  const databases = freshDatabases(engine);

  it('bills each account with the engine, amounts as worked out by hand, and reports the account it cannot bill', async () => {
    const { db } = await databases.fresh();
    const september = await octoberReady(db);
    expect(september).toMatchObject({ status: 'done', accounts: 3, billed: 2, failed: 1, alreadyBilled: 0, notDue: 0, usageBilled: 0, totals: { EUR: 1452 + 4840 } });
    expect(september.firstProblems).toEqual([
      { accountId: accounts.C.id, usageId: null, code: 'NOT_BILLABLE', reason: `account ${accounts.C.accountNo}: offering MOB-OLD has no recurring price on 2026-09-01` },
    ]);

    const october = await runBills(db, '2026-10', { now: at(NOV_26) });
    // A: 12.00 fee + 25.60 data over 10 GB (1 GB at 0.02, 0.5 GB at 0.01) + 0.60 international + 2.00 roaming Z2, VAT 21%
    // on 40.20 = 8.442 → 8.44; plus the 5.00 late fee on its first bill (14.52, 10.00 paid by the 15 October due date).
    // B: 30.00 + 10.00, VAT 8.40; its unpaid first bill (48.40) is carried, but no late fee: that bill was issued on
    // 1 October, after its 30 September due date, so it was never late on it.
    expect(october).toMatchObject({ status: 'done', accounts: 3, billed: 2, failed: 1, alreadyBilled: 0, usageBilled: 6, usageRefused: 0, totals: { EUR: 5364 + 4840 } });

    const [firstA, secondA] = await bills(db, accounts.A.id);
    expect(firstA).toMatchObject({ billNo: `${accounts.A.accountNo}-202610`, taxExcludedAmountMinor: 1200, taxMinor: 252, taxIncludedAmountMinor: 1452, paymentDueDate: '2026-10-15' });
    expect(secondA).toMatchObject({
      billNo: `${accounts.A.accountNo}-202611`,
      billDate: '2026-11-01',
      usagePeriod: { start: '2026-10-01', end: '2026-10-31' },
      billingPeriod: { start: '2026-11-01', end: '2026-11-30' },
      taxExcludedAmountMinor: 4520,
      taxMinor: 844,
      taxIncludedAmountMinor: 5364,
      previousBalanceMinor: 1452,
      paymentsReceivedMinor: 1000,
      balanceForwardMinor: 452,
      amountDueMinor: 5816,
    });
    const linesA = secondA?.services[0]?.lines.map((l) => [l.cause, l.amountMinor]);
    expect(linesA).toEqual([
      ['recurring', 1200],
      ['usageOverAllowance', 2560],
      ['destination', 60],
      ['roaming', 200],
    ]);
    expect(secondA?.accountItems.map((l) => [l.cause, l.amountMinor, l.params.billNo])).toEqual([['lateFee', 500, firstA?.billNo]]);
    expect(await receivable(db, accounts.A.id)).toBe(1452 - 1000 + 5364);

    const [firstB, secondB] = await bills(db, accounts.B.id);
    expect(firstB).toMatchObject({ billDate: '2026-09-16', taxIncludedAmountMinor: 4840 });
    expect(secondB).toMatchObject({ billDate: '2026-10-16', taxExcludedAmountMinor: 4000, taxMinor: 840, taxIncludedAmountMinor: 4840, balanceForwardMinor: 4840, amountDueMinor: 9680 });
    expect(secondB?.accountItems).toEqual([]);
    expect(await bills(db, accounts.C.id)).toEqual([]);

    // The usage the bill carries is billed with what it cost; B's October call is in its next cycle and waits.
    const usage = await db.query('SELECT id, status, rated_minor, bill_id FROM usage_records ORDER BY id');
    const billed = (id: string, rated: number) => ({ id, status: 'billed', rated_minor: rated, bill_id: secondA?.id });
    expect(usage).toEqual([
      billed('u-001', 0),
      billed('u-002', 2560),
      billed('u-003', 60),
      billed('u-004', 0),
      billed('u-005', 200),
      billed('u-006', 0),
      { id: 'u-017', status: 'received', rated_minor: null, bill_id: null },
    ]);

    // Every journal entry balances; the whole journal sums to zero.
    expect(await db.query('SELECT entry_id FROM postings GROUP BY entry_id HAVING sum(amount_minor) <> 0')).toEqual([]);
    expect(await db.query('SELECT sum(amount_minor)::bigint AS total FROM postings')).toEqual([{ total: 0 }]);

    // Kiosks of the branch pull the bills and the billed usage.
    const feed = await db.query<{ branch_id: string; type: string; n: number }>(
      `SELECT branch_id, change->>'type' AS type, count(*)::int AS n FROM changes
        WHERE change->>'type' IN ('bill.issued', 'usage.recorded') AND (change->>'type' = 'bill.issued' OR change->>'status' = 'billed')
        GROUP BY 1, 2 ORDER BY 2`,
    );
    expect(feed).toEqual([
      { branch_id: BRANCH, type: 'bill.issued', n: 4 },
      { branch_id: BRANCH, type: 'usage.recorded', n: 6 },
    ]);
  });

  it('bills nothing new when the same cycle runs again, and usage for a billed cycle is refused on import', async () => {
    const { db } = await databases.fresh();
    await octoberReady(db);
    await runBills(db, '2026-10', { now: at(NOV_26) });
    const before = await tableCounts(db);

    const again = await runBills(db, '2026-10', { now: at(NOV_26) });
    expect(again).toMatchObject({ billed: 0, alreadyBilled: 2, failed: 1, usageBilled: 0, totals: {} });
    const after = await tableCounts(db);
    for (const table of ['bills', 'journal_entries', 'postings', 'changes', 'usage_records'] as const) expect(after[table], table).toBe(before[table]);

    const late = [
      'usage_id,product_id,usage_type,usage_date,quantity,unit',
      'late-1,prod-mob-a,data,2026-10-25T10:00:00Z,5,MB',
      'next-1,prod-mob-a,data,2026-11-20T10:00:00Z,5,MB',
    ].join('\n');
    const report = await importUsage(db, Readable.from([late]), { fileName: 'late.csv', now: at(NOV_26) });
    expect(report).toMatchObject({ imported: 1, rejected: 1, firstRejects: [{ lineNo: 2, code: 'PERIOD_BILLED' }] });
    expect(report.firstRejects[0]?.reason).toBe(`its cycle 2026-10-01 – 2026-10-31 of account ${accounts.A.accountNo} is already billed (latest bill 2026-11-01)`);
    // The original file again: its rows are already had, not refused because their cycle is billed now.
    expect(await importUsage(db, createReadStream(FIXTURE_CSV), { fileName: 'usage-mixed.csv', now: at(NOV_26) })).toMatchObject({ imported: 0, alreadyHad: 8, rejected: 13 });
  });

  it('leaves a cycle that has not ended as not due, and bills a cycle only after the one before it', async () => {
    const { db } = await databases.fresh();
    await seedWorld(db);
    const november = await runBills(db, '2026-11', { now: at(NOV_26) });
    // A and C end on 30 November (not due); B's first bill would be for mid-October to mid-November.
    expect(november).toMatchObject({ notDue: 2, billed: 1, failed: 0 });
    const skippedBack = await runBills(db, '2026-09', { now: at(NOV_26) });
    // A and C have no bill yet, so September is their first; B's September comes before its newest bill.
    expect(skippedBack).toMatchObject({ billed: 1, skipped: 1, failed: 1 });
    const gap = await runBills(db, '2026-11', { now: at(new Date('2026-12-02T09:00:00Z')) });
    expect(gap).toMatchObject({ billed: 0, alreadyBilled: 1, failed: 2 });
    expect(gap.firstProblems.map((p) => p.code).sort()).toEqual(['NOT_BILLABLE', 'PREVIOUS_CYCLE_UNBILLED']);
  });

  it('runs over the operator API: 202 at once, then the report when it is done; a bad cycle is a 400', async () => {
    const { db } = await databases.fresh();
    await octoberReady(db);
    const app = await buildHub({ db, now: at(NOV_26), operatorToken: TOKEN });
    try {
      const headers = { authorization: `Bearer ${TOKEN}` };
      const bad = await app.inject({ method: 'POST', url: '/operator/v1/bill-runs', headers, payload: { cycle: '2026-13' } });
      expect(bad.statusCode).toBe(400);
      expect(await db.query(`SELECT count(*)::int AS n FROM bill_runs WHERE cycle = '2026-13'`)).toEqual([{ n: 0 }]);

      const url = await app.listen({ port: 0, host: '127.0.0.1' });
      const report = await httpCommands(url, TOKEN).billRun('2026-10');
      expect(report).toMatchObject({ cycle: '2026-10', status: 'done', billed: 2, failed: 1, totals: { EUR: 5364 + 4840 } });
      const missing = await app.inject({ url: '/operator/v1/bill-runs/nope', headers });
      expect(missing.statusCode).toBe(404);
    } finally {
      await app.close();
    }
  });

  it('issues one set of bills when two hub processes run the same cycle at once', async () => {
    const { db, another } = await databases.fresh();
    await octoberReady(db);
    const runs = await Promise.all([runBills(db, '2026-10', { now: at(NOV_26), batchSize: 1 }), runBills(another(), '2026-10', { now: at(NOV_26), batchSize: 1 })]);
    expect(runs.map((r) => r.billed).reduce((a, b) => a + b)).toBe(2);
    expect(runs.map((r) => r.billed + r.alreadyBilled)).toEqual([2, 2]);
    expect(await db.query(`SELECT count(*)::int AS n FROM bills WHERE bill_date >= '2026-10-16'`)).toEqual([{ n: 2 }]);
  });
});
