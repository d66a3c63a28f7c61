import { openKioskLedger, testEnrolment } from '../helpers/ledger-file.ts';
import { TEST_NOW } from '../helpers/clock.ts';
import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { ChangeOf } from '../../shared/sync/changes.ts';
import { demoBranch } from '../../shared/demo/branch.ts';
import type { HubDb } from '../../hub/db/hub-db.ts';
import { allowanceReport, BranchAllowanceReport } from '../../hub/decisions/allowance.ts';
import { allowanceCommand } from '../../hub/decisions/cli.ts';
import { directDecisionCommands } from '../../hub/decisions/operator.ts';
import { issueEnrolmentCode } from '../../hub/security/enrolment.ts';
import { buildHub } from '../../hub/server.ts';
import { JAMES } from '../helpers/customers.ts';
import { ok, useCores } from '../helpers/signed-in.ts';
import { engines, freshDatabases } from './databases.ts';
import { kioskEngine } from './kiosk-engine.ts';
import { seedTestBranch } from './demo-branch.ts';
import { counts, ELENA_ACCOUNT, enrolKiosk, feedHead, JAMES_ACCOUNT, NOW, OPERATOR_TOKEN, orderRequest, seededHub, type TestKiosk } from './push-fixture.ts';

/** A credit.requested payload as the kiosk's CreditDesk sends it. */
function creditRequest(accountId: string, r: { previous: number; requested: number; granted: number; createdAt?: string }) {
  const referred = Math.max(0, r.requested - r.granted);
  return {
    id: randomUUID(),
    accountId,
    previous: r.previous,
    requested: r.requested,
    decision: r.granted > r.previous ? 'approve' : 'refer',
    granted: r.granted,
    referred,
    status: referred > 0 ? 'open' : 'decided',
    score: 900,
    band: 'A',
    reasons: [],
    createdAt: r.createdAt ?? '2026-11-26T08:30:00.000Z',
  };
}

const limitOf = async (db: HubDb, accountId: string) =>
  (await db.query<{ l: number }>('SELECT credit_limit_minor AS l FROM billing_accounts WHERE id = $1', [accountId]))[0]?.l;

async function pulledSince(kiosk: TestKiosk, after: number): Promise<unknown[]> {
  return (await kiosk.pull(after)).changes.map((c) => c.change);
}

describe.each(engines)('central decisions on %s', { timeout: 30_000 }, (engine) => {
  const databases = freshDatabases(engine);

  it('decides a credit request with the risk engine on the central ledger: an approval above the kiosk’s own grant reaches the branch', async () => {
    const { db } = await databases.fresh();
    const kiosk = await enrolKiosk(await seededHub(db), db);
    const head = await feedHead(db);
    // James: band A, 6 months of 100.00 recurring. The kiosk granted 100.00 (its allowance) and referred the rest.
    const request = creditRequest(JAMES_ACCOUNT.id, { previous: 30_000, requested: 55_000, granted: 40_000 });
    expect((await kiosk.push(['credit.requested', request])).results[0]?.outcome).toBe('accepted');

    expect(await limitOf(db, JAMES_ACCOUNT.id)).toBe(55_000);
    expect(await db.query('SELECT decision, status, previous_limit_minor, engine_limit_minor, decided_limit_minor, band, decided_by FROM credit_decisions')).toEqual([
      { decision: 'approve', status: 'approved', previous_limit_minor: 30_000, engine_limit_minor: 55_000, decided_limit_minor: 55_000, band: 'A', decided_by: 'engine' },
    ]);
    expect(await db.query('SELECT status FROM credit_requests')).toEqual([{ status: 'approved' }]);
    expect(await db.query('SELECT business_day, amount_minor, used_before_minor, within_allowance, engine_agrees, outcome, central_limit_minor FROM offline_approvals')).toEqual([
      { business_day: '2026-11-26', amount_minor: 10_000, used_before_minor: 0, within_allowance: true, engine_agrees: true, outcome: 'agreed', central_limit_minor: 55_000 },
    ]);
    expect(await pulledSince(kiosk, head)).toEqual([
      { ...JAMES_ACCOUNT, creditLimitMinor: 55_000 },
      {
        type: 'credit.decided',
        id: request.id,
        accountId: JAMES_ACCOUNT.id,
        decision: 'approve',
        status: 'approved',
        creditLimitMinor: 55_000,
        offline: 'agreed',
        reasons: [expect.objectContaining({ code: 'WITHIN_BAND_LIMIT' })],
        decidedAt: NOW.toISOString(),
      },
    ]);

    // The same request again under another event: refused, and decided once.
    const settled = await counts(db);
    expect((await kiosk.push(['credit.requested', request])).results[0]?.outcome).toBe('rejected');
    expect(await counts(db)).toEqual(settled);
  });

  it('declines without a kiosk grant, and approves only what the band allows', async () => {
    const { db } = await databases.fresh();
    const kiosk = await enrolKiosk(await seededHub(db), db);
    const head = await feedHead(db);
    const elenaLimit = ELENA_ACCOUNT.creditLimitMinor;
    const elena = creditRequest(ELENA_ACCOUNT.id, { previous: elenaLimit, requested: elenaLimit + 10_000, granted: elenaLimit });
    const james = creditRequest(JAMES_ACCOUNT.id, { previous: 30_000, requested: 70_000, granted: 30_000 });
    await kiosk.push(['credit.requested', elena], ['credit.requested', james]);

    expect(await limitOf(db, ELENA_ACCOUNT.id)).toBe(elenaLimit);
    expect(await limitOf(db, JAMES_ACCOUNT.id)).toBe(60_000);
    expect(await db.query('SELECT count(*)::int AS n FROM offline_approvals')).toEqual([{ n: 0 }]);
    const pulled = (await pulledSince(kiosk, head)) as ChangeOf<'credit.decided' | 'account.upsert'>[];
    expect(pulled.map((c) => [c.type, c.id, c.creditLimitMinor])).toEqual([
      ['credit.decided', elena.id, elenaLimit],
      ['account.upsert', JAMES_ACCOUNT.id, 60_000],
      ['credit.decided', james.id, 60_000],
    ]);
    expect(pulled[0]).toMatchObject({ decision: 'decline', status: 'declined', offline: null, reasons: [{ code: 'OVERDUE_OVER_30_DAYS', params: { days: 33 } }] });
    expect(pulled[2]).toMatchObject({ decision: 'approve', status: 'approved', reasons: [{ code: 'PARTIAL_APPROVAL' }, { code: 'ABOVE_BAND_LIMIT' }] });
  });

  it('takes staff’s decision on a request headquarters referred; one headquarters decided already is refused', async () => {
    const { db } = await databases.fresh();
    const app = await seededHub(db);
    const kiosk = await enrolKiosk(app, db);
    // Elena's bill is overdue: the engine declines, and the kiosk's offline grant is kept for review (referred to staff).
    const kept = creditRequest(ELENA_ACCOUNT.id, { previous: 50_000, requested: 55_000, granted: 55_000 });
    const approved = creditRequest(JAMES_ACCOUNT.id, { previous: 30_000, requested: 35_000, granted: 35_000 });
    await kiosk.push(['credit.requested', kept], ['credit.requested', approved]);
    const head = await feedHead(db);
    const staff = (requestId: string) => ({
      requestId,
      decision: 'approve',
      creditLimitMinor: 60_000,
      staffId: 'AG-1001',
      approvedBy: 'SV-2001',
      reason: 'Paid the overdue bill at the counter',
      decidedAt: '2026-11-26T08:45:00.000Z',
    });
    const response = await kiosk.push(['credit.staffDecided', staff(kept.id)], ['credit.staffDecided', staff(approved.id)], ['credit.staffDecided', staff(randomUUID())]);
    expect(response.results.map((r) => r.outcome)).toEqual(['accepted', 'rejected', 'rejected']);
    expect(response.results[1]).toMatchObject({ reason: `Headquarters had already approved credit request ${approved.id}` });
    expect(await limitOf(db, ELENA_ACCOUNT.id)).toBe(60_000);
    expect(await db.query('SELECT decision, limit_minor, staff_id, approved_by, device_id FROM credit_staff_decisions')).toEqual([
      { decision: 'approve', limit_minor: 60_000, staff_id: 'AG-1001', approved_by: 'SV-2001', device_id: kiosk.deviceId },
    ]);
    // The central decision stays as the engine made it (append-only); the request is approved.
    expect(await db.query('SELECT status FROM credit_decisions WHERE request_id = $1', [kept.id])).toEqual([{ status: 'referred' }]);
    expect(await db.query('SELECT status FROM credit_requests WHERE id = $1', [kept.id])).toEqual([{ status: 'approved' }]);
    const pulled = (await pulledSince(kiosk, head)) as { type: string; id: string; creditLimitMinor: number; reasons?: unknown }[];
    expect(pulled.map((c) => [c.type, c.id, c.creditLimitMinor])).toEqual([
      ['account.upsert', ELENA_ACCOUNT.id, 60_000],
      ['credit.decided', kept.id, 60_000],
    ]);
    expect(pulled[1]?.reasons).toEqual([{ code: 'STAFF_DECISION', text: 'Paid the overdue bill at the counter', params: { staffId: 'AG-1001', approvedBy: 'SV-2001' } }]);
  });

  it('reconciles offline approvals against the branch’s allowance across its kiosks, and reports the disagreements', async () => {
    const { db } = await databases.fresh();
    const app = await seededHub(db);
    const [first, second] = [await enrolKiosk(app, db), await enrolKiosk(app, db)] as [TestKiosk, TestKiosk];
    await db.query(`INSERT INTO branch_offline_allowances (branch_id, per_request_minor, per_day_minor, updated_at) VALUES ($1, 10000, 12000, $2)`, [demoBranch.id, NOW]);
    const head = await feedHead(db);

    // Elena's bill is 33 days overdue: the engine declines, whatever a kiosk granted.
    const kept = creditRequest(ELENA_ACCOUNT.id, { previous: 50_000, requested: 55_000, granted: 55_000 });
    await first.push(['credit.requested', kept]);
    expect(await limitOf(db, ELENA_ACCOUNT.id)).toBe(55_000);
    // The second kiosk of the branch takes the day over its 120.00: not covered, so headquarters' decline applies.
    const reduced = creditRequest(ELENA_ACCOUNT.id, { previous: 55_000, requested: 63_000, granted: 63_000 });
    await second.push(['credit.requested', reduced]);
    expect(await limitOf(db, ELENA_ACCOUNT.id)).toBe(55_000);
    // Over the day's allowance too, but the engine approves it: no disagreement.
    const agreed = creditRequest(JAMES_ACCOUNT.id, { previous: 30_000, requested: 35_000, granted: 35_000 });
    // Granted two days earlier, while the branch was offline: counted on its own day.
    const earlier = creditRequest(JAMES_ACCOUNT.id, { previous: 35_000, requested: 39_000, granted: 39_000, createdAt: '2026-11-24T17:00:00.000Z' });
    await first.push(['credit.requested', agreed], ['credit.requested', earlier]);
    expect(await limitOf(db, JAMES_ACCOUNT.id)).toBe(39_000);

    const decided = (await pulledSince(second, head)).filter((c): c is ChangeOf<'credit.decided'> => (c as ChangeOf<'credit.decided'>).type === 'credit.decided');
    expect(decided.map((c) => [c.id, c.decision, c.status, c.offline, c.creditLimitMinor])).toEqual([
      [kept.id, 'decline', 'referred', 'keptForReview', 55_000],
      [reduced.id, 'decline', 'declined', 'reduced', 55_000],
      [agreed.id, 'approve', 'approved', 'agreed', 35_000],
      [earlier.id, 'approve', 'approved', 'agreed', 39_000],
    ]);
    expect(decided[0]?.reasons.map((r) => r.code)).toEqual(['OVERDUE_OVER_30_DAYS', 'OFFLINE_GRANT_KEPT']);
    expect(decided[1]?.reasons.map((r) => r.code)).toEqual(['OVERDUE_OVER_30_DAYS', 'OFFLINE_ALLOWANCE_EXCEEDED']);
    expect(decided[1]?.reasons[1]?.text).toContain('€100.00 a request, €120.00 a day, €50.00 already used that day');

    const [report] = await allowanceReport(db, { branchId: demoBranch.id, now: NOW });
    expect(report).toMatchObject({ branchId: demoBranch.id, perRequestMinor: 10_000, perDayMinor: 12_000, isDefault: false, today: '2026-11-26', usedTodayMinor: 18_000 });
    expect(report?.days).toEqual([
      { day: '2026-11-26', usedMinor: 18_000, approvals: 3, overMinor: 6_000 },
      { day: '2026-11-24', usedMinor: 4_000, approvals: 1, overMinor: 0 },
    ]);
    expect(report?.approvals.map((a) => [a.requestId, a.deviceId, a.amountMinor, a.usedBeforeMinor, a.withinAllowance, a.engineAgrees, a.outcome])).toEqual([
      [kept.id, first.deviceId, 5_000, 0, true, false, 'keptForReview'],
      [reduced.id, second.deviceId, 8_000, 5_000, false, false, 'reduced'],
      [agreed.id, first.deviceId, 5_000, 13_000, false, true, 'agreed'],
      [earlier.id, first.deviceId, 4_000, 0, true, true, 'agreed'],
    ]);
    expect(report?.disagreements.map((a) => a.requestId)).toEqual([kept.id, reduced.id]);
    // The same through the operator API (what the CLI reads from a running embedded hub).
    const overHttp = await app.inject({ url: `/operator/v1/allowance?branch=${demoBranch.id}`, headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } });
    expect(z.object({ branches: z.array(BranchAllowanceReport) }).parse(overHttp.json()).branches).toEqual([report]);

    // What `npm run hub -- allowance --branch MAD-01` prints.
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      expect(await allowanceCommand({ branch: demoBranch.id }, (run) => run(directDecisionCommands(db)))).toBe(0);
      const printed = log.mock.calls.map((c) => String(c[0])).join('\n');
      expect(printed).toContain(`${demoBranch.id} Madrid Gran Vía: offline allowance €100.00 a request, €120.00 a day`);
      expect(printed).toContain('2026-11-26: used €180.00 in 3 offline approvals, €60.00 over the day\'s allowance');
      expect(printed).toContain('disagreements: 2');
      expect(printed).toContain('€550.00 → €630.00 (+€80.00)  beyond the allowance  central: decline, limit €550.00  beyond the allowance; reduced to the central decision');
    } finally {
      log.mockRestore();
    }
  });

  it('decides orders with the shared sale rules: fulfilled on the central products, failed or scheduled with reasons', async () => {
    const { db } = await databases.fresh();
    const kiosk = await enrolKiosk(await seededHub(db), db);
    const head = await feedHead(db);
    const products = await db.query<{ id: string; offering_id: string }>('SELECT id, offering_id FROM products WHERE account_id = $1 AND parent_id IS NULL ORDER BY id', [JAMES_ACCOUNT.id]);
    const xs = products.find((p) => p.offering_id === 'MOB-XS') as { id: string };
    const tv = products.find((p) => p.offering_id === 'TV-PLUS') as { id: string };

    const change = orderRequest(JAMES_ACCOUNT.id, { action: 'change', productId: xs.id, offeringId: 'MOB-S' });
    const added = orderRequest(JAMES_ACCOUNT.id, { action: 'add', offeringId: 'MOB-S', parentProductId: null });
    const pastDate = orderRequest(JAMES_ACCOUNT.id, { action: 'remove', productId: tv.id, effectiveDate: '2026-11-01' });
    const later = orderRequest(JAMES_ACCOUNT.id, { action: 'suspend', productId: tv.id, effectiveDate: '2026-12-10' });
    const overdue = orderRequest(ELENA_ACCOUNT.id, { action: 'add', offeringId: 'TV-ESS', parentProductId: null });
    const pushed = await kiosk.push(['order.submitted', change], ['order.submitted', added], ['order.submitted', pastDate], ['order.submitted', later], ['order.submitted', overdue]);
    expect(pushed.results.map((r) => r.outcome)).toEqual(['accepted', 'accepted', 'accepted', 'accepted', 'accepted']);

    expect(await db.query('SELECT order_id, decision, state FROM order_decisions ORDER BY decided_at, order_id')).toEqual(
      expect.arrayContaining([
        { order_id: change.id, decision: 'eligible', state: 'completed' },
        { order_id: added.id, decision: 'eligible', state: 'completed' },
        { order_id: pastDate.id, decision: 'invalid', state: 'failed' },
        { order_id: later.id, decision: 'eligible', state: 'inProgress' },
        { order_id: overdue.id, decision: 'decline', state: 'failed' },
      ]),
    );
    expect(await db.query('SELECT offering_id, from_date, to_date FROM product_terms WHERE product_id = $1 ORDER BY seq', [xs.id])).toEqual([
      expect.objectContaining({ offering_id: 'MOB-XS', to_date: '2026-11-25' }),
      { offering_id: 'MOB-S', from_date: '2026-11-26', to_date: null },
    ]);
    expect(await db.query('SELECT id, kind, identifier, parent_id, status, offering_id FROM products WHERE id = $1', [`prod-${added.id}`])).toEqual([
      { id: `prod-${added.id}`, kind: 'mobile', identifier: `pending-${added.id}`, parent_id: null, status: 'pendingActive', offering_id: 'MOB-S' },
    ]);
    expect(await db.query('SELECT status FROM products WHERE id = $1', [tv.id])).toEqual([{ status: 'active' }]);
    expect(await db.query('SELECT id, status FROM product_orders ORDER BY id')).toEqual(
      expect.arrayContaining([
        { id: change.id, status: 'completed' },
        { id: overdue.id, status: 'failed' },
      ]),
    );

    // The branch pulls each completed order's products before the order's state.
    const pulled = (await pulledSince(kiosk, head)) as (ChangeOf<'order.decided'> | ChangeOf<'product.upsert'>)[];
    expect(pulled.map((c) => [c.type, c.id, c.type === 'order.decided' ? c.state : c.status])).toEqual([
      ['product.upsert', xs.id, 'active'],
      ['order.decided', change.id, 'completed'],
      ['product.upsert', `prod-${added.id}`, 'pendingActive'],
      ['order.decided', added.id, 'completed'],
      ['order.decided', pastDate.id, 'failed'],
      ['order.decided', later.id, 'inProgress'],
      ['order.decided', overdue.id, 'failed'],
    ]);
    const reasons = (id: string) => (pulled.find((c) => c.type === 'order.decided' && c.id === id) as ChangeOf<'order.decided'>).reasons.map((r) => r.code);
    expect(reasons(pastDate.id)).toEqual(['DATE_NOT_BOOKABLE']);
    expect(reasons(later.id)).toEqual(['WITHIN_CREDIT_LIMIT', 'SCHEDULED']);
    expect(reasons(overdue.id)).toContain('OVERDUE_OVER_30_DAYS');

    // A second change of the same service is judged on the central products, which now show the first.
    const again = orderRequest(JAMES_ACCOUNT.id, { action: 'change', productId: xs.id, offeringId: 'MOB-S' });
    await kiosk.push(['order.submitted', again]);
    expect(await db.query('SELECT decision, state, reasons FROM order_decisions WHERE order_id = $1', [again.id])).toEqual([
      { decision: 'decline', state: 'failed', reasons: [expect.objectContaining({ code: 'SAME_PLAN' }), expect.objectContaining({ code: 'WITHIN_CREDIT_LIMIT' })] },
    ]);
  });
});

const cores = useCores();

describe.each(engines)('a kiosk whose requests the hub on %s decides', (engine) => {
  const databases = freshDatabases(engine);

  it('shows, after pulling, the central decision and limit on its credit request, and the completed order on its services', async () => {
    const { db } = await databases.fresh();
    const { core, dataDir } = await cores.signedIn(JAMES);
    await seedTestBranch(db);
    const app = await buildHub({ db, now: () => TEST_NOW });
    const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
    const ledger = openKioskLedger(dataDir);
    try {
      const { code } = await issueEnrolmentCode(db, { branchId: demoBranch.id, now: TEST_NOW });
      const { credential } = (await app.inject({ method: 'POST', url: '/sync/v1/enrol', payload: { code, deviceName: 'Kiosk 1', ...testEnrolment(dataDir) } })).json<{ credential: string }>();
      const sync = kioskEngine(ledger, { baseUrl, credential, cursor: await feedHead(db) });

      // The kiosk raises the limit by its allowance (100.00) and refers the rest; headquarters approves all of it.
      const before = (await ok(core, 'credit.status', {})).creditLimit.amountMinor;
      const asked = before + 25_000;
      const atKiosk = await ok(core, 'credit.request', { requestId: randomUUID(), requestedLimitMinor: asked });
      expect(atKiosk).toMatchObject({ decision: 'approve', creditLimit: { amountMinor: before + 10_000 }, referred: { amountMinor: 15_000 } });
      expect((await ok(core, 'credit.status', {})).pendingRequest).not.toBeNull();

      // James's sign-in on the audit trail, and the request.
      expect(await sync.round()).toEqual({ pushed: 2, pulled: 2 });
      const status = await ok(core, 'credit.status', {});
      expect(status.creditLimit.amountMinor).toBe(asked);
      expect(status.pendingRequest).toBeNull();
      expect(ledger.prepare('SELECT decision, granted_limit_minor, status, central_decision, central_status, central_limit_minor, offline_outcome FROM credit_requests WHERE id = ?').get(atKiosk.requestId)).toEqual({
        decision: 'approve',
        granted_limit_minor: before + 10_000,
        status: 'decided',
        central_decision: 'approve',
        central_status: 'approved',
        central_limit_minor: asked,
        offline_outcome: 'agreed',
      });
      const accountId = ledger.prepare('SELECT account_id FROM credit_requests WHERE id = ?').pluck().get(atKiosk.requestId) as string;
      expect(await limitOf(db, accountId)).toBe(asked);

      // An order placed at the kiosk is completed centrally; the kiosk's services then show it.
      const overview = await ok(core, 'account.overview', {});
      const xs = overview.services.find((s) => s.planName === 'Mobile XS 3 GB') as { id: string };
      const target = (await ok(core, 'services.catalog', {})).offerings.find((o) => o.id === 'MOB-S') as { name: string };
      const order = await ok(core, 'order.submit', { requestId: randomUUID(), order: { action: 'change', productId: xs.id, offeringId: 'MOB-S' } });
      expect(order.state).toBe('acknowledged');
      expect(await sync.round()).toEqual({ pushed: 1, pulled: 2 });
      expect(ledger.prepare('SELECT state, decided_at IS NOT NULL AS decided FROM product_orders WHERE id = ?').get(order.id)).toEqual({ state: 'completed', decided: 1 });
      expect((await ok(core, 'account.overview', {})).services.find((s) => s.id === xs.id)?.planName).toBe(target.name);
      expect(sync.status).toMatchObject({ waiting: 0, parked: 0 });
    } finally {
      ledger.close();
      await app.close();
    }
  }, 90_000);
});
