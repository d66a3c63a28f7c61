import { describe, expect, it, vi } from 'vitest';
import { OffersJourney } from '../../renderer/src/lib/state/offers.svelte.ts';
import { orderForOffer } from '../../shared/contract/orders.ts';
import { RequestIds } from '../../renderer/src/lib/state/journey.svelte.ts';
import { MAX_NOTICE_DAYS, ServicesJourney } from '../../renderer/src/lib/state/services.svelte.ts';
import {
  accountOverview,
  changePreview,
  declinedPreview,
  emptyOverview,
  FakeKiosk,
  failure,
  offerList,
  placedOrder,
  referredPreview,
  removePreview,
  servicesCatalog,
  withOrders,
} from './fixtures.ts';

const ids = () => {
  let n = 0;
  return vi.fn(() => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`);
};
const options = (newId = ids()) => ({ onSignedOut: vi.fn(), newId });

async function services(fake = withOrders(new FakeKiosk())) {
  const opts = options();
  const journey = new ServicesJourney(fake.api, opts);
  await journey.open();
  return { fake, journey, opts };
}

describe('ServicesJourney', () => {
  it('opens with the services held and what can be added; plans for a service are its kind, not its own', async () => {
    const { journey, fake } = await services();
    expect(journey.load).toBe('ready');
    expect(journey.services.map((s) => s.id)).toEqual(['svc-mobile-1', 'svc-bb-1', 'svc-tv-1']);
    expect(journey.plans.map((p) => p.id)).toEqual(['MOB-20', 'MOB-50', 'MOB-PAYG', 'BB-1G', 'TV-ESS']);
    expect(journey.addOnsFor('svc-mobile-1').map((o) => o.id)).toEqual(['MOB-INSURE', 'MOB-ROAM']);
    expect(journey.addOnsFor('svc-bb-1')).toEqual([]);
    expect(journey.hasAddOn('svc-mobile-1', servicesCatalog.offerings[5]!)).toBe(true); // Phone insurance is on the line already
    expect(journey.hasAddOn('svc-mobile-1', servicesCatalog.offerings[6]!)).toBe(false);
    expect(journey.plansFor('svc-mobile-1').map((p) => p.id)).toEqual(['MOB-50', 'MOB-PAYG']); // not Mobile 20 GB, its plan now
    expect(journey.today).toBe('2025-03-10');
    expect(journey.nextCycleStart).toBe('2025-04-01');
    expect(journey.latestDate).toBe('2025-06-08');
    expect(MAX_NOTICE_DAYS).toBe(90);
    expect(fake.callsTo('account.overview')).toHaveLength(1);
    expect(fake.callsTo('services.catalog')).toHaveLength(1);
  });

  it('add: previews, confirms with one request id and shows the placed order', async () => {
    const { journey, fake } = await services();
    await journey.add('TV-ESS');
    expect(fake.callsTo('order.preview')).toEqual([{ action: 'add', offeringId: 'TV-ESS', parentProductId: null }]);
    expect(journey.step).toEqual({ kind: 'preview' });
    expect(journey.preview?.decision).toBe('eligible');
    expect(journey.focusRequest?.target).toBe('preview');
    await journey.confirm();
    expect(fake.callsTo('order.submit')).toEqual([{ requestId: '00000000-0000-4000-8000-000000000001', order: { action: 'add', offeringId: 'TV-ESS', parentProductId: null } }]);
    expect(journey.step).toEqual({ kind: 'result' });
    expect(journey.placed?.id).toBe('00000000-0000-4000-8000-000000000001');
    expect(journey.placed?.state).toBe('acknowledged');
    expect(journey.focusRequest?.target).toBe('result');
    // Another order after that is a new request.
    journey.home();
    expect(journey.step).toEqual({ kind: 'home' });
    await journey.add('MOB-ROAM', 'svc-mobile-1');
    expect(fake.callsTo('order.preview').at(-1)).toEqual({ action: 'add', offeringId: 'MOB-ROAM', parentProductId: 'svc-mobile-1' });
    await journey.confirm();
    expect((fake.callsTo('order.submit').at(-1) as { requestId: string }).requestId).toBe('00000000-0000-4000-8000-000000000002');
  });

  it('change plan: the plans step, then the preview; back returns to the plans, then to the list', async () => {
    const { journey, fake } = await services();
    journey.startChange('svc-mobile-1');
    expect(journey.step).toEqual({ kind: 'changePlan', productId: 'svc-mobile-1' });
    expect(journey.focusRequest?.target).toBe('step');
    await journey.choosePlan('MOB-50');
    expect(fake.callsTo('order.preview')).toEqual([{ action: 'change', productId: 'svc-mobile-1', offeringId: 'MOB-50' }]);
    expect(journey.preview).toEqual(changePreview());
    journey.back();
    expect(journey.step).toEqual({ kind: 'changePlan', productId: 'svc-mobile-1' });
    journey.back();
    expect(journey.step).toEqual({ kind: 'home' });
  });

  it('remove: today by default, the next cycle, or a date checked here before the core is asked', async () => {
    const { journey, fake } = await services();
    journey.startEnd('remove', 'svc-bb-1');
    expect(journey.step).toEqual({ kind: 'when', action: 'remove', productId: 'svc-bb-1' });
    expect(journey.when).toBe('today');
    expect(journey.effectiveDate).toBe('2025-03-10');
    journey.chooseWhen('nextCycle');
    expect(journey.effectiveDate).toBe('2025-04-01');

    journey.chooseWhen('other');
    await journey.previewEnd();
    expect(journey.problem).toEqual({ kind: 'dateMissing' });
    expect(journey.focusRequest?.target).toBe('problem');
    journey.setOtherDate('2025-03-09');
    expect(journey.problem).toBeNull();
    await journey.previewEnd();
    expect(journey.problem).toEqual({ kind: 'dateOutOfRange', from: '2025-03-10', to: '2025-06-08' });
    journey.setOtherDate('2025-06-09');
    await journey.previewEnd();
    expect(journey.problem).toEqual({ kind: 'dateOutOfRange', from: '2025-03-10', to: '2025-06-08' });
    journey.setOtherDate('2025-02-30');
    await journey.previewEnd();
    expect(journey.problem?.kind).toBe('dateOutOfRange');
    expect(fake.callsTo('order.preview')).toEqual([]); // nothing sent for a bad date

    journey.setOtherDate('2025-06-08');
    await journey.previewEnd();
    expect(fake.callsTo('order.preview')).toEqual([{ action: 'remove', productId: 'svc-bb-1', effectiveDate: '2025-06-08' }]);
    expect(journey.preview).toEqual(removePreview('2025-06-08'));
    journey.back(); // back to the date, as chosen
    expect(journey.step.kind).toBe('when');
    expect(journey.otherDate).toBe('2025-06-08');
  });

  it('suspend sends the chosen date; a core VALIDATION error is shown and changes nothing', async () => {
    const fake = withOrders(new FakeKiosk());
    fake.respond('order.preview', () => failure('VALIDATION', 'Choose a date from 2025-03-10 to 2025-06-08.'));
    const { journey } = await services(fake);
    journey.startEnd('suspend', 'svc-mobile-1');
    await journey.previewEnd();
    expect(fake.callsTo('order.preview')).toEqual([{ action: 'suspend', productId: 'svc-mobile-1', effectiveDate: '2025-03-10' }]);
    expect(journey.problem).toEqual({ kind: 'validation' });
    expect(journey.step.kind).toBe('when');
    expect(journey.preview).toBeNull();
    expect(fake.callsTo('order.submit')).toEqual([]);
  });

  it('a declined order cannot be confirmed', async () => {
    const fake = withOrders(new FakeKiosk());
    fake.respond('order.preview', (input) => ({ ok: true, value: declinedPreview(input as never) }));
    const { journey } = await services(fake);
    await journey.add('TV-ESS');
    expect(journey.preview?.decision).toBe('decline');
    await journey.confirm();
    expect(fake.callsTo('order.submit')).toEqual([]);
    expect(journey.step.kind).toBe('preview');
  });

  it('a referred order is placed and held for staff', async () => {
    const fake = withOrders(new FakeKiosk());
    fake.respond('order.preview', (input) => ({ ok: true, value: referredPreview(input as never) }));
    fake.respond('order.submit', (input) => {
      const { requestId, order } = input as { requestId: string; order: never };
      return { ok: true, value: placedOrder(requestId, referredPreview(order), 'held') };
    });
    const { journey } = await services(fake);
    await journey.add('BB-1G');
    await journey.confirm();
    expect(journey.placed?.state).toBe('held');
  });

  it('a retry after no answer re-sends the same request id; a refusal settles it, so the next try is new', async () => {
    const fake = withOrders(new FakeKiosk());
    const { journey } = await services(fake);
    let answer: 'fail' | 'forbidden' | 'ok' = 'fail';
    fake.respond('order.submit', (input) => {
      const { requestId, order } = input as { requestId: string; order: never };
      if (answer === 'fail') return failure('INTERNAL', 'Could not reach the kiosk service');
      if (answer === 'forbidden') return failure('FORBIDDEN', 'Refused', { reasons: ['OVERDUE_OVER_30_DAYS'] });
      return { ok: true, value: placedOrder(requestId, changePreview(order)) };
    });
    journey.startChange('svc-mobile-1');
    await journey.choosePlan('MOB-50');
    await journey.confirm();
    expect(journey.problem).toEqual({ kind: 'failed' });
    expect(journey.step.kind).toBe('preview');
    await journey.confirm();
    const sent = fake.callsTo('order.submit') as Array<{ requestId: string }>;
    expect(sent.map((s) => s.requestId)).toEqual(['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000001']);

    // Refused for sure: the preview is asked again (it now says why) and the id is spent.
    answer = 'forbidden';
    fake.respond('order.preview', (input) => ({ ok: true, value: declinedPreview(input as never) }));
    await journey.confirm();
    expect(journey.problem).toEqual({ kind: 'refused' });
    expect(journey.preview?.decision).toBe('decline');
    expect(fake.callsTo('order.preview')).toHaveLength(2);
    fake.respond('order.preview', (input) => ({ ok: true, value: changePreview(input as never) }));
    await journey.back();
    await journey.choosePlan('MOB-50');
    answer = 'ok';
    await journey.confirm();
    expect((fake.callsTo('order.submit').at(-1) as { requestId: string }).requestId).toBe('00000000-0000-4000-8000-000000000002');
    expect(journey.step.kind).toBe('result');
  });

  it('load errors are retried; a signed-out answer ends the session; an account with nothing at all is empty', async () => {
    const fake = withOrders(new FakeKiosk());
    fake.respond('services.catalog', () => failure('INTERNAL', 'boom'));
    const { journey, opts } = await services(fake);
    expect(journey.load).toBe('error');
    fake.respond('services.catalog', () => ({ ok: true, value: servicesCatalog }));
    await journey.open();
    expect(journey.load).toBe('ready');
    fake.respond('order.preview', () => failure('NOT_SIGNED_IN', 'gone'));
    await journey.add('TV-ESS');
    expect(opts.onSignedOut).toHaveBeenCalledTimes(1);

    const bare = withOrders(new FakeKiosk(emptyOverview));
    bare.respond('services.catalog', () => ({ ok: true, value: { offerings: [] } }));
    const empty = new ServicesJourney(bare.api, options());
    await empty.open();
    expect(empty.load).toBe('empty');
    expect(accountOverview.services).toHaveLength(3);
  });
});

describe('OffersJourney', () => {
  it('lists the offers; choosing one previews its order; accepting places it with one request id', async () => {
    const fake = withOrders(new FakeKiosk());
    const journey = new OffersJourney(fake.api, options());
    await journey.open();
    expect(journey.load).toBe('ready');
    expect(journey.offers).toEqual(offerList);
    await journey.choose(offerList[0]!.id);
    expect(journey.step).toBe('confirm');
    expect(fake.callsTo('order.preview')).toEqual([{ action: 'change', productId: 'svc-mobile-1', offeringId: 'MOB-50' }]);
    expect(journey.previewLoad).toBe('ready');
    expect(journey.focusRequest?.target).toBe('preview');
    await journey.accept();
    expect(fake.callsTo('offers.accept')).toEqual([{ requestId: '00000000-0000-4000-8000-000000000001', offerId: offerList[0]!.id }]);
    expect(journey.step).toBe('result');
    expect(journey.placed?.preview.order).toEqual({ action: 'change', productId: 'svc-mobile-1', offeringId: 'MOB-50' });
    expect(journey.accepted).toEqual([offerList[0]!.id]);
    journey.back();
    expect(journey.step).toBe('list');
    await journey.choose(offerList[0]!.id); // already ordered: not again
    expect(journey.step).toBe('list');
    await journey.choose(offerList[1]!.id);
    expect(fake.callsTo('order.preview').at(-1)).toEqual({ action: 'add', offeringId: 'TV-ESS', parentProductId: null });
  });

  it('no offers is empty, not an error; an error can be retried', async () => {
    const fake = withOrders(new FakeKiosk());
    fake.respond('offers.list', () => ({ ok: true, value: { offers: [] } }));
    const journey = new OffersJourney(fake.api, options());
    await journey.open();
    expect(journey.load).toBe('empty');
    fake.respond('offers.list', () => failure('INTERNAL', 'boom'));
    await journey.open();
    expect(journey.load).toBe('error');
  });

  it('a retry after no answer keeps the request id; a gone offer says so and reloads the list on the way back', async () => {
    const fake = withOrders(new FakeKiosk());
    const journey = new OffersJourney(fake.api, options());
    await journey.open();
    await journey.choose(offerList[1]!.id);
    fake.respond('offers.accept', () => failure('INTERNAL', 'Could not reach the kiosk service'));
    await journey.accept();
    await journey.accept();
    const sent = fake.callsTo('offers.accept') as Array<{ requestId: string }>;
    expect(sent.map((s) => s.requestId)).toEqual(['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000001']);
    expect(journey.problem).toEqual({ kind: 'failed' });

    fake.respond('offers.accept', () => failure('NOT_FOUND', 'That offer is no longer available.'));
    await journey.accept();
    expect(journey.problem).toEqual({ kind: 'offerGone' });
    fake.respond('offers.list', () => ({ ok: true, value: { offers: [offerList[0]] } }));
    journey.back();
    await vi.waitFor(() => expect(journey.offers).toHaveLength(1));
    expect(journey.step).toBe('list');
  });

  it('a declined offer cannot be accepted; a preview that fails can be retried', async () => {
    const fake = withOrders(new FakeKiosk());
    fake.respond('order.preview', () => failure('INTERNAL', 'boom'));
    const journey = new OffersJourney(fake.api, options());
    await journey.open();
    await journey.choose(offerList[0]!.id);
    expect(journey.previewLoad).toBe('error');
    expect(journey.problem).toEqual({ kind: 'failed' });
    fake.respond('order.preview', (input) => ({ ok: true, value: declinedPreview(input as never) }));
    await journey.loadPreview();
    expect(journey.preview?.decision).toBe('decline');
    await journey.accept();
    expect(fake.callsTo('offers.accept')).toEqual([]);
  });
});

describe('order helpers', () => {
  it('an offer places the same order the Services screen would', () => {
    expect(orderForOffer(offerList[0]!)).toEqual({ action: 'change', productId: 'svc-mobile-1', offeringId: 'MOB-50' });
    expect(orderForOffer(offerList[1]!)).toEqual({ action: 'add', offeringId: 'TV-ESS', parentProductId: null });
  });

  it('request ids: the same order keeps its id until settled; another order gets a new one', () => {
    const requestIds = new RequestIds({ onSignedOut: () => {}, newId: ids() });
    const a = requestIds.for('a');
    expect(requestIds.for('a')).toBe(a);
    const b = requestIds.for('b');
    expect(b).not.toBe(a);
    requestIds.settle();
    expect(requestIds.for('b')).not.toBe(b);
  });
});
