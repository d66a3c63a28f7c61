import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { tick } from 'svelte';
import { describe, expect, it, vi } from 'vitest';
import App from '../../renderer/src/App.svelte';
import { Translator } from '../../shared/i18n/translator.ts';
import { offerTitle, offeringFacts, orderReasonText, orderTitle, serviceLabel } from '../../renderer/src/lib/order-text.ts';
import {
  accountOverview,
  ACCOUNT_NO,
  changePreview,
  declinedPreview,
  FakeKiosk,
  failure,
  GOOD_PIN,
  offerList,
  placedOrder,
  referredPreview,
  servicesCatalog,
  withJourneys,
  withOrders,
} from './fixtures.ts';

// jsdom has no canvas; these screens draw no chart, but the app imports the module.
vi.mock('../../renderer/src/lib/chart.ts', () => ({ drawUsageChart: () => ({ destroy: () => {} }) }));

const plain = (text: string | null | undefined): string =>
  (text ?? '').replace(/[\u2066-\u2069]/g, '').replace(/[\u00a0\u202f\u2009]/g, ' ').replace(/\s+/g, ' ').trim();
const REQUEST_ID = '00000000-0000-4000-8000-0000000000aa';

async function toOverview(fake = withOrders(withJourneys(new FakeKiosk()))) {
  const user = userEvent.setup();
  render(App, { props: { api: fake.api, wipe: vi.fn(async () => {}), options: { signInTimeoutMs: 600_000, newId: () => REQUEST_ID } } });
  await screen.findByTestId('attract');
  await user.click(screen.getByTestId('start'));
  await user.click(await screen.findByTestId('identifier'));
  await user.keyboard(`${ACCOUNT_NO}{Enter}${GOOD_PIN}{Enter}`);
  await screen.findByTestId('total-due');
  return { fake, user };
}

async function toServices(fake?: FakeKiosk) {
  const opened = await toOverview(fake);
  await opened.user.click(screen.getByTestId('go-services'));
  await screen.findByTestId('my-services');
  return opened;
}

describe('services screen', () => {
  it('lists the services with their actions, the plans and the extras that fit', async () => {
    await toServices();
    const mine = screen.getAllByTestId('my-service');
    expect(mine.map((m) => m.dataset['product'])).toEqual(['svc-mobile-1', 'svc-bb-1', 'svc-tv-1']);
    expect(plain(within(mine[0]!).getByTestId('my-service-monthly').textContent)).toBe('€20.00 a month');
    expect(within(mine[0]!).getByRole('group', { name: 'What to do with Mobile +353 871 234 567' })).toBeTruthy();
    // A suspended service cannot be paused again; it can change plan or be removed.
    expect(within(mine[2]!).queryByTestId('suspend')).toBeNull();
    expect(within(mine[2]!).getByTestId('remove')).toBeTruthy();

    const add = screen.getByTestId('add-service');
    expect(within(add).getAllByTestId('add-group').map((g) => g.dataset['kind'])).toEqual(['mobile', 'broadband', 'tv']);
    const fibre = within(add).getByText('Fibre 1 Gb').closest('article')!;
    expect(plain(fibre.textContent)).toContain('€55.00 a month');
    expect(plain(fibre.textContent)).toContain('Up to 1 Gb/s');
    expect(plain(fibre.textContent)).toContain('Activation fee €30.00 · 12-month minimum term');
    const payg = within(add).getByText('Pay As You Go').closest('article')!;
    expect(plain(payg.textContent)).toContain('Data paid per use');
    expect(plain(within(add).getByText('TV Essentials').closest('article')!.textContent)).toContain('80 channels');

    const extras = screen.getByTestId('extras-group');
    expect(extras.dataset['product']).toBe('svc-mobile-1');
    expect(within(extras).getByText('Already on this service')).toBeTruthy(); // phone insurance
    expect(within(extras).getByRole('button', { name: 'Add Roaming pack to Mobile +353 871 234 567' })).toBeTruthy();
  });

  it('add: the preview with the core’s figures gets focus; confirm places the order and focuses the result', async () => {
    const { user, fake } = await toServices();
    await user.click(screen.getByRole('button', { name: 'Add TV Essentials' }));
    const heading = await screen.findByRole('heading', { level: 2, name: 'Add TV Essentials' });
    await tick();
    expect(document.activeElement).toBe(heading);
    expect(screen.getByTestId('order-decision-title').textContent).toBe('You can do this here');
    expect(screen.getByTestId('order-monthly-before').textContent).toBe('€98.00');
    expect(screen.getByTestId('order-monthly-after').textContent).toBe('€107.68');
    expect(plain(screen.getByTestId('order-monthly-change').textContent)).toBe('€9.68 more a month');
    expect(screen.getByTestId('order-next-title').textContent).toBe('Your next bill, on 1 April 2025');
    expect(screen.getByTestId('order-next-without').textContent).toBe('€98.00');
    expect(screen.getByTestId('order-next-with').textContent).toBe('€110.99');
    expect(screen.getAllByTestId('order-line').map((l) => plain(l.textContent))).toEqual([
      'Mobile 20 GB: refund for 22 unused days 10 – 31 Mar 2025 −€14.19',
      'Mobile 50 GB: 22 of 31 days 10 – 31 Mar 2025 €19.87',
      'Mobile 50 GB, monthly fee 1 – 30 Apr 2025 €28.00',
    ]);
    expect(plain(screen.getByTestId('order-reasons').textContent)).toBe('It fits within your credit limit of €500.00.');

    await user.click(screen.getByTestId('order-confirm'));
    const result = await screen.findByTestId('order-result');
    await tick();
    expect(document.activeElement).toBe(within(result).getByRole('heading', { level: 2, name: 'Your order is placed' }));
    expect(screen.getByTestId('order-number').textContent).toBe(REQUEST_ID);
    expect(plain(screen.getByTestId('order-result-monthly').textContent)).toBe('€107.68 a month');
    expect(fake.callsTo('order.submit')).toEqual([{ requestId: REQUEST_ID, order: { action: 'add', offeringId: 'TV-ESS', parentProductId: null } }]);

    await user.click(screen.getByTestId('order-again'));
    await tick();
    expect(document.activeElement).toBe(screen.getByRole('heading', { level: 2, name: 'Your services' }));
  });

  it('change plan: its plans (not the one it has), then the preview; back returns to the plans', async () => {
    const { user, fake } = await toServices();
    await user.click(within(screen.getAllByTestId('my-service')[0]!).getByTestId('change-plan'));
    const heading = await screen.findByRole('heading', { level: 2, name: 'Choose a new plan for Mobile +353 871 234 567' });
    await tick();
    expect(document.activeElement).toBe(heading);
    expect(screen.getByTestId('plan-now').textContent).toBe('Your plan now: Mobile 20 GB, €20.00 a month.');
    const plans = within(screen.getByTestId('choose-plan')).getAllByTestId('offering');
    expect(plans.map((p) => p.dataset['offering'])).toEqual(['MOB-50', 'MOB-PAYG']);
    await user.click(screen.getByRole('button', { name: 'Choose Mobile 50 GB' }));
    await screen.findByRole('heading', { level: 2, name: 'Change Mobile +353 871 234 567 to Mobile 50 GB' });
    expect(fake.callsTo('order.preview')).toEqual([{ action: 'change', productId: 'svc-mobile-1', offeringId: 'MOB-50' }]);
    await user.click(screen.getByTestId('order-back'));
    await screen.findByTestId('choose-plan');
  });

  it('remove: bad dates are said next to the field and nothing is asked; the end of the cycle is offered', async () => {
    const { user, fake } = await toServices();
    await user.click(within(screen.getAllByTestId('my-service')[1]!).getByTestId('remove'));
    await screen.findByRole('heading', { level: 2, name: 'When should Fibre 500 end?' });
    expect((screen.getByTestId('when-today') as HTMLInputElement).checked).toBe(true);
    expect(plain(screen.getByTestId('when-next-cycle').closest('label')?.textContent)).toBe('When your next bill cycle starts, 1 April 2025');
    await user.click(screen.getByTestId('when-other'));
    await user.click(screen.getByTestId('see-preview'));
    expect(plain(screen.getByTestId('order-problem').textContent)).toBe('Choose the date, or pick one of the other options.');
    await tick();
    expect(document.activeElement).toBe(screen.getByTestId('when-date'));
    const date = screen.getByTestId('when-date') as HTMLInputElement;
    await user.type(date, '2025-01-01');
    await user.click(screen.getByTestId('see-preview'));
    expect(plain(screen.getByTestId('order-problem').textContent)).toBe('Choose a date from 10 March 2025 to 8 June 2025.');
    expect(date.getAttribute('aria-invalid')).toBe('true');
    expect(fake.callsTo('order.preview')).toEqual([]);

    await user.click(screen.getByTestId('when-next-cycle'));
    expect(screen.getByTestId('order-problem').textContent).toBe('');
    await user.click(screen.getByTestId('see-preview'));
    await screen.findByTestId('order-preview');
    expect(fake.callsTo('order.preview')).toEqual([{ action: 'remove', productId: 'svc-bb-1', effectiveDate: '2025-04-01' }]);
    expect(screen.getByTestId('order-when').textContent).toBe('Your last day of service is 31 March 2025.');
    expect(screen.getByTestId('order-next-with').textContent).toBe('€39.00');
  });

  it('not allowed: the reason in words and no confirm; staff approval: the order is held', async () => {
    const fake = withOrders(withJourneys(new FakeKiosk()));
    fake.respond('order.preview', (input) => ({ ok: true, value: declinedPreview(input as never) }));
    const { user } = await toServices(fake);
    await user.click(screen.getByRole('button', { name: 'Add TV Essentials' }));
    await screen.findByTestId('order-preview');
    expect(screen.getByTestId('order-decision-title').textContent).toBe("This can't be done here");
    expect(plain(screen.getByTestId('order-reasons').textContent)).toBe('A bill has been unpaid for 33 days after its due date.');
    expect(screen.queryByTestId('order-confirm')).toBeNull();
    await user.click(screen.getByTestId('order-something-else'));

    fake.respond('order.preview', (input) => ({ ok: true, value: referredPreview(input as never) }));
    fake.respond('order.submit', (input) => ({ ok: true, value: placedOrder((input as { requestId: string }).requestId, referredPreview((input as { order: never }).order), 'held') }));
    await user.click(await screen.findByRole('button', { name: 'Add TV Essentials' }));
    await screen.findByTestId('order-preview');
    expect(screen.getByTestId('order-decision-title').textContent).toBe('A member of staff needs to approve this');
    expect(plain(screen.getByTestId('order-reasons').textContent)).toBe('Your new monthly charges (€520.00) would be more than your credit limit of €500.00.');
    await user.click(screen.getByRole('button', { name: 'Send for staff approval' }));
    await screen.findByRole('heading', { level: 2, name: 'Your order is waiting for approval' });
    expect(screen.getByTestId('order-result-next-step').textContent).toContain('A member of staff will approve it');
  });

  it('a failed confirm says nothing was placed, focuses the problem, and the retry sends the same id', async () => {
    const fake = withOrders(withJourneys(new FakeKiosk()));
    let fail = true;
    fake.respond('order.submit', (input) => {
      const { requestId, order } = input as { requestId: string; order: never };
      return fail ? failure('INTERNAL', 'Could not reach the kiosk service') : { ok: true, value: placedOrder(requestId, changePreview(order)) };
    });
    const { user } = await toServices(fake);
    await user.click(screen.getByRole('button', { name: 'Add TV Essentials' }));
    await screen.findByTestId('order-preview');
    await user.click(screen.getByTestId('order-confirm'));
    await tick();
    expect(plain(screen.getByTestId('order-problem').textContent)).toBe("Sorry, we couldn't get an answer. Nothing has been placed yet. Please try again, or ask staff.");
    expect(document.activeElement).toBe(screen.getByTestId('order-problem'));
    fail = false;
    await user.click(screen.getByTestId('order-confirm'));
    await screen.findByTestId('order-result');
    expect((fake.callsTo('order.submit') as Array<{ requestId: string }>).map((c) => c.requestId)).toEqual([REQUEST_ID, REQUEST_ID]);
  });

  it('a retry after headquarters decided shows that decision: a failed order shows no new figures, a completed one does', async () => {
    const fake = withOrders(withJourneys(new FakeKiosk()));
    let state: 'failed' | 'completed' = 'failed';
    fake.respond('order.submit', (input) => {
      const { requestId, order } = input as { requestId: string; order: never };
      return { ok: true, value: placedOrder(requestId, changePreview(order), state) };
    });
    const { user } = await toServices(fake);
    await user.click(screen.getByRole('button', { name: 'Add TV Essentials' }));
    await screen.findByTestId('order-preview');
    await user.click(screen.getByTestId('order-confirm'));
    await screen.findByRole('heading', { level: 2, name: 'Your order could not go ahead' });
    expect(screen.getByTestId('order-result').classList.contains('stopped')).toBe(true);
    expect(screen.queryByTestId('order-result-monthly')).toBeNull();
    expect(screen.queryByTestId('order-result-next')).toBeNull();
    expect(screen.getByTestId('order-result-next-step').textContent).toBe('Nothing was changed and nothing will be charged. To find out why, press Call staff.');

    state = 'completed';
    await user.click(screen.getByTestId('order-again'));
    await user.click(await screen.findByRole('button', { name: 'Add TV Essentials' }));
    await screen.findByTestId('order-preview');
    await user.click(screen.getByTestId('order-confirm'));
    await screen.findByRole('heading', { level: 2, name: 'Your order is done' });
    expect(screen.getByTestId('order-result').classList.contains('stopped')).toBe(false);
    expect(plain(screen.getByTestId('order-result-monthly').textContent)).toMatch(/ a month$/);
  });

  it('a failed load offers a retry', async () => {
    const fake = withOrders(withJourneys(new FakeKiosk()));
    fake.respond('services.catalog', () => failure('INTERNAL', 'boom'));
    const { user } = await toOverview(fake);
    await user.click(screen.getByTestId('go-services'));
    const error = await screen.findByTestId('services-error');
    expect(plain(error.textContent)).toContain("We couldn't load your services just now.");
    fake.respond('services.catalog', () => ({ ok: true, value: servicesCatalog }));
    await user.click(within(error).getByRole('button', { name: 'Try again' }));
    await screen.findByTestId('my-services');
  });
});

describe('offers screen', () => {
  it('lists offers with the saving; accept shows the preview then the placed order', async () => {
    const { user, fake } = await toOverview();
    await user.click(screen.getByTestId('go-offers'));
    const cards = await screen.findAllByTestId('offer');
    expect(cards.map((c) => c.dataset['offer'])).toEqual(offerList.map((o) => o.id));
    expect(plain(within(cards[0]!).getByTestId('offer-title').textContent)).toBe('Switch Mobile +353 871 234 567 to Mobile 50 GB');
    expect(within(cards[0]!).getByTestId('offer-saving').textContent).toBe('Save €24.49 a month');
    expect(plain(within(cards[0]!).getByTestId('offer-current').textContent)).toBe('€140.62 a month');
    expect(plain(within(cards[0]!).getByTestId('offer-new').textContent)).toBe('€116.13 a month');
    expect(within(cards[0]!).getByTestId('offer-gives').textContent).toContain('More data');
    expect(plain(within(cards[0]!).getByTestId('offer-why').textContent)).toBe('Your usage on your last 3 bills would have cost less on it.');
    expect(plain(cards[0]!.textContent)).toContain('12-month minimum term');
    expect(plain(within(cards[1]!).getByTestId('offer-title').textContent)).toBe('Add TV Essentials with the Fibre + Mobile + TV discount');
    expect(within(cards[1]!).getByTestId('offer-saving').textContent).toBe('€12.95 more a month');
    expect(plain(cards[1]!.textContent)).toContain('List price €15.99 a month');

    await user.click(within(cards[0]!).getByRole('button', { name: 'See the offer: Switch Mobile +353 871 234 567 to Mobile 50 GB' }));
    const heading = await screen.findByRole('heading', { level: 2, name: 'Switch Mobile +353 871 234 567 to Mobile 50 GB' });
    await screen.findByTestId('order-preview');
    await tick();
    expect(document.activeElement).toBe(screen.getByRole('heading', { level: 2, name: 'Switch Mobile +353 871 234 567 to Mobile 50 GB' }));
    expect(heading).toBeTruthy();
    expect(screen.getByTestId('order-monthly-after').textContent).toBe('€107.68');
    await user.click(screen.getByRole('button', { name: 'Accept this offer' }));
    await screen.findByTestId('order-result');
    expect(fake.callsTo('offers.accept')).toEqual([{ requestId: REQUEST_ID, offerId: offerList[0]!.id }]);
    await user.click(screen.getByTestId('offers-back'));
    const ordered = await screen.findByTestId('offer-ordered');
    expect(ordered.closest('[data-testid="offer"]')?.getAttribute('data-offer')).toBe(offerList[0]!.id);
  });

  it('no offers: says the plans already fit', async () => {
    const fake = withOrders(withJourneys(new FakeKiosk()));
    fake.respond('offers.list', () => ({ ok: true, value: { offers: [] } }));
    const { user } = await toOverview(fake);
    await user.click(screen.getByTestId('go-offers'));
    expect(plain((await screen.findByTestId('offers-empty')).textContent)).toBe('No offers right now: your plans already fit how you use them.');
  });

  it('in Arabic, right to left, amounts through Intl', async () => {
    const { user } = await toOverview();
    await user.click(screen.getByTestId('switch-ar'));
    await user.click(screen.getByTestId('go-offers'));
    const cards = await screen.findAllByTestId('offer');
    expect(document.documentElement.dir).toBe('rtl');
    expect(plain(within(cards[0]!).getByTestId('offer-saving').textContent)).toBe(plain(`وفّر ${new Translator('ar').money({ amountMinor: 2449, currency: 'EUR' })} شهريًا`));
    expect(plain(cards[0]!.textContent)).not.toContain('Switch');
  });
});

describe('order text', () => {
  const en = new Translator('en');
  const es = new Translator('es');
  const ar = new Translator('ar');

  it('says reasons from their codes in each language, falling back to the core’s English', () => {
    const commitment = { code: 'IN_COMMITMENT', text: 'Fibre 1 Gb has a 12-month commitment that has not ended; staff can help.', params: {} };
    expect(orderReasonText(commitment, 'remove', 'EUR', en)).toBe('This plan has a minimum term that has not ended, so it cannot be removed here. Staff can help.');
    expect(orderReasonText(commitment, 'change', 'EUR', en)).toContain('it can move to a dearer plan');
    const over = { code: 'EXCEEDS_CREDIT_LIMIT', text: 'over', params: { exposureMinor: 24036, firstBillMinor: 2813, creditLimitMinor: 25000, headroomMinor: -1849 } };
    expect(orderReasonText(over, 'add', 'EUR', en)).toBe('What you owe and have committed (€240.36) plus the first bill for this (€28.13) is over your credit limit of €250.00.');
    expect(plain(orderReasonText(over, 'add', 'EUR', es))).toBe('Lo que debes y tienes comprometido (240,36 €) más la primera factura de esto (28,13 €) supera tu límite de crédito de 250,00 €.');
    expect(orderReasonText({ code: 'SOMETHING_NEW', text: 'The core says so.', params: {} }, 'add', 'EUR', en)).toBe('The core says so.');
    expect(orderReasonText({ code: 'OVERDUE_OVER_30_DAYS', text: 'x', params: {} }, 'add', 'EUR', en)).toBe('x');
  });

  it('names services and orders', () => {
    expect(serviceLabel(accountOverview.services[0]!, en)).toBe('Mobile +353 871 234 567');
    expect(serviceLabel(accountOverview.services[1]!, en)).toBe('Fibre 500');
    expect(orderTitle({ action: 'suspend', service: 'Mobile +353 871 234 567' }, en)).toBe('Pause Mobile +353 871 234 567');
    expect(orderTitle({ action: 'remove', service: 'Fibre 500' }, es)).toBe('Dar de baja Fibre 500');
    expect(plain(orderTitle({ action: 'add', offering: 'TV Essentials' }, ar))).toBe('إضافة TV Essentials');
    expect(offeringFacts(servicesCatalog.offerings[1]!, en)).toEqual(['50 GB of data', 'Unlimited calls', 'Unlimited texts']);
    expect(offeringFacts(servicesCatalog.offerings[0]!, es)).toEqual(['20 GB de datos', 'Llamadas ilimitadas', '100 SMS']);
    expect(offerTitle({ ...offerList[0]!, params: {} }, en)).toBe(`Switch to ${offerList[0]!.toOfferingId}`);
  });
});
