import { describe, expect, it, vi } from 'vitest';
import { AppState } from '../../renderer/src/lib/state/app.svelte.ts';
import { BillJourney } from '../../renderer/src/lib/state/bill.svelte.ts';
import { cleanAmount, CreditJourney, MAX_LIMIT_MINOR } from '../../renderer/src/lib/state/credit.svelte.ts';
import { StaffCall } from '../../renderer/src/lib/state/staff-call.svelte.ts';
import { meteredServices, UsageJourney } from '../../renderer/src/lib/state/usage.svelte.ts';
import { meterSeries } from '../../renderer/src/lib/usage-series.ts';
import {
  accountOverview,
  ACCOUNT_NO,
  billSummaries,
  billView,
  creditStatus,
  eur,
  FakeKiosk,
  failure,
  firstBillView,
  GOOD_PIN,
  settle,
  usageDaily,
  withJourneys,
} from './fixtures.ts';

function journeyFake(): FakeKiosk {
  return withJourneys(new FakeKiosk());
}

const options = () => ({ onSignedOut: vi.fn() });

describe('BillJourney', () => {
  it('opens on the newest bill with the history beside it', async () => {
    const fake = journeyFake();
    const bill = new BillJourney(fake.api, options());
    expect(bill.load).toBe('idle');
    const opening = bill.open();
    expect(bill.load).toBe('loading');
    await opening;
    expect(bill.load).toBe('ready');
    expect(bill.view).toEqual(billView);
    expect(bill.selected).toBe('INV-2025-000124');
    expect(bill.history).toEqual(billSummaries);
    expect(bill.historyLoad).toBe('ready');
    expect(fake.callsTo('bill.get')).toEqual([{}]);
    expect(bill.focusRequest).toBeNull(); // arriving on the screen: the heading has focus, not the bill
  });

  it('shows a chosen bill and asks the view to move focus to it', async () => {
    const fake = journeyFake();
    const bill = new BillJourney(fake.api, options());
    await bill.open();
    await bill.select('INV-2025-000122');
    expect(bill.view).toEqual(firstBillView);
    expect(bill.selected).toBe('INV-2025-000122');
    expect(bill.focusRequest).toEqual({ target: 'bill', seq: 1 });
    expect(fake.callsTo('bill.get')).toEqual([{}, { billNo: 'INV-2025-000122' }]);
    await bill.select('INV-2025-000122'); // already shown: no second call
    expect(fake.callsTo('bill.get')).toHaveLength(2);
    expect(bill.focusRequest).toEqual({ target: 'bill', seq: 2 });
  });

  it('keeps the last choice when answers arrive out of order', async () => {
    const fake = journeyFake();
    const bill = new BillJourney(fake.api, options());
    await bill.open();
    const slow = new Promise<void>((resolve) => setTimeout(resolve, 20));
    fake.respond('bill.get', async (input) => {
      const billNo = (input as { billNo: string }).billNo;
      if (billNo === 'INV-2025-000123') await slow;
      return { ok: true, value: billNo === 'INV-2025-000122' ? firstBillView : billView };
    });
    const first = bill.select('INV-2025-000123');
    const second = bill.select('INV-2025-000122');
    await Promise.all([first, second]);
    expect(bill.view?.bill.billNo).toBe('INV-2025-000122');
  });

  it('no bill yet is empty, not an error; a failure can be retried', async () => {
    const fake = journeyFake();
    fake.respond('bill.get', () => failure('NOT_FOUND', 'There is no bill on this account yet.'));
    fake.respond('bill.history', () => ({ ok: true, value: { bills: [] } }));
    const empty = new BillJourney(fake.api, options());
    await empty.open();
    expect(empty.load).toBe('empty');
    expect(empty.historyLoad).toBe('empty');

    const flaky = journeyFake();
    let fail = true;
    flaky.respond('bill.get', () => (fail ? failure('INTERNAL', 'Could not reach the kiosk service') : { ok: true, value: billView }));
    flaky.respond('bill.history', () => (fail ? failure('INTERNAL', 'down') : { ok: true, value: { bills: billSummaries } }));
    const bill = new BillJourney(flaky.api, options());
    await bill.open();
    expect([bill.load, bill.historyLoad]).toEqual(['error', 'error']);
    fail = false;
    await bill.retry();
    expect([bill.load, bill.historyLoad]).toEqual(['ready', 'ready']);
  });

  it('a session that is gone ends the app', async () => {
    const fake = journeyFake();
    fake.respond('bill.get', () => failure('NOT_SIGNED_IN', 'no session'));
    const opts = options();
    await new BillJourney(fake.api, opts).open();
    expect(opts.onSignedOut).toHaveBeenCalled();
  });
});

describe('UsageJourney', () => {
  it('offers only services with meters and opens on the first', async () => {
    expect(meteredServices(accountOverview.services).map((s) => s.id)).toEqual(['svc-mobile-1', 'svc-bb-1']);
    const fake = journeyFake();
    const usage = new UsageJourney(fake.api, accountOverview.services, options());
    await usage.open();
    expect(usage.selected).toBe('svc-mobile-1');
    expect(usage.load).toBe('ready');
    expect(usage.daily).toEqual(usageDaily);
    await usage.select('svc-bb-1');
    expect(usage.load).toBe('empty'); // a service with no meters to show
    expect(fake.callsTo('usage.daily')).toEqual([{ productId: 'svc-mobile-1' }, { productId: 'svc-bb-1' }]);
  });

  it('opens on the service asked for; nothing to load when no service has meters', async () => {
    const usage = new UsageJourney(journeyFake().api, accountOverview.services, options());
    await usage.open('svc-bb-1');
    expect(usage.selected).toBe('svc-bb-1');
    const none = new UsageJourney(journeyFake().api, [], options());
    await none.open();
    expect(none.load).toBe('empty');
    expect(none.selected).toBeNull();
  });

  it('says when usage cannot be loaded, and retries the same service', async () => {
    const fake = journeyFake();
    let fail = true;
    fake.respond('usage.daily', () => (fail ? failure('INTERNAL', 'down') : { ok: true, value: usageDaily }));
    const usage = new UsageJourney(fake.api, accountOverview.services, options());
    await usage.open();
    expect(usage.load).toBe('error');
    fail = false;
    await usage.retry();
    expect(usage.load).toBe('ready');
  });
});

describe('meterSeries', () => {
  it('lays the days over the whole cycle with running totals, and what is left or over', () => {
    const data = meterSeries(usageDaily.meters[0]!, usageDaily.cycle);
    expect(data.cycleDays).toBe(31);
    expect(data.dates).toHaveLength(31);
    expect(data.daily.slice(0, 4)).toEqual([1000, 1277, 0, null]);
    expect(data.cumulative.slice(0, 4)).toEqual([1000, 2277, 2277, null]);
    expect(data.rows).toEqual([
      { date: '2025-03-01', used: 1000, total: 1000 },
      { date: '2025-03-02', used: 1277, total: 2277 },
      { date: '2025-03-03', used: 0, total: 2277 },
    ]);
    expect([data.total, data.left, data.over]).toEqual([2277, 0, 229]);
    const voice = meterSeries(usageDaily.meters[1]!, usageDaily.cycle);
    expect([voice.total, voice.left, voice.over]).toEqual([15.5, null, null]);
  });

  it('adds tenths without floating-point crumbs', () => {
    const meter = { type: 'data' as const, unit: 'MB' as const, allowance: 0, days: [0.1, 0.2, 0.4].map((used, i) => ({ date: `2025-03-0${i + 1}`, used })) };
    expect(meterSeries(meter, usageDaily.cycle).total).toBe(0.7);
  });
});

describe('CreditJourney', () => {
  async function ready(fake = journeyFake(), ids: string[] = ['id-1', 'id-2', 'id-3']) {
    const queue = [...ids];
    const credit = new CreditJourney(fake.api, { ...options(), newId: () => queue.shift() ?? 'id-x' });
    await credit.open();
    return { credit, fake };
  }

  it('loads the limit, what is used and what is available', async () => {
    const { credit } = await ready();
    expect(credit.load).toBe('ready');
    expect(credit.status).toEqual(creditStatus);
    expect(credit.currency).toBe('EUR');
  });

  it('types whole amounts with the keypad and keeps them clean', async () => {
    const { credit } = await ready();
    expect(cleanAmount('0012a3')).toBe('123');
    credit.press('5');
    credit.press('5');
    credit.press('0');
    credit.press('x');
    expect(credit.amount).toBe('550');
    expect(credit.requestedMinor).toBe(55000);
    credit.backspace();
    expect(credit.amount).toBe('55');
    credit.clear();
    expect(credit.requestedMinor).toBeNull();
    credit.setAmount('123456789');
    expect(credit.amount).toBe('1234567');
  });

  it('checks before asking: empty, not above the current limit, too large', async () => {
    const { credit, fake } = await ready();
    await credit.submit();
    expect(credit.problem).toEqual({ kind: 'empty' });
    expect(credit.focusRequest?.target).toBe('amount');
    credit.setAmount('500');
    await credit.submit();
    expect(credit.problem).toEqual({ kind: 'notAbove', currentLimitMinor: 50000 });
    credit.setAmount(String(MAX_LIMIT_MINOR / 100 + 1));
    await credit.submit();
    expect(credit.problem).toEqual({ kind: 'tooLarge', maxMinor: 10_000_000 });
    expect(MAX_LIMIT_MINOR).toBe(10_000_000);
    expect(fake.callsTo('credit.request')).toHaveLength(0);
  });

  it('asks the core once, shows the decision, moves focus to it and refreshes the figures', async () => {
    const fake = journeyFake();
    let statusCalls = 0;
    fake.respond('credit.status', () => ({ ok: true, value: statusCalls++ === 0 ? creditStatus : { ...creditStatus, creditLimit: eur(55000), available: eur(40075) } }));
    const { credit } = await ready(fake);
    credit.setAmount('550');
    await credit.submit();
    expect(fake.callsTo('credit.request')).toEqual([{ requestId: 'id-1', requestedLimitMinor: 55000 }]);
    expect(credit.decision?.decision).toBe('approve');
    expect(credit.problem).toBeNull();
    expect(credit.focusRequest?.target).toBe('decision');
    expect(credit.status?.creditLimit.amountMinor).toBe(55000);
    credit.again();
    expect([credit.decision, credit.amount, credit.focusRequest?.target]).toEqual([null, '', 'amount']);
    credit.setAmount('600');
    await credit.submit();
    expect(fake.callsTo('credit.request')).toEqual([
      { requestId: 'id-1', requestedLimitMinor: 55000 },
      { requestId: 'id-2', requestedLimitMinor: 60000 },
    ]);
  });

  it('a retry after a failed call sends the same request id; a new amount gets a new id', async () => {
    const fake = journeyFake();
    let fail = true;
    fake.respond('credit.request', (input) => (fail ? failure('INTERNAL', 'Could not reach the kiosk service') : { ok: true, value: { ...creditStatusDecision(input) } }));
    const { credit } = await ready(fake);
    credit.setAmount('600');
    await credit.submit();
    expect(credit.problem).toEqual({ kind: 'failed' });
    await credit.submit();
    credit.setAmount('650');
    await credit.submit();
    fail = false;
    await credit.submit();
    expect(fake.callsTo('credit.request').map((c) => (c as { requestId: string }).requestId)).toEqual(['id-1', 'id-1', 'id-2', 'id-2']);
    expect(credit.decision?.requestId).toBe('id-2');
  });

  it('shows the core’s VALIDATION answers in its own words', async () => {
    const fake = journeyFake();
    fake.respond('credit.request', () => failure('VALIDATION', 'Ask for more than your current limit of €600.00.', { currentLimitMinor: 60000 }));
    const { credit } = await ready(fake);
    credit.setAmount('600');
    await credit.submit();
    expect(credit.problem).toEqual({ kind: 'notAbove', currentLimitMinor: 60000 });
    fake.respond('credit.request', () => failure('VALIDATION', 'Whole amounts only'));
    await credit.submit();
    expect(credit.problem).toEqual({ kind: 'invalid' });
  });
});

function creditStatusDecision(input: unknown) {
  const { requestId, requestedLimitMinor } = input as { requestId: string; requestedLimitMinor: number };
  return { requestId, decision: 'approve' as const, creditLimit: eur(requestedLimitMinor), referred: null, reasons: [] };
}

describe('StaffCall', () => {
  it('calls staff with the screen, then remembers the call for a while', async () => {
    const fake = journeyFake();
    let now = 0;
    const staff = new StaffCall(fake.api, { now: () => now, rememberMs: 60_000 });
    const calling = staff.call('bill');
    expect([staff.open, staff.state]).toEqual([true, 'calling']);
    await calling;
    expect(staff.state).toBe('called');
    expect(staff.called).toEqual({ requestId: 'help-1', position: 3 });
    staff.close();
    expect(staff.open).toBe(false);
    now = 30_000;
    await staff.call('overview');
    expect(fake.callsTo('help.call')).toEqual([{ screen: 'bill' }]);
    now = 90_000;
    staff.close();
    await staff.call('overview');
    expect(fake.callsTo('help.call')).toEqual([{ screen: 'bill' }, { screen: 'overview' }]);
  });

  it('says when the call failed, and retries', async () => {
    const fake = journeyFake();
    fake.respond('help.call', () => failure('INTERNAL', 'down'));
    const staff = new StaffCall(fake.api);
    await staff.call('attract');
    expect(staff.state).toBe('error');
    fake.respond('help.call', () => ({ ok: true, value: { requestId: 'h', position: 1 } }));
    await staff.retry();
    expect(staff.state).toBe('called');
    expect(fake.callsTo('help.call')).toEqual([{ screen: 'attract' }, { screen: 'attract' }]);
  });
});

describe('AppState journeys', () => {
  async function signedIn(fake = journeyFake()) {
    const wipe = vi.fn(async () => {});
    const app = new AppState(fake.api, { wipe, newId: () => 'id-1' });
    await app.init();
    app.start();
    app.journeyOn('signIn')!.setIdentifier(ACCOUNT_NO);
    app.journeyOn('signIn')!.setPin(GOOD_PIN);
    await app.journeyOn('signIn')!.submit();
    await settle();
    return { app, fake, wipe };
  }

  it('goes overview → bill, usage, credit and back, reloading the overview on the way back', async () => {
    const { app, fake } = await signedIn();
    app.open('bill');
    expect(app.screen).toBe('bill');
    await settle();
    expect(app.journeyOn('bill')?.view?.bill.billNo).toBe('INV-2025-000124');
    app.backToAccount();
    expect([app.screen, app.journeyOn('bill')]).toEqual(['overview', null]);
    await settle();
    expect(fake.callsTo('account.overview')).toHaveLength(2);

    await app.open('usage');
    expect(app.screen).toBe('usage');
    expect(app.journeyOn('usage')?.selected).toBe('svc-mobile-1');
    app.backToAccount();
    app.open('credit');
    expect(app.screen).toBe('credit');
    await settle();
    expect(app.journeyOn('credit')?.status).toEqual(creditStatus);
  });

  it('journeys are for signed-in customers only', async () => {
    const app = new AppState(journeyFake().api, { wipe: vi.fn() });
    app.open('bill');
    app.open('credit');
    await app.open('usage');
    expect(app.screen).toBe('attract');
    expect([app.journeyOn('bill'), app.journeyOn('usage'), app.journeyOn('credit')]).toEqual([null, null, null]);
  });

  it('the end of the session drops every journey and the staff call', async () => {
    const { app, wipe } = await signedIn();
    app.open('bill');
    await app.callStaff();
    expect(app.staff.open).toBe(true);
    await app.end();
    expect([app.screen, app.journeyOn('bill'), app.staff.open, app.staff.called]).toEqual(['ending', null, false, null]);
    expect(wipe).toHaveBeenCalledTimes(1);
  });

  it('a journey finding the session gone wipes the app', async () => {
    const fake = journeyFake();
    const { app, wipe } = await signedIn(fake);
    fake.respond('credit.status', () => failure('NOT_SIGNED_IN', 'gone'));
    app.open('credit');
    await settle();
    expect(wipe).toHaveBeenCalledTimes(1);
    expect(app.screen).toBe('ending');
  });

  it('calls staff with the name of the screen the customer is on, signed in or not', async () => {
    const fake = journeyFake();
    const app = new AppState(fake.api, { wipe: vi.fn(), staffCallMemoryMs: 0 });
    await app.callStaff();
    app.staff.close();
    app.start();
    await app.callStaff();
    expect(fake.callsTo('help.call')).toEqual([{ screen: 'attract' }, { screen: 'signIn' }]);
  });
});
