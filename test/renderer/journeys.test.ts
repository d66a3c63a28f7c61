import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { tick } from 'svelte';
import { describe, expect, it, vi } from 'vitest';
import App from '../../renderer/src/App.svelte';
import type { UsageChartInput } from '../../renderer/src/lib/chart.ts';
import { ACCOUNT_NO, approved, creditStatus, eur, FakeKiosk, failure, GOOD_PIN, settle, withJourneys } from './fixtures.ts';

// jsdom has no canvas: the chart module is replaced by a recorder. The real chart runs in the end-to-end tests.
const charts = vi.hoisted(() => ({ drawn: [] as Array<{ input: UsageChartInput; destroyed: boolean }> }));
vi.mock('../../renderer/src/lib/chart.ts', () => ({
  drawUsageChart: (_canvas: HTMLCanvasElement, input: UsageChartInput) => {
    const entry = { input, destroyed: false };
    charts.drawn.push(entry);
    return { destroy: () => void (entry.destroyed = true) };
  },
}));

const plain = (text: string | null | undefined): string => (text ?? '').replace(/[\u2066-\u2069]/g, '').replace(/[\u00a0\u202f\u2009]/g, ' ').trim();

async function toOverview(fake = withJourneys(new FakeKiosk())) {
  const wipe = vi.fn(async () => {});
  const user = userEvent.setup();
  render(App, { props: { api: fake.api, wipe, options: { signInTimeoutMs: 600_000, newId: () => '00000000-0000-4000-8000-0000000000aa' } } });
  await screen.findByTestId('attract');
  await user.click(screen.getByTestId('start'));
  await user.click(await screen.findByTestId('identifier'));
  await user.keyboard(`${ACCOUNT_NO}{Enter}${GOOD_PIN}{Enter}`);
  await screen.findByTestId('total-due');
  return { fake, wipe, user };
}

describe('overview tiles', () => {
  it('lead to every journey; each has its heading focused and a way back', async () => {
    const { user } = await toOverview();
    const nav = screen.getByRole('navigation', { name: 'What would you like to do?' });
    expect(within(nav).getAllByRole('button').map((b) => b.dataset['testid'])).toEqual(['go-pay', 'go-bill', 'go-usage', 'go-services', 'go-offers', 'go-credit']);
    for (const [tile, title] of [
      ['go-pay', 'Pay'],
      ['go-bill', 'Your bill'],
      ['go-usage', 'Usage this cycle'],
      ['go-credit', 'Credit limit'],
    ] as const) {
      await user.click(screen.getByTestId(tile));
      const h1 = await screen.findByRole('heading', { level: 1, name: title });
      expect(document.activeElement).toBe(h1);
      await user.click(screen.getByRole('button', { name: 'Back to account' }));
      await screen.findByTestId('overview');
      expect(document.activeElement).toBe(screen.getByRole('heading', { level: 1 }));
    }
  });
});

describe('bill screen', () => {
  it('shows a section per service, account items, taxes, totals, what changed and the history', async () => {
    const { user } = await toOverview();
    await user.click(screen.getByTestId('go-bill'));
    const detail = await screen.findByTestId('bill-detail');
    expect(within(detail).getByRole('heading', { level: 2, name: 'Bill INV-2025-000124' })).toBeTruthy();
    expect(screen.getByTestId('bill-amount-due').textContent).toBe('€141.57');
    expect(screen.getByTestId('bill-remaining').textContent).toBe('€99.07 left to pay');
    expect(screen.getByTestId('bill-state').textContent).toBe('Not paid yet');
    expect(screen.getByTestId('bill-due-date').textContent).toBe('15 March 2025');

    const sections = screen.getAllByTestId('bill-section');
    expect(sections.map((s) => s.dataset['kind'])).toEqual(['mobile', 'broadband']);
    expect(within(sections[0]!).getByRole('heading', { level: 3 }).textContent?.replace(/\s+/g, ' ').trim()).toBe('Mobile +353 871 234 567');
    expect(within(sections[0]!).getByText('Mobile 20 GB', { selector: '.plan' })).toBeTruthy();
    const mobileLines = within(sections[0]!).getAllByTestId('bill-line').map((l) => l.textContent?.replace(/\s+/g, ' ').trim());
    expect(mobileLines).toEqual(['Mobile 20 GB, monthly fee 1 – 31 Mar 2025 €20.00', 'Data over allowance: 512 MB €10.24', 'International calls: 12.5 mins €5.00']);
    expect(within(sections[1]!).getByText('Fibre 300: refund for 10 unused days').closest('li')?.querySelector('.money')?.textContent).toBe('−€15.00');

    const account = screen.getByTestId('bill-account-items');
    expect(within(account).getByText('Bundle discount: Fibre + Mobile discount').closest('li')?.querySelector('.money')?.textContent).toBe('−€5.00');
    const taxes = within(screen.getByTestId('bill-taxes')).getAllByTestId('tax-item').map((t) => t.textContent?.replace(/\s+/g, ' ').trim());
    expect(taxes).toEqual(['Not subject to VAT on €5.00 €0.00', 'VAT 21% on €77.74 €16.33']);
    expect(screen.getByTestId('total-tax-excluded').textContent).toBe('€82.74');
    expect(screen.getByTestId('total-tax').textContent).toBe('€16.33');
    expect(screen.getByTestId('total-tax-included').textContent).toBe('€99.07');
    expect(screen.getByTestId('total-balance-forward').textContent).toBe('€42.50');
    expect(screen.getByTestId('total-amount-due').textContent).toBe('€141.57');

    expect(screen.getByTestId('changes-summary').textContent?.trim()).toBe('This bill is €19.07 more than your last one.');
    const changes = screen.getAllByTestId('change-item');
    expect(changes.map((c) => c.querySelector('.change-sentence')?.textContent)).toEqual([
      'Data over the allowance: €10.24 more.',
      'Charges for part of a month: €5.00 more.',
      'Late payment fee: €5.00 more.',
      'International calls: €2.00 less.',
      'Tax: €0.83 more.',
    ]);

    const history = screen.getAllByTestId('history-item');
    expect(history.map((h) => h.textContent?.replace(/\s+/g, ' ').trim())).toEqual([
      'March 2025 €99.07 Showing',
      'February 2025 €80.00 Partly paid',
      'January 2025 €75.00 Paid',
    ]);
    expect(history[0]!.getAttribute('aria-current')).toBe('true');
  });

  it('prints the summary of the bill shown, in the language on screen, and offers to pay what is left', async () => {
    const { user, fake } = await toOverview();
    fake.respond('bill.print', () => ({ ok: true, value: { printed: true } }));
    await user.click(screen.getByTestId('go-bill'));
    await screen.findByTestId('bill-detail');
    expect(screen.getByTestId('bill-pay').textContent?.trim()).toBe('Pay €99.07');
    await user.click(screen.getByTestId('bill-print'));
    await screen.findByText('Printed: take it from the slot below the screen.');
    expect(fake.callsTo('bill.print')).toEqual([{ billNo: 'INV-2025-000124', language: 'en' }]);
    fake.respond('bill.print', () => failure('DEVICE', 'paper out'));
    await user.click(screen.getByTestId('bill-print'));
    await screen.findByText("The printer couldn't print it. Please ask staff.");
    // A settled bill has nothing to pay.
    await user.click(screen.getAllByTestId('history-item')[2]!);
    await screen.findByRole('heading', { level: 2, name: 'Bill INV-2025-000122' });
    expect(screen.queryByTestId('bill-pay')).toBeNull();
  });

  it('choosing an older bill shows it, focuses it and says there is nothing to compare a first bill with', async () => {
    const { user, fake } = await toOverview();
    await user.click(screen.getByTestId('go-bill'));
    await screen.findByTestId('bill-detail');
    await user.click(screen.getAllByTestId('history-item')[2]!);
    await screen.findByRole('heading', { level: 2, name: 'Bill INV-2025-000122' });
    await tick();
    expect(document.activeElement).toBe(screen.getByRole('heading', { level: 2, name: 'Bill INV-2025-000122' }));
    expect(screen.getByTestId('changes-first').textContent).toBe('This is your first bill, so there is nothing to compare it with yet.');
    expect(screen.getAllByTestId('history-item')[2]!.getAttribute('aria-current')).toBe('true');
    expect(fake.callsTo('bill.get')).toEqual([{}, { billNo: 'INV-2025-000122' }]);
  });

  it('says so when there is no bill yet, and offers a retry when loading fails', async () => {
    const fake = withJourneys(new FakeKiosk());
    fake.respond('bill.get', () => failure('NOT_FOUND', 'none'));
    const { user } = await toOverview(fake);
    await user.click(screen.getByTestId('go-bill'));
    expect((await screen.findByTestId('bill-empty')).textContent?.trim()).toBe("You haven't had a bill yet. Your first bill will show here.");

    await user.click(screen.getByTestId('back-to-account'));
    fake.respond('bill.get', () => failure('INTERNAL', 'down'));
    await user.click(await screen.findByTestId('go-bill'));
    const error = await screen.findByTestId('bill-error');
    withJourneys(fake);
    await user.click(within(error).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByTestId('bill-detail')).toBeTruthy();
  });

  it('switching language keeps the bill on screen and says it again in Spanish', async () => {
    const { user } = await toOverview();
    await user.click(screen.getByTestId('go-bill'));
    await screen.findByTestId('bill-detail');
    await user.click(screen.getAllByTestId('history-item')[2]!);
    await screen.findByRole('heading', { level: 2, name: 'Bill INV-2025-000122' });
    await user.click(screen.getByTestId('switch-es'));
    expect(document.documentElement.lang).toBe('es');
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Tu factura');
    expect(screen.getByRole('heading', { level: 2, name: 'Factura INV-2025-000122' })).toBeTruthy();
    expect(plain(screen.getByTestId('total-tax-included').textContent)).toBe('99,07 €');
    expect(screen.getByTestId('switch-es').getAttribute('aria-pressed')).toBe('true');
  });
});

describe('usage screen', () => {
  it('lists the metered services, draws a chart per meter and gives its figures as a table', async () => {
    charts.drawn.length = 0;
    const { user, fake } = await toOverview();
    await user.click(screen.getByTestId('go-usage'));
    await screen.findByTestId('usage-meters');
    const services = screen.getAllByTestId('usage-service');
    expect(services.map((s) => s.dataset['product'])).toEqual(['svc-mobile-1', 'svc-bb-1']);
    expect(services[0]!.getAttribute('aria-pressed')).toBe('true');
    expect(plain(screen.getByTestId('usage-cycle').textContent)).toBe('Cycle 1 – 31 Mar 2025: day 3 of 31');

    const meters = screen.getAllByTestId('usage-meter');
    expect(meters.map((m) => m.dataset['type'])).toEqual(['data', 'voice', 'sms']);
    expect(meters.map((m) => within(m).getByTestId('meter-headline').textContent)).toEqual(['2.2 GB of 2 GB', '16 mins used', '3 texts, paid per use']);
    expect(within(meters[0]!).getByTestId('meter-note').textContent).toBe('Over the allowance by 229 MB. Extra use is charged on your next bill.');
    expect(within(meters[1]!).getByTestId('meter-note').textContent).toBe('No limit on this plan.');

    // The chart: one per meter, the allowance line only where there is an allowance, GB on the axis.
    const data = charts.drawn.find((c) => !c.destroyed && c.input.allowance !== null)!;
    expect(data.input.labels).toHaveLength(31);
    expect(data.input.labels[0]).toBe('1 Mar');
    expect(data.input.allowance).toBe(2);
    expect(data.input.cumulative.slice(0, 4)).toEqual([1000 / 1024, 2277 / 1024, 2277 / 1024, null]);
    expect(data.input.format(2)).toBe('2 GB');
    expect(data.input.rtl).toBe(false);
    expect(charts.drawn.filter((c) => !c.destroyed)).toHaveLength(3);
    const chart = screen.getByTestId('usage-chart-data');
    expect(chart.getAttribute('role')).toBe('img');
    expect(chart.getAttribute('aria-label')).toBe('Chart of Data this cycle: 2.2 GB of 2 GB. The same figures are in the table.');

    // The text alternative: always in the page for screen readers, shown on request.
    const table = screen.getByTestId('usage-table-data');
    expect(table.closest('.visually-hidden')).toBeTruthy();
    const rows = within(table).getAllByRole('row').map((r) => [...r.children].map((c) => c.textContent));
    expect(rows).toEqual([
      ['Date', 'Used that day', 'Used so far'],
      ['1 Mar', '1,000 MB', '1,000 MB'],
      ['2 Mar', '1.25 GB', '2.22 GB'],
      ['3 Mar', '0 MB', '2.22 GB'],
    ]);
    const toggle = screen.getByTestId('toggle-table-data');
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    await user.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect(toggle.textContent?.trim()).toBe('Hide the figures');
    expect(table.closest('.visually-hidden')).toBeNull();

    await user.click(services[1]!);
    expect((await screen.findByTestId('usage-empty')).textContent?.trim()).toBe('This service has no usage limits to show.');
    expect(fake.callsTo('usage.daily')).toEqual([{ productId: 'svc-mobile-1' }, { productId: 'svc-bb-1' }]);
    expect(charts.drawn.every((c) => c.destroyed)).toBe(true);
  });

  it('redraws the chart right to left when the language turns to Arabic', async () => {
    charts.drawn.length = 0;
    const { user } = await toOverview();
    await user.click(screen.getByTestId('go-usage'));
    await screen.findByTestId('usage-meters');
    await user.click(screen.getByTestId('switch-ar'));
    const live = charts.drawn.filter((c) => !c.destroyed);
    expect(live).toHaveLength(3);
    expect(live.every((c) => c.input.rtl && c.input.locale === 'ar')).toBe(true);
    expect(screen.getByTestId('usage-screen')).toBeTruthy();
  });
});

describe('credit limit screen', () => {
  it('shows limit, used and available; the keypad types the amount; the decision comes with its reasons', async () => {
    const { user, fake } = await toOverview();
    await user.click(screen.getByTestId('go-credit'));
    await screen.findByTestId('credit-status');
    expect(screen.getByTestId('credit-status-limit').textContent).toBe('€500.00');
    expect(screen.getByTestId('credit-status-used').textContent).toBe('€149.25');
    expect(screen.getByTestId('credit-status-available').textContent).toBe('€350.75');
    expect(screen.getByTestId('credit-offline').textContent).toBe('This kiosk can raise your limit by up to €100.00 straight away. Staff look at anything more.');
    expect(screen.queryByTestId('credit-pending')).toBeNull();
    const input = screen.getByLabelText('New credit limit (€)') as HTMLInputElement;

    await user.click(screen.getByTestId('credit-submit'));
    expect(screen.getByTestId('credit-problem').textContent?.trim()).toBe('Enter the limit you would like.');
    expect(document.activeElement).toBe(input);
    expect(input.getAttribute('aria-invalid')).toBe('true');
    for (const d of '400') await user.click(screen.getByRole('button', { name: d }));
    expect(input.value).toBe('400');
    await user.click(screen.getByTestId('credit-submit'));
    expect(screen.getByTestId('credit-problem').textContent?.trim()).toBe('Ask for more than your current limit of €500.00.');
    await user.click(screen.getByRole('button', { name: 'Clear' }));
    for (const d of '550') await user.click(screen.getByRole('button', { name: d }));
    expect(screen.getByTestId('credit-preview').textContent?.trim()).toBe('You are asking for a limit of €550.00.');
    expect(fake.callsTo('credit.request')).toHaveLength(0);

    await user.click(screen.getByTestId('credit-submit'));
    const decision = await screen.findByTestId('credit-decision');
    expect(fake.callsTo('credit.request')).toEqual([{ requestId: '00000000-0000-4000-8000-0000000000aa', requestedLimitMinor: 55000 }]);
    const title = within(decision).getByRole('heading', { level: 2 });
    expect(title.textContent).toBe('Your new credit limit is €550.00');
    await tick();
    expect(document.activeElement).toBe(title);
    expect(within(decision).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['Your credit rating (band A) allows a limit of up to €600.00.']);

    await user.click(screen.getByTestId('credit-again'));
    await tick();
    expect(document.activeElement).toBe(screen.getByTestId('credit-amount'));
  });

  it('a referral says how much went to staff and what happens next; a pending request is shown', async () => {
    const fake = withJourneys(new FakeKiosk());
    fake.respond('credit.status', () => ({ ok: true, value: { ...creditStatus, pendingRequest: { requestedLimit: eur(100000), requestedAt: '2025-03-10T10:00:00.000Z' } } }));
    fake.respond('credit.request', () => ({
      ok: true,
      value: { ...approved, decision: 'refer', creditLimit: eur(50000), referred: eur(50000), reasons: [{ code: 'ABOVE_BAND_LIMIT', text: 'English', params: { band: 'C', bandCeilingMinor: 60000 } }] },
    }));
    const { user } = await toOverview(fake);
    await user.click(screen.getByTestId('go-credit'));
    expect((await screen.findByTestId('credit-pending')).textContent?.trim()).toBe('You asked for a limit of €1,000.00 on 10 March 2025. Staff will look at it.');
    await user.type(screen.getByTestId('credit-amount'), '1000{Enter}');
    const decision = await screen.findByTestId('credit-decision');
    expect(decision.dataset['decision']).toBe('refer');
    expect(within(decision).getByRole('heading', { level: 2 }).textContent).toBe('A member of staff will decide');
    expect(screen.getByTestId('decision-limit').textContent).toBe('Your credit limit now: €500.00');
    expect(screen.getByTestId('decision-referred').textContent).toBe('€500.00 of your request has gone to staff. They will look at it and let you know.');
    expect(within(decision).getByText('Your credit rating (band C) allows a limit of up to €600.00; you asked for more.')).toBeTruthy();
    expect(within(decision).getByText(/press Call staff/)).toBeTruthy();
  });

  it('speaks Arabic: reasons by code, amounts through Intl', async () => {
    const fake = withJourneys(new FakeKiosk());
    fake.respond('session.signIn', () => ({ ok: true, value: { customerName: 'Salma', language: 'ar', idle: { timeoutSeconds: 120, warningSeconds: 30 } } }));
    const { user } = await toOverview(fake);
    await user.click(screen.getByTestId('go-credit'));
    await screen.findByTestId('credit-status');
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('حد الائتمان');
    await user.type(screen.getByTestId('credit-amount'), '550{Enter}');
    const decision = await screen.findByTestId('credit-decision');
    expect(plain(within(decision).getByRole('listitem').textContent)).toContain('تصنيفك الائتماني (الفئة A)');
  });
});

describe('call staff', () => {
  it('is on every screen; it records a request with the screen name and says what happens next', async () => {
    const fake = withJourneys(new FakeKiosk());
    const user = userEvent.setup();
    render(App, { props: { api: fake.api, wipe: vi.fn(), options: { staffCallMemoryMs: 0 } } });
    await screen.findByTestId('attract');
    const button = screen.getByRole('button', { name: 'Call staff' });
    await user.click(button);
    const dialog = await screen.findByRole('dialog', { name: 'Help is coming' });
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    await settle();
    expect(within(dialog).getByTestId('staff-position').textContent).toBe('You are number 3 in the queue.');
    expect(within(dialog).getByText(/Please stay at this kiosk/)).toBeTruthy();
    expect(fake.callsTo('help.call')).toEqual([{ screen: 'attract' }]);
    expect(document.getElementById('main')?.inert).toBe(true);

    // Focus is trapped: Tab and Shift+Tab stay on the dialog's only button.
    await user.tab();
    expect(document.activeElement).toBe(within(dialog).getByTestId('staff-close'));
    await user.tab({ shift: true });
    expect(document.activeElement).toBe(within(dialog).getByTestId('staff-close'));
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    await tick();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Call staff' }));

    await user.click(screen.getByTestId('start'));
    await screen.findByTestId('identifier');
    await user.click(screen.getByRole('button', { name: 'Call staff' }));
    await screen.findByTestId('staff-position');
    expect(fake.callsTo('help.call')).toEqual([{ screen: 'attract' }, { screen: 'signIn' }]);
    await user.click(screen.getByTestId('staff-close'));
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('says when staff could not be called, in the customer’s language, and retries', async () => {
    const fake = withJourneys(new FakeKiosk());
    fake.respond('help.call', () => failure('INTERNAL', 'down'));
    const user = userEvent.setup();
    render(App, { props: { api: fake.api, wipe: vi.fn() } });
    await user.click(await screen.findByTestId('lang-es'));
    await user.click(screen.getByRole('button', { name: 'Llamar al personal' }));
    const dialog = await screen.findByRole('dialog');
    await settle();
    expect(within(dialog).getByText(/No hemos podido llamar al personal/)).toBeTruthy();
    withJourneys(fake);
    await user.click(within(dialog).getByRole('button', { name: 'Reintentar' }));
    expect((await screen.findByTestId('staff-position')).textContent).toBe('Eres el número 3 de la cola.');
  });

  it('the idle warning sits over the dialog; the dialog is inert under it', async () => {
    const { fake, user } = await toOverview();
    await user.click(screen.getByRole('button', { name: 'Call staff' }));
    await screen.findByTestId('staff-position');
    fake.emit('session.idleWarning', { secondsLeft: 10 });
    await tick();
    expect(screen.getByTestId('idle-warning')).toBeTruthy();
    expect((screen.getByTestId('staff-dialog').closest('.backdrop') as HTMLElement).inert).toBe(true);
  });
});

describe('headquarters badge', () => {
  it('is hidden on a kiosk with no hub, and says online, syncing or what waits offline as the core reports', async () => {
    const fake = withJourneys(new FakeKiosk());
    fake.respond('sync.status', () => ({ ok: true, value: { state: 'off', lastSyncAt: null, waiting: 0, parked: 0 } }));
    await toOverview(fake);
    expect(screen.queryByTestId('sync-badge')).toBeNull();
    fake.emit('sync.status', { state: 'offline', lastSyncAt: '2025-03-10T09:05:00.000Z', waiting: 3, parked: 0 });
    const badge = await screen.findByTestId('sync-badge');
    expect(badge.getAttribute('role')).toBe('status');
    expect(plain(badge.textContent)).toBe('Offline · 3 items waiting');
    fake.emit('sync.status', { state: 'syncing', lastSyncAt: '2025-03-10T09:05:00.000Z', waiting: 3, parked: 0 });
    await tick();
    expect(plain(screen.getByTestId('sync-badge').textContent)).toBe('Syncing…');
    fake.emit('sync.status', { state: 'stopped', lastSyncAt: null, waiting: 1, parked: 0 });
    await tick();
    expect(plain(screen.getByTestId('sync-badge').textContent)).toBe('Not connected: staff must enrol this kiosk');
  });
});

