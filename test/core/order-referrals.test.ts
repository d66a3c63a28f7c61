import { kioskAuditChain, openKioskLedger } from '../helpers/ledger-file.ts';
import { describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../electron/core/audit/audit-log.ts';
import { ChangeApplier } from '../../electron/core/ledger/apply-changes.ts';
import { demoStaff } from '../../shared/demo/staff.ts';
import { startTestCore } from '../helpers/demo-ledger.ts';
import { JAMES, ok, useCores } from '../helpers/signed-in.ts';

const { adopt } = useCores();
const [LUCIA, , OMAR] = demoStaff as [(typeof demoStaff)[number], (typeof demoStaff)[number], (typeof demoStaff)[number]];
const staffIn = (who: { id: string; pin: string }) => ({ staffId: who.id, pin: who.pin });
const id = (n: number) => `0193d2a0-0000-7000-8000-${String(n).padStart(12, '0')}`;

/**
 * James (100.00 a month) with his credit limit at 130.00: adding Mobile Unlimited (35.00), then
 * Mobile L (28.00), would take his monthly spend over it, so the kiosk refers both to staff (held).
 */
async function heldOrders(settings: Record<string, unknown> = {}) {
  const { core, dataDir } = await startTestCore(settings as never);
  adopt(core);
  const ledger = openKioskLedger(dataDir);
  // As headquarters would have set it (an account.upsert): the test only needs the lower limit.
  ledger.prepare(`UPDATE billing_accounts SET credit_limit_minor = 13000 WHERE account_no = ?`).run(JAMES.identifier);
  await ok(core, 'session.signIn', JAMES);
  const orders = [];
  for (const [n, offeringId] of [[1, 'MOB-UNL'], [2, 'MOB-L']] as const) orders.push(await ok(core, 'order.submit', { requestId: id(n), order: { action: 'add', offeringId, parentProductId: null } }));
  await ok(core, 'session.signOut', {});
  expect(orders.map((o) => [o.state, o.preview.decision, o.preview.reasons.map((r) => r.code)])).toEqual([
    ['held', 'refer', ['MONTHLY_SPEND_OVER_LIMIT']],
    ['held', 'refer', ['MONTHLY_SPEND_OVER_LIMIT']],
  ]);
  const count = (table: string) => ledger.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;
  return { core, ledger, orders, written: () => ({ audit: count('audit_events'), outbox: count('outbox') }) };
}

describe('referred orders', () => {
  it('staff see the held orders, oldest first, and approve one within their authority: on to headquarters, audited, once', async () => {
    const { core, ledger, orders, written } = await heldOrders();
    await ok(core, 'staff.signIn', staffIn(LUCIA));
    const { referrals } = await ok(core, 'assist.orderReferrals', {});
    const [first] = orders;
    const change = (first?.preview.monthlyAfter.amountMinor ?? 0) - (first?.preview.monthlyBefore.amountMinor ?? 0);
    expect(change).toBeGreaterThan(0);
    expect(referrals).toEqual([
      {
        orderId: id(1),
        accountId: expect.any(String),
        accountNo: JAMES.identifier,
        customerName: 'James Taylor',
        action: 'add',
        offeringName: 'Mobile Unlimited',
        monthlyBefore: first?.preview.monthlyBefore,
        monthlyAfter: first?.preview.monthlyAfter,
        monthlyChange: { amountMinor: change, currency: 'EUR' },
        requestedAt: first?.createdAt,
      },
      expect.objectContaining({ orderId: id(2) }),
    ]);
    const before = written();
    const approve = { orderId: id(1), decision: 'approve', reason: 'Customer showed a new payslip' };
    expect(await ok(core, 'assist.decideOrder', approve)).toEqual({ orderId: id(1), decision: 'approve', state: 'acknowledged', approvedBy: null });
    expect((await ok(core, 'assist.orderReferrals', {})).referrals.map((r) => r.orderId)).toEqual([id(2)]);
    expect(await core.dispatch('assist.decideOrder', approve)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(written()).toEqual({ audit: before.audit + 1, outbox: before.outbox + 2 });

    expect(ledger.prepare(`SELECT state, staff_decision, staff_id, staff_approved_by, staff_reason FROM product_orders WHERE id = ?`).get(id(1))).toEqual({
      state: 'acknowledged',
      staff_decision: 'approve',
      staff_id: 'AG-1001',
      staff_approved_by: null,
      staff_reason: 'Customer showed a new payslip',
    });
    expect(ledger.prepare(`SELECT actor_kind, actor_id, approved_by, action, before_json, after_json, reason FROM audit_events ORDER BY seq DESC LIMIT 1`).get()).toEqual({
      actor_kind: 'agent',
      actor_id: 'AG-1001',
      approved_by: null,
      action: 'order.approved',
      before_json: JSON.stringify({ state: 'held' }),
      after_json: JSON.stringify({ monthlyChangeMinor: change, orderId: id(1), state: 'acknowledged' }),
      reason: 'Customer showed a new payslip',
    });
    expect(verifyAuditChain(ledger, kioskAuditChain(ledger))).toMatchObject({ ok: true });
    const [told] = ledger.prepare(`SELECT payload FROM outbox WHERE event_type = 'order.staffDecided'`).pluck().all() as string[];
    expect(JSON.parse(told ?? '{}')).toEqual({ orderId: id(1), decision: 'approve', staffId: 'AG-1001', approvedBy: null, reason: 'Customer showed a new payslip', decidedAt: expect.any(String) });

    // Headquarters' own "held" for it, pulled after staff decided, does not send it back to staff; its "completed" does land.
    const applier = new ChangeApplier(ledger);
    const accountId = referrals[0]?.accountId as string;
    applier.apply([{ type: 'order.decided', id: id(1), accountId, state: 'held', reasons: [], decidedAt: '2026-11-27T09:00:00.000Z' }]);
    expect(ledger.prepare(`SELECT state FROM product_orders WHERE id = ?`).pluck().get(id(1))).toBe('acknowledged');
    expect((await ok(core, 'assist.orderReferrals', {})).referrals.map((r) => r.orderId)).toEqual([id(2)]);
    applier.apply([{ type: 'order.decided', id: id(1), accountId, state: 'completed', reasons: [], decidedAt: '2026-11-27T09:01:00.000Z' }]);
    expect(ledger.prepare(`SELECT state FROM product_orders WHERE id = ?`).pluck().get(id(1))).toBe('completed');
    ledger.close();
  });

  it('approving above the agent’s authority needs a supervisor other than them; declining needs a reason, not authority', async () => {
    const { core, ledger, written } = await heldOrders({ assist: { authority: { agent: { feeWaiverMinor: 2_000, adjustmentMinor: 5_000, creditLimitMinor: 1_000 } } } });
    await ok(core, 'staff.signIn', staffIn(LUCIA));
    const before = written();
    const approve = { orderId: id(1), decision: 'approve', reason: 'Long-standing customer' };
    expect(await core.dispatch('assist.decideOrder', approve)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', details: { needs: 'supervisor', kind: 'creditLimitMinor', limitMinor: 1_000 } } });
    expect(await core.dispatch('assist.decideOrder', { ...approve, supervisor: staffIn(LUCIA) })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await core.dispatch('assist.decideOrder', { ...approve, reason: 'no' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await core.dispatch('assist.decideOrder', { ...approve, decision: 'maybe' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(written()).toEqual(before);
    expect(ledger.prepare(`SELECT state FROM product_orders WHERE id = ?`).pluck().get(id(1))).toBe('held');

    expect(await ok(core, 'assist.decideOrder', { ...approve, supervisor: staffIn(OMAR) })).toEqual({ orderId: id(1), decision: 'approve', state: 'acknowledged', approvedBy: 'SV-2001' });
    expect(await ok(core, 'assist.decideOrder', { orderId: id(2), decision: 'decline', reason: 'Customer changed their mind' })).toEqual({
      orderId: id(2),
      decision: 'decline',
      state: 'cancelled',
      approvedBy: null,
    });
    expect(ledger.prepare(`SELECT actor_id, approved_by, action, reason FROM audit_events ORDER BY seq DESC LIMIT 2`).all()).toEqual([
      { actor_id: 'AG-1001', approved_by: null, action: 'order.declined', reason: 'Customer changed their mind' },
      { actor_id: 'AG-1001', approved_by: 'SV-2001', action: 'order.approved', reason: 'Long-standing customer' },
    ]);
    expect((await ok(core, 'assist.orderReferrals', {})).referrals).toEqual([]);
    // A cancelled order is no longer on its way: the customer may order the same again.
    await ok(core, 'staff.signOut', {});
    await ok(core, 'session.signIn', JAMES);
    const codes = async (offeringId: string) => (await ok(core, 'order.preview', { action: 'add', offeringId, parentProductId: null })).reasons.map((r) => r.code);
    expect(await codes('MOB-L')).not.toContain('ORDER_PENDING');
    expect(await codes('MOB-UNL')).toContain('ORDER_PENDING');
    expect(ledger.prepare(`SELECT id, state FROM product_orders ORDER BY id`).all()).toEqual([
      { id: id(1), state: 'acknowledged' },
      { id: id(2), state: 'cancelled' },
    ]);
    ledger.close();
  });

  it('customers and passers-by cannot see or decide referred orders', async () => {
    const { core, ledger } = await heldOrders();
    for (const [channel, input] of [['assist.orderReferrals', {}], ['assist.decideOrder', { orderId: id(1), decision: 'approve', reason: 'Approve my own order' }]] as const) {
      expect(await core.dispatch(channel, input)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    await ok(core, 'session.signIn', JAMES);
    expect(await core.dispatch('assist.decideOrder', { orderId: id(1), decision: 'approve', reason: 'Approve my own order' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(ledger.prepare(`SELECT COUNT(*) FROM product_orders WHERE state = 'held'`).pluck().get()).toBe(2);
    ledger.close();
  });
});
