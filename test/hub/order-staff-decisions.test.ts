import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ChangeOf } from '../../shared/sync/changes.ts';
import { engines, freshDatabases } from './databases.ts';
import { enrolKiosk, feedHead, JAMES_ACCOUNT, orderRequest, seededHub } from './push-fixture.ts';

const JAMES = JAMES_ACCOUNT.id;
type Decided = ChangeOf<'order.decided'> | ChangeOf<'product.upsert'>;

function staffDecision(orderId: string, decision: 'approve' | 'decline', more: { approvedBy?: string | null; reason?: string } = {}) {
  return { orderId, decision, staffId: 'AG-1001', approvedBy: more.approvedBy ?? null, reason: more.reason ?? 'Customer showed a new payslip', decidedAt: '2026-11-26T08:45:00.000Z' };
}

describe.each(engines)('staff decisions on held orders at the hub on %s', { timeout: 30_000 }, (engine) => {
  const databases = freshDatabases(engine);

  /** James's central limit at 130.00: adding Mobile Unlimited takes his monthly spend over it, so headquarters holds it for staff too. */
  async function heldAtHub() {
    const { db } = await databases.fresh();
    const kiosk = await enrolKiosk(await seededHub(db), db);
    await db.query('UPDATE billing_accounts SET credit_limit_minor = 13000 WHERE id = $1', [JAMES]);
    const held = orderRequest(JAMES, { action: 'add', offeringId: 'MOB-UNL', parentProductId: null }, 'held');
    const other = orderRequest(JAMES, { action: 'add', offeringId: 'MOB-L', parentProductId: null }, 'held');
    expect((await kiosk.push(['order.submitted', held], ['order.submitted', other])).results.map((r) => r.outcome)).toEqual(['accepted', 'accepted']);
    expect(await db.query('SELECT order_id, decision, state FROM order_decisions ORDER BY order_id')).toEqual(
      [
        { order_id: held.id, decision: 'refer', state: 'held' },
        { order_id: other.id, decision: 'refer', state: 'held' },
      ].sort((a, b) => (a.order_id < b.order_id ? -1 : 1)),
    );
    return { db, kiosk, held, other };
  }

  it('an approval fulfils the held order as headquarters would, once, and the branch hears it; a decline cancels it', async () => {
    const { db, kiosk, held, other } = await heldAtHub();
    const head = await feedHead(db);
    const response = await kiosk.push(
      ['order.staffDecided', staffDecision(held.id, 'approve', { approvedBy: 'SV-2001' })],
      ['order.staffDecided', staffDecision(other.id, 'decline', { reason: 'Customer changed their mind' })],
      ['order.staffDecided', staffDecision(held.id, 'decline')],
    );
    expect(response.results.map((r) => r.outcome)).toEqual(['accepted', 'accepted', 'rejected']);
    expect(response.results[2]).toMatchObject({ reason: `Staff had already decided order ${held.id}` });

    expect(await db.query('SELECT order_id, decision, state, product_ids, staff_id, approved_by FROM order_staff_decisions ORDER BY decision')).toEqual([
      { order_id: held.id, decision: 'approve', state: 'completed', product_ids: [`prod-${held.id}`], staff_id: 'AG-1001', approved_by: 'SV-2001' },
      { order_id: other.id, decision: 'decline', state: 'cancelled', product_ids: [], staff_id: 'AG-1001', approved_by: null },
    ]);
    expect(await db.query('SELECT id, status, offering_id FROM products WHERE account_id = $1 AND offering_id IN ($2, $3)', [JAMES, 'MOB-UNL', 'MOB-L'])).toEqual([
      { id: `prod-${held.id}`, status: 'pendingActive', offering_id: 'MOB-UNL' },
    ]);
    expect(await db.query('SELECT id, status FROM product_orders ORDER BY status')).toEqual([
      { id: other.id, status: 'cancelled' },
      { id: held.id, status: 'completed' },
    ]);
    // The central decision stays as the engine made it (append-only).
    expect(await db.query('SELECT DISTINCT state FROM order_decisions')).toEqual([{ state: 'held' }]);
    await expect(db.query('DELETE FROM order_staff_decisions')).rejects.toThrow();

    const pulled = (await kiosk.pull(head)).changes.map((c) => c.change as Decided);
    expect(pulled.map((c) => [c.type, c.id, c.type === 'order.decided' ? c.state : c.status])).toEqual([
      ['product.upsert', `prod-${held.id}`, 'pendingActive'],
      ['order.decided', held.id, 'completed'],
      ['order.decided', other.id, 'cancelled'],
    ]);
    expect((pulled[1] as ChangeOf<'order.decided'>).reasons).toEqual([{ code: 'STAFF_DECISION', text: 'Customer showed a new payslip', params: { staffId: 'AG-1001', approvedBy: 'SV-2001' } }]);
  });

  it('headquarters deciding first wins; an order it never received, or a malformed decision, is refused with the reason', async () => {
    const { db } = await databases.fresh();
    const kiosk = await enrolKiosk(await seededHub(db), db);
    // Held at the kiosk, but headquarters finds it eligible on the central ledger and fulfils it.
    const eligible = orderRequest(JAMES, { action: 'add', offeringId: 'MOB-PAYG', parentProductId: null }, 'held');
    await kiosk.push(['order.submitted', eligible]);
    expect(await db.query('SELECT state FROM order_decisions WHERE order_id = $1', [eligible.id])).toEqual([{ state: 'completed' }]);
    const head = await feedHead(db);
    const response = await kiosk.push(
      ['order.staffDecided', staffDecision(eligible.id, 'decline')],
      ['order.staffDecided', staffDecision(randomUUID(), 'approve')],
      ['order.staffDecided', { ...staffDecision(eligible.id, 'approve'), reason: '' }],
    );
    expect(response.results).toEqual([
      expect.objectContaining({ outcome: 'rejected', reason: `Headquarters had already decided order ${eligible.id} (completed)` }),
      expect.objectContaining({ outcome: 'rejected', reason: expect.stringMatching(/which headquarters has not received from this branch$/) }),
      expect.objectContaining({ outcome: 'rejected', reason: expect.stringMatching(/^Invalid order.staffDecided payload/) }),
    ]);
    expect(await db.query('SELECT count(*)::int AS n FROM order_staff_decisions')).toEqual([{ n: 0 }]);
    expect(await db.query('SELECT status FROM product_orders WHERE id = $1', [eligible.id])).toEqual([{ status: 'completed' }]);
    expect((await kiosk.pull(head)).changes).toEqual([]);
  });
});
