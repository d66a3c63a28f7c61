import { openKioskLedger } from '../helpers/ledger-file.ts';
import { describe, expect, it } from 'vitest';
import { ChangeApplier } from '../../electron/core/ledger/apply-changes.ts';
import { daysBetween } from '../../shared/calendar.ts';
import { prorate } from '../../shared/billing/compose.ts';
import { ELENA, ok, useCores } from '../helpers/signed-in.ts';
import { daysLater } from '../helpers/clock.ts';

const CHLOE = { identifier: '4000000036', pin: '8642' };
const { signedIn } = useCores();
let serial = 0;
const requestId = () => `0193d2a0-0000-7000-8000-${String(++serial).padStart(12, '0')}`;

async function jamesServices() {
  const session = await signedIn();
  const overview = await ok(session.core, 'account.overview', {});
  const byPlan = (name: string) => overview.services.find((s) => s.planName === name)!;
  return { ...session, overview, xs: byPlan('Mobile XS 3 GB'), tv: byPlan('TV Plus'), classic: byPlan('Mobile Classic 8 GB') };
}

describe('services catalog', () => {
  it('lists the plans on sale and the extras that fit the services held', async () => {
    const { core, xs, classic } = await jamesServices();
    const { offerings } = await ok(core, 'services.catalog', {});
    const ids = offerings.map((o) => o.id);
    expect(ids).toContain('MOB-S');
    expect(ids).not.toContain('MOB-CLASSIC'); // retired: held by James, sold to nobody
    const insurance = offerings.find((o) => o.id === 'MOB-INSURE')!;
    expect(insurance).toMatchObject({ category: 'addOn', monthly: { amountMinor: 600 } });
    expect(new Set(insurance.addOnToProductIds)).toEqual(new Set([xs.id, classic.id]));
    expect(offerings.find((o) => o.id === 'BB-300')).toMatchObject({ activationFee: { amountMinor: 3000 }, downloadMbps: 300 });
  });
});

describe('order preview', () => {
  it('a plan change today: the next bill credits the old plan and charges the new one for the days left, and the monthly bill goes up by the fee difference plus VAT', async () => {
    const { core, overview, xs } = await jamesServices();
    const preview = await ok(core, 'order.preview', { action: 'change', productId: xs.id, offeringId: 'MOB-S' });
    expect(preview.decision).toBe('eligible');
    const cycleDays = daysBetween(overview.cycle.start, overview.cycle.end) + 1;
    const daysLeft = daysBetween(preview.effectiveDate, overview.cycle.end) + 1;
    const onTheLine = preview.nextBill.lines.filter((l) => l.cause === 'planChange' || l.cause === 'recurring');
    expect(onTheLine.map((l) => [l.productId, l.cause, l.amountMinor])).toEqual([
      [xs.id, 'planChange', -prorate(700, daysLeft, cycleDays)],
      [xs.id, 'planChange', prorate(1200, daysLeft, cycleDays)],
      [xs.id, 'recurring', 1200],
    ]);
    // The rest that changes: this cycle's usage re-rated (each plan's allowance is prorated to its
    // days; calls to premium or international numbers are charged by destination, whichever the
    // demo's day put in this cycle) and the loyalty discount, 5% of the fees.
    for (const l of preview.nextBill.lines) expect(['planChange', 'recurring', 'usageOverAllowance', 'destination', 'loyaltyDiscount']).toContain(l.cause);
    // Monthly: +500 fee, −25 more loyalty discount (5%), +21% VAT on the 475: 574.75, give or take
    // the half-up rounding of the VAT on the whole category.
    const monthly = preview.monthlyAfter.amountMinor - preview.monthlyBefore.amountMinor;
    expect(monthly).toBeGreaterThanOrEqual(574);
    expect(monthly).toBeLessThanOrEqual(576);
    expect(preview.nextBill.withOrder.amountMinor).toBeGreaterThan(preview.nextBill.withoutOrder.amountMinor);
  });

  it('removing TV today credits the unused days of TV and its add-on, and the bundle falls back to the duo discount', async () => {
    const { core, overview, tv } = await jamesServices();
    const preview = await ok(core, 'order.preview', { action: 'remove', productId: tv.id, effectiveDate: overview.asOf });
    expect(preview.decision).toBe('eligible');
    const causes = preview.nextBill.lines.map((l) => l.cause);
    expect(causes.filter((c) => c === 'removedService')).toHaveLength(2);
    expect(preview.nextBill.lines.find((l) => l.cause === 'bundleDiscount')).toMatchObject({ sourceId: 'BUNDLE-DUO', amountMinor: -500 });
    expect(preview.monthlyAfter.amountMinor).toBeLessThan(preview.monthlyBefore.amountMinor);
  });

  it('refuses what cannot be sold: an extra that does not fit, a date in the past, a service that is not theirs', async () => {
    const { core, overview, xs } = await jamesServices();
    const wrongAddOn = await ok(core, 'order.preview', { action: 'add', offeringId: 'TV-SPORTS', parentProductId: xs.id });
    expect(wrongAddOn).toMatchObject({ decision: 'decline', reasons: [{ code: 'ADDON_INCOMPATIBLE' }, expect.anything()] });
    expect(await core.dispatch('order.preview', { action: 'remove', productId: xs.id, effectiveDate: '2020-01-01' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await core.dispatch('order.preview', { action: 'change', productId: 'not-mine', offeringId: 'MOB-S' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect((await ok(core, 'order.preview', { action: 'change', productId: xs.id, offeringId: 'MOB-XS' })).reasons[0]?.code).toBe('SAME_PLAN');
    expect(overview.services.length).toBe(4);
  });

  it('declines anything new for an account with bills long overdue, and holds to a commitment', async () => {
    // Six weeks on and nothing paid: whatever the day, Elena's oldest open bill is more than 30 days overdue.
    const elena = await signedIn(ELENA, daysLater(42));
    const add = await ok(elena.core, 'order.preview', { action: 'add', offeringId: 'TV-ESS', parentProductId: null });
    expect(add.decision).toBe('decline');
    expect(add.reasons.map((r) => r.code)).toContain('OVERDUE_OVER_30_DAYS');

    const chloe = await signedIn(CHLOE);
    const { asOf: today } = await ok(chloe.core, 'account.overview', {});
    // A fibre line headquarters connected today: twelve months' commitment from today, whatever the day.
    const ledger = openKioskLedger(chloe.dataDir);
    const accountId = ledger.prepare(`SELECT id FROM billing_accounts WHERE account_no = ?`).pluck().get(CHLOE.identifier) as string;
    const fibre = { id: 'fibre-connected-today', kind: 'broadband', identifier: 'Calle Nueva 1, Madrid', parentId: null, status: 'active', terms: [{ offeringId: 'BB-600', from: today, to: null }] } as const;
    new ChangeApplier(ledger).apply([{ type: 'product.upsert', accountId, ...fibre, terms: [...fibre.terms] }]);
    ledger.close();
    const remove = await ok(chloe.core, 'order.preview', { action: 'remove', productId: fibre.id, effectiveDate: today });
    expect(remove.reasons.map((r) => r.code)).toContain('IN_COMMITMENT');
    expect(await chloe.core.dispatch('order.submit', { requestId: requestId(), order: remove.order })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(chloe.db.prepare('SELECT COUNT(*) FROM product_orders').pluck().get()).toBe(0);
  });
});

describe('order submit', () => {
  it('records the order once with its preview and outbox row, however often it is sent', async () => {
    const { core, db, xs } = await jamesServices();
    const order = { action: 'add', offeringId: 'MOB-INSURE', parentProductId: xs.id } as const;
    const id = requestId();
    const placed = await ok(core, 'order.submit', { requestId: id, order });
    expect(placed).toMatchObject({ id, state: 'acknowledged', preview: { decision: 'eligible', order } });
    // 600, less James's 5% loyalty discount (30), plus 8% insurance tax on the category:
    // IPS base 570 → 1140, tax 46 → 91: 570 + 45 = 615.
    expect(placed.preview.monthlyAfter.amountMinor - placed.preview.monthlyBefore.amountMinor).toBe(615);
    expect(await ok(core, 'order.submit', { requestId: id, order })).toEqual(placed);
    expect(db.prepare(`SELECT COUNT(*) FROM outbox WHERE event_type = 'order.submitted'`).pluck().get()).toBe(1);
    expect(await core.dispatch('order.submit', { requestId: id, order: { ...order, offeringId: 'MOB-S' } })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  });

  it('refuses a second order for a service while the first is on its way, and says why in the preview', async () => {
    const { core, db, xs } = await jamesServices();
    await ok(core, 'order.submit', { requestId: requestId(), order: { action: 'change', productId: xs.id, offeringId: 'MOB-M' } });
    const again = await ok(core, 'order.preview', { action: 'remove', productId: xs.id, effectiveDate: (await ok(core, 'account.overview', {})).asOf });
    expect(again.decision).toBe('decline');
    expect(again.reasons.map((r) => r.code)).toContain('ORDER_PENDING');
    expect(await core.dispatch('order.submit', { requestId: requestId(), order: again.order })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', details: { reasons: expect.arrayContaining(['ORDER_PENDING']) } } });
    // Adding the same extra twice is the same; a different extra is not.
    await ok(core, 'order.submit', { requestId: requestId(), order: { action: 'add', offeringId: 'TV-ESS', parentProductId: null } });
    expect((await ok(core, 'order.preview', { action: 'add', offeringId: 'TV-ESS', parentProductId: null })).reasons.map((r) => r.code)).toContain('ORDER_PENDING');
    expect((await ok(core, 'order.preview', { action: 'add', offeringId: 'TV-PLUS', parentProductId: null })).reasons.map((r) => r.code)).not.toContain('ORDER_PENDING');
    expect(db.prepare('SELECT COUNT(*) FROM product_orders').pluck().get()).toBe(2);
  });
});

describe('offers', () => {
  it('offers what saves money on the customer’s own usage, biggest saving first, and accepting one places the order', async () => {
    const { core, db, xs } = await jamesServices();
    const { offers } = await ok(core, 'offers.list', {});
    const saving = offers.filter((o) => o.reasons.includes('SAVES_MONEY'));
    expect(saving.length).toBeGreaterThan(0);
    expect(saving.map((o) => o.monthlySaving.amountMinor)).toEqual([...saving.map((o) => o.monthlySaving.amountMinor)].sort((a, b) => b - a));
    for (const o of offers) expect(o.monthlySaving.amountMinor).toBe(o.currentMonthly.amountMinor - o.newMonthly.amountMinor);
    const forXs = offers.find((o) => o.productId === xs.id)!;
    expect(forXs.kind).toBe('changePlan');
    const placed = await ok(core, 'offers.accept', { requestId: requestId(), offerId: forXs.id });
    expect(placed.preview.order).toEqual({ action: 'change', productId: xs.id, offeringId: forXs.toOfferingId });
    expect(db.prepare('SELECT COUNT(*) FROM product_orders').pluck().get()).toBe(1);
    expect(await core.dispatch('offers.accept', { requestId: requestId(), offerId: 'changePlan:nope:MOB-S' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    // Once accepted, the offer leaves the list and cannot be ordered twice.
    const after = (await ok(core, 'offers.list', {})).offers;
    expect(after.some((o) => o.productId === xs.id)).toBe(false);
    expect(await core.dispatch('offers.accept', { requestId: requestId(), offerId: forXs.id })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(db.prepare('SELECT COUNT(*) FROM product_orders').pluck().get()).toBe(1);
  });
});
