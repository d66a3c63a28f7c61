import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { changeText } from '../../renderer/src/lib/bill-text.ts';
import { Translator } from '../../shared/i18n/translator.ts';
import {
  checkScreen,
  coreValue,
  customers,
  eur,
  focused,
  goToSignIn,
  LANDSCAPE,
  openJourney,
  PORTRAIT,
  plain,
  signedIn,
  tapDigits,
  text,
  useKiosks,
} from './kiosk.ts';

const kiosks = useKiosks();

describe('bill', () => {
  it('EN: the newest bill per service with taxes, totals and what changed; the history; choosing an older bill', async () => {
    const k = await kiosks.open();
    const { page } = k;
    await signedIn(k, customers.paidUp);
    await openJourney(page, 'bill');
    expect(await focused(page)).toBe('h1#bill-title');
    await page.getByTestId('bill-detail').waitFor();

    const view = await coreValue(k, 'bill.get', {});
    const { bill } = view;
    expect(await page.getByTestId('bill-detail').getAttribute('data-bill')).toBe(bill.billNo);
    expect(await text(page, 'bill-amount-due')).toBe(eur(bill.amountDueMinor));
    expect(await page.getByTestId('bill-section').evaluateAll((s) => s.map((e) => e.getAttribute('data-kind')))).toEqual(bill.services.map((s) => s.kind));
    const lineCount = bill.services.reduce((n, s) => n + s.lines.length, 0) + bill.accountItems.length;
    expect(await page.getByTestId('bill-line').count()).toBe(lineCount);
    expect(await page.getByTestId('section-subtotal').allTextContents()).toEqual(
      bill.services.map((s) => (s.subtotalMinor < 0 ? `−${eur(-s.subtotalMinor)}` : eur(s.subtotalMinor))),
    );
    // Discounts read as negative amounts.
    const discounts = page.locator('[data-testid="bill-line"][data-cause$="Discount"] .money');
    for (const t of await discounts.allTextContents()) expect(t.startsWith('−')).toBe(true);
    expect(await page.getByTestId('tax-item').count()).toBe(bill.taxItems.length);
    expect(await text(page, 'total-tax-excluded')).toBe(eur(bill.taxExcludedAmountMinor));
    expect(await text(page, 'total-tax')).toBe(eur(bill.taxMinor));
    expect(await text(page, 'total-tax-included')).toBe(eur(bill.taxIncludedAmountMinor));
    expect(await text(page, 'total-amount-due')).toBe(eur(bill.amountDueMinor));

    // What changed: the engine's explanation, biggest first, in sentences built from its causes.
    const explanation = view.explanation!;
    expect(explanation).not.toBeNull();
    const diff = explanation.differenceMinor;
    expect(await text(page, 'changes-summary')).toContain(eur(Math.abs(diff)));
    const items = page.getByTestId('change-item');
    expect(await items.count()).toBe(explanation.items.length);
    const first = explanation.items[0]!;
    expect(plain(await items.first().textContent())).toContain(`${eur(Math.abs(first.amountMinor))} ${first.amountMinor > 0 ? 'more' : 'less'}`);
    await checkScreen(page, 'bill-en');

    // The last twelve bills, newest first; the one shown is marked.
    const history = await coreValue(k, 'bill.history', {});
    const listed = page.getByTestId('history-item');
    expect(await listed.count()).toBe(history.bills.length);
    expect(history.bills.length).toBe(12);
    expect(await listed.evaluateAll((b) => b.map((e) => e.getAttribute('data-bill')))).toEqual(history.bills.map((b) => b.billNo));
    expect(await listed.first().getAttribute('aria-current')).toBe('true');

    const older = history.bills[3]!;
    await page.locator(`[data-testid="history-item"][data-bill="${older.billNo}"]`).click();
    await page.locator(`[data-testid="bill-detail"][data-bill="${older.billNo}"][aria-busy="false"]`).waitFor();
    const olderView = await coreValue(k, 'bill.get', { billNo: older.billNo });
    expect(await text(page, 'bill-amount-due')).toBe(eur(olderView.bill.amountDueMinor));
    expect(await text(page, 'total-tax-included')).toBe(eur(older.amountDue.amountMinor));
    expect(await focused(page)).toBe('h2#bill-heading');
    expect(await page.locator(`[data-testid="history-item"][data-bill="${older.billNo}"]`).getAttribute('aria-current')).toBe('true');
    await page.getByTestId('bill-history').scrollIntoViewIfNeeded();
    await checkScreen(page, 'bill-en-history');

    await page.getByTestId('back-to-account').click();
    await page.getByTestId('overview').waitFor();
    expect(await focused(page)).toBe('h1#overview-title');
  });

  it('AR: right to left, amounts and dates through Intl for Arabic, what changed in Arabic', async () => {
    const k = await kiosks.open({ viewport: PORTRAIT });
    const { page } = k;
    await signedIn(k, customers.inCredit, 'ar');
    await openJourney(page, 'bill');
    await page.getByTestId('bill-detail').waitFor();
    expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual(['ar', 'rtl']);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('فاتورتك');
    const view = await coreValue(k, 'bill.get', {});
    expect(await text(page, 'bill-amount-due')).toBe(plain(eur(view.bill.amountDueMinor, 'ar')));
    const changes = plain(await page.getByTestId('what-changed').textContent());
    const english = new Translator('en');
    for (const item of view.explanation?.items ?? []) expect(changes).not.toContain(plain(changeText(item, view.bill, english).sentence));
    expect(changes).toContain('ما الذي تغيّر');
    await checkScreen(page, 'rtl-bill');
  });

  it('error and empty: a failed load offers a retry; an account with no bill yet says so', async () => {
    const k = await kiosks.open();
    const { page } = k;
    await signedIn(k, customers.paidUp);
    await page.route('**/api/bill.get', (route) => route.abort());
    await openJourney(page, 'bill');
    await page.getByTestId('bill-error').waitFor();
    await checkScreen(page, 'bill-error');
    await page.unroute('**/api/bill.get');
    await page.getByTestId('bill-error').getByRole('button').click();
    await page.getByTestId('bill-detail').waitFor();

    // No bill yet: the core answers NOT_FOUND and an empty history.
    await page.getByTestId('back-to-account').click();
    await page.route('**/api/bill.get', (route) =>
      route.fulfill({ contentType: 'application/json', body: JSON.stringify({ ok: false, error: { code: 'NOT_FOUND', message: 'There is no bill on this account yet.' } }) }),
    );
    await page.route('**/api/bill.history', (route) => route.fulfill({ contentType: 'application/json', body: JSON.stringify({ ok: true, value: { bills: [] } }) }));
    await openJourney(page, 'bill');
    await page.getByTestId('bill-empty').waitFor();
    expect(await text(page, 'bill-empty')).toBe("You haven't had a bill yet. Your first bill will show here.");
    await checkScreen(page, 'bill-empty');
  });
});

describe('usage', () => {
  it('EN: per-service meters, a chart per meter against the allowance, and the figures as a table', async () => {
    const k = await kiosks.open();
    const { page } = k;
    await signedIn(k, customers.paidUp);
    await openJourney(page, 'usage');
    expect(await focused(page)).toBe('h1#usage-title');
    await page.getByTestId('usage-meters').waitFor();
    const overview = await coreValue(k, 'account.overview', {});
    const metered = overview.services.filter((s) => s.usage.length > 0);
    expect(await page.getByTestId('usage-service').evaluateAll((b) => b.map((e) => e.getAttribute('data-product')))).toEqual(metered.map((s) => s.id));
    expect(await page.getByTestId('usage-service').first().getAttribute('aria-pressed')).toBe('true');

    const daily = await coreValue(k, 'usage.daily', { productId: metered[0]!.id });
    expect(await page.getByTestId('usage-meter').evaluateAll((m) => m.map((e) => e.getAttribute('data-type')))).toEqual(daily.meters.map((m) => m.type));
    const data = daily.meters.find((m) => m.type === 'data')!;
    // The table lists every day so far with its use; the chart is a real canvas with a name.
    const rows = page.getByTestId('usage-table-data').locator('tbody tr');
    expect(await rows.count()).toBe(data.days.length);
    const canvas = page.getByTestId('usage-chart-data');
    expect(await canvas.getAttribute('role')).toBe('img');
    expect(await canvas.getAttribute('aria-label')).toContain('Chart of Data this cycle');
    expect(await canvas.locator('canvas').evaluate((c: HTMLCanvasElement) => c.width > 0 && c.height > 0)).toBe(true);
    const voice = daily.meters.find((m) => m.type === 'voice')!;
    const voiceTotal = voice.days.reduce((s, d) => s + d.used, 0);
    expect(await page.locator('[data-testid="usage-meter"][data-type="voice"] [data-testid="meter-headline"]').textContent()).toBe(
      `${Math.round(voiceTotal)} mins of ${voice.allowance} mins`,
    );
    await page.getByTestId('usage-meter').first().scrollIntoViewIfNeeded();
    await checkScreen(page, 'usage-en');

    await page.getByTestId('toggle-table-data').click();
    expect(await page.getByTestId('toggle-table-data').getAttribute('aria-expanded')).toBe('true');
    await page.getByTestId('usage-table-data').scrollIntoViewIfNeeded();
    await checkScreen(page, 'usage-en-table');

    // Another service.
    await page.getByTestId('usage-service').nth(1).click();
    await page.locator(`[data-testid="usage-meters"][data-product="${metered[1]!.id}"]`).waitFor();
    expect(await page.getByTestId('usage-service').nth(1).getAttribute('aria-pressed')).toBe('true');
  });

  it('AR: switching language on the usage screen keeps the place; the chart reads right to left', async () => {
    const k = await kiosks.open();
    const { page } = k;
    await signedIn(k, customers.nearLimit);
    await openJourney(page, 'usage');
    await page.getByTestId('usage-meters').waitFor();
    await page.getByTestId('usage-service').nth(1).click();
    const second = await page.getByTestId('usage-service').nth(1).getAttribute('data-product');
    await page.locator(`[data-testid="usage-meters"][data-product="${second}"]`).waitFor();
    await page.getByTestId('switch-ar').click();
    await page.waitForFunction(() => document.documentElement.dir === 'rtl');
    expect(await page.getByTestId('usage-screen').count()).toBe(1);
    expect(await page.getByTestId('usage-service').nth(1).getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('الاستهلاك في هذه الدورة');
    await page.getByTestId('usage-meter').first().scrollIntoViewIfNeeded();
    await checkScreen(page, 'rtl-usage');
  });

  it('error: a failed load says so and retries', async () => {
    const k = await kiosks.open();
    const { page } = k;
    await signedIn(k, customers.overdue, 'en');
    await page.route('**/api/usage.daily', (route) => route.abort());
    await openJourney(page, 'usage');
    await page.getByTestId('usage-error').waitFor();
    await checkScreen(page, 'usage-error');
    await page.unroute('**/api/usage.daily');
    await page.getByTestId('usage-error').getByRole('button').click();
    await page.getByTestId('usage-meters').waitFor();
    // Pay-as-you-go: every use is charged, no allowance line.
    expect(await text(page, 'meter-note')).toBe('Every use is charged on your next bill.');
    await checkScreen(page, 'usage-pay-per-use');
  });
});

describe('credit limit', () => {
  async function ask(page: Page, euros: string): Promise<void> {
    await page.getByTestId('credit-amount').click();
    await tapDigits(page, euros);
    await Promise.all([page.waitForResponse((r) => r.url().endsWith('/api/credit.request')), page.getByTestId('credit-submit').click()]);
    await page.getByTestId('credit-decision').waitFor();
  }

  it('EN: approve within the offline allowance; the new limit is in force', async () => {
    const k = await kiosks.open();
    const { page } = k;
    await signedIn(k, customers.paidUp);
    await openJourney(page, 'credit');
    expect(await focused(page)).toBe('h1#credit-title');
    const before = await coreValue(k, 'credit.status', {});
    expect(await text(page, 'credit-status-limit')).toBe(eur(before.creditLimit.amountMinor));
    expect(await text(page, 'credit-status-used')).toBe(eur(before.exposure.amountMinor));
    expect(await text(page, 'credit-status-available')).toBe(eur(before.available.amountMinor));
    await checkScreen(page, 'credit-en');

    const wanted = before.creditLimit.amountMinor + 5000;
    await ask(page, String(wanted / 100));
    expect(await page.getByTestId('credit-decision').getAttribute('data-decision')).toBe('approve');
    expect(await focused(page)).toBe('h2#decision-title');
    expect(await page.locator('#decision-title').textContent()).toBe(`Your new credit limit is ${eur(wanted)}`);
    const after = await coreValue(k, 'credit.status', {});
    expect(after.creditLimit.amountMinor).toBe(wanted);
    expect(await text(page, 'credit-status-limit')).toBe(eur(wanted));
    expect(await page.getByTestId('decision-reasons').locator('li').count()).toBeGreaterThan(0);
    await checkScreen(page, 'credit-approve');

    // The overview shows the new limit on the way back.
    await page.getByTestId('back-to-account').click();
    await expect.poll(() => text(page, 'credit-limit')).toBe(eur(wanted));
  });

  it('EN: above the offline allowance the rest is referred to staff, and shows as pending', async () => {
    const k = await kiosks.open();
    const { page } = k;
    await signedIn(k, customers.paidUp);
    await openJourney(page, 'credit');
    const before = await coreValue(k, 'credit.status', {});
    const wanted = before.creditLimit.amountMinor + before.offlineAllowance.amountMinor + 5000;
    await ask(page, String(wanted / 100));
    const after = await coreValue(k, 'credit.status', {});
    expect(after.creditLimit.amountMinor).toBe(before.creditLimit.amountMinor + before.offlineAllowance.amountMinor);
    expect(after.pendingRequest?.requestedLimit.amountMinor).toBe(wanted);
    expect(await page.getByTestId('credit-decision').getAttribute('data-decision')).toBe('approve');
    expect(await page.locator('#decision-title').textContent()).toBe(`Your credit limit is now ${eur(after.creditLimit.amountMinor)}`);
    expect(await text(page, 'decision-referred')).toContain(`${eur(5000)} of your request has gone to staff`);
    expect(await page.locator('[data-testid="decision-reasons"] li[data-code="OFFLINE_ALLOWANCE"]').textContent()).toBe(
      `This kiosk can raise a limit by up to ${eur(before.offlineAllowance.amountMinor)} on its own; staff will look at the other ${eur(5000)}.`,
    );
    expect(await text(page, 'credit-pending')).toContain(`You asked for a limit of ${eur(wanted)}`);
    await checkScreen(page, 'credit-partial');
  });

  it('EN: a request above what the rating allows is referred whole', async () => {
    const k = await kiosks.open();
    const { page } = k;
    await signedIn(k, customers.nearLimit);
    await openJourney(page, 'credit');
    const before = await coreValue(k, 'credit.status', {});
    await ask(page, '1000');
    expect(await page.getByTestId('credit-decision').getAttribute('data-decision')).toBe('refer');
    expect(await page.locator('#decision-title').textContent()).toBe('A member of staff will decide');
    expect(await text(page, 'decision-limit')).toBe(`Your credit limit now: ${eur(before.creditLimit.amountMinor)}`);
    expect(await text(page, 'decision-referred')).toContain(eur(100000 - before.creditLimit.amountMinor));
    expect((await coreValue(k, 'credit.status', {})).pendingRequest?.requestedLimit.amountMinor).toBe(100000);
    await checkScreen(page, 'credit-refer');
  });

  it('EN: Elena, overdue, is declined with the reason; checks before calling the core', async () => {
    const k = await kiosks.open();
    const { page } = k;
    await signedIn(k, customers.overdue, 'en');
    await openJourney(page, 'credit');
    const before = await coreValue(k, 'credit.status', {});
    const requests: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/api/credit.request')) requests.push(r.postData() ?? '');
    });
    // Empty, not above the current limit, too large: said on the screen, nothing sent.
    await page.getByTestId('credit-submit').click();
    await expect.poll(() => text(page, 'credit-problem')).toBe('Enter the limit you would like.');
    expect(await focused(page)).toBe('credit-amount');
    await tapDigits(page, String(before.creditLimit.amountMinor / 100));
    await page.getByTestId('credit-submit').click();
    await expect.poll(() => text(page, 'credit-problem')).toBe(`Ask for more than your current limit of ${eur(before.creditLimit.amountMinor)}.`);
    await checkScreen(page, 'credit-validation');
    await page.getByRole('button', { name: 'Clear' }).click();
    await tapDigits(page, '2000000');
    await page.getByTestId('credit-submit').click();
    await expect.poll(() => text(page, 'credit-problem')).toBe(`The most any account can have is ${eur(10_000_000)}.`);
    expect(requests).toEqual([]);

    await page.getByRole('button', { name: 'Clear' }).click();
    await ask(page, String(before.creditLimit.amountMinor / 100 + 100));
    expect(await page.getByTestId('credit-decision').getAttribute('data-decision')).toBe('decline');
    expect(await page.locator('#decision-title').textContent()).toBe("We can't raise your limit right now");
    expect(await page.locator('[data-testid="decision-reasons"] li[data-code="OVERDUE_OVER_30_DAYS"]').textContent()).toMatch(
      /^A bill has been unpaid for \d+ days after its due date\.$/,
    );
    expect((await coreValue(k, 'credit.status', {})).creditLimit.amountMinor).toBe(before.creditLimit.amountMinor);
    await checkScreen(page, 'credit-decline');
  });

  it('a retry after a network failure sends the same request id', async () => {
    const k = await kiosks.open();
    const { page } = k;
    await signedIn(k, customers.inCredit, 'en');
    await openJourney(page, 'credit');
    const ids: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/api/credit.request')) ids.push((JSON.parse(r.postData() ?? '{}') as { requestId: string }).requestId);
    });
    let fail = true;
    await page.route('**/api/credit.request', (route) => (fail ? route.abort() : route.continue()));
    await page.getByTestId('credit-amount').click();
    await tapDigits(page, '200');
    await page.getByTestId('credit-submit').click();
    await expect.poll(() => text(page, 'credit-problem')).toBe("Sorry, we couldn't send your request. Please try again, or ask staff.");
    fail = false;
    await page.getByTestId('credit-submit').click();
    await page.getByTestId('credit-decision').waitFor();
    expect(ids).toHaveLength(2);
    expect(ids[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids[1]).toBe(ids[0]);
  });

  it('AR: the decision and its reasons in Arabic', async () => {
    const k = await kiosks.open({ viewport: PORTRAIT });
    const { page } = k;
    await signedIn(k, customers.inCredit, 'ar');
    await openJourney(page, 'credit');
    const before = await coreValue(k, 'credit.status', {});
    expect(await text(page, 'credit-status-limit')).toBe(plain(eur(before.creditLimit.amountMinor, 'ar')));
    await checkScreen(page, 'rtl-credit');
    await ask(page, String(before.creditLimit.amountMinor / 100 + 50));
    const decision = plain(await page.getByTestId('credit-decision').textContent());
    expect(decision).toContain('حد الائتمان الجديد');
    expect(decision).toContain(plain(eur(before.creditLimit.amountMinor + 5000, 'ar')));
    expect(decision).not.toMatch(/allows a limit/);
    await checkScreen(page, 'rtl-credit-decision');
  });
});

describe('call staff', () => {
  it('EN from the attract screen: records an assist request and says what happens next; Escape closes', async () => {
    const k = await kiosks.open();
    const { page } = k;
    await checkScreen(page, 'attract-with-call-staff');
    await page.getByTestId('call-staff').click();
    const dialog = page.getByRole('dialog');
    await page.getByTestId('staff-position').waitFor();
    expect(await dialog.getAttribute('aria-modal')).toBe('true');
    expect(plain(await dialog.textContent())).toContain('A member of staff is on the way.');
    expect(await text(page, 'staff-position')).toBe('You are number 1 in the queue.');
    // The core has it: the next caller is second.
    expect((await coreValue(k, 'help.call', { screen: 'attract' })).position).toBe(2);
    await checkScreen(page, 'staff-attract');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await focused(page)).toBe('call-staff');
    expect(await page.getByTestId('attract').count()).toBe(1);
  });

  it('EN from the overview: focus stays in the dialog; pressing again does not queue twice', async () => {
    const k = await kiosks.open({ viewport: PORTRAIT });
    const { page } = k;
    await signedIn(k, customers.paidUp);
    await page.getByTestId('call-staff').click();
    await page.getByTestId('staff-position').waitFor();
    expect(await focused(page)).toBe('h2#staff-title');
    for (let i = 0; i < 3; i++) {
      await page.keyboard.press('Tab');
      expect(await focused(page)).toBe('staff-close');
    }
    await page.keyboard.press('Shift+Tab');
    expect(await focused(page)).toBe('staff-close');
    await checkScreen(page, 'staff-overview');
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await page.getByTestId('call-staff').click();
    expect(await text(page, 'staff-position')).toBe('You are number 1 in the queue.');
    expect((await coreValue(k, 'help.call', { screen: 'overview' })).position).toBe(2);
  });

  it('AR from the sign-in screen', async () => {
    const k = await kiosks.open({ viewport: PORTRAIT });
    const { page } = k;
    await page.getByTestId('lang-ar').click();
    await goToSignIn(page);
    await page.getByTestId('call-staff').click();
    await page.getByTestId('staff-position').waitFor();
    expect(plain(await page.getByRole('dialog').textContent())).toContain('أحد الموظفين في الطريق إليك.');
    expect(await text(page, 'staff-position')).toContain('ترتيبك في قائمة الانتظار');
    await checkScreen(page, 'rtl-staff');
    await page.getByTestId('staff-close').click();
    expect(await page.getByTestId('identifier').count()).toBe(1);
  });
});

describe('keyboard only, large text, high contrast, idle', () => {
  it('the credit and bill journeys with the keyboard alone (Tab, Enter, Space)', async () => {
    const k = await kiosks.open();
    const { page } = k;
    /** Tabs forward until the element with this test id has focus. */
    async function tabTo(testid: string, max = 40): Promise<void> {
      for (let i = 0; i < max; i++) {
        await page.keyboard.press('Tab');
        if ((await focused(page)) === testid) return;
      }
      throw new Error(`Tab never reached ${testid}`);
    }
    await tabTo('start');
    await page.keyboard.press('Enter');
    await page.getByTestId('identifier').waitFor();
    await tabTo('identifier');
    await page.keyboard.type(customers.paidUp.accountNo);
    await page.keyboard.press('Enter');
    await page.keyboard.type(customers.paidUp.pin);
    await page.keyboard.press('Enter');
    await page.getByTestId('overview').waitFor();

    await tabTo('go-credit');
    await page.keyboard.press('Enter');
    await page.getByTestId('credit-status').waitFor();
    expect(await focused(page)).toBe('h1#credit-title');
    await tabTo('credit-amount');
    const before = await coreValue(k, 'credit.status', {});
    await page.keyboard.type(String(before.creditLimit.amountMinor / 100 + 20));
    await page.keyboard.press('Enter');
    await page.getByTestId('credit-decision').waitFor();
    expect(await focused(page)).toBe('h2#decision-title');
    await tabTo('credit-again');
    await page.keyboard.press('Space');
    expect(await focused(page)).toBe('credit-amount');
    await tabTo('back-to-account');
    await page.keyboard.press('Space');
    await page.getByTestId('overview').waitFor();

    await tabTo('go-bill');
    await page.keyboard.press('Enter');
    await page.getByTestId('bill-detail').waitFor();
    const second = (await coreValue(k, 'bill.history', {})).bills[1]!.billNo;
    for (let i = 0; i < 200 && (await page.evaluate(() => document.activeElement?.getAttribute('data-bill') ?? '')) !== second; i++) {
      await page.keyboard.press('Tab');
    }
    await page.keyboard.press('Enter');
    await page.locator(`[data-testid="bill-detail"][data-bill="${second}"]`).waitFor();
    expect(await focused(page)).toBe('h2#bill-heading');
  });

  it('large text and high contrast on every journey screen', async () => {
    const k = await kiosks.open({ viewport: PORTRAIT });
    const { page } = k;
    await page.getByTestId('toggle-large-text').click();
    await signedIn(k, customers.overdue, 'en');
    await checkScreen(page, 'large-overview');
    await openJourney(page, 'bill');
    await page.getByTestId('bill-detail').waitFor();
    await checkScreen(page, 'large-bill');
    await page.getByTestId('toggle-contrast').click();
    await checkScreen(page, 'large-contrast-bill');
    await page.getByTestId('back-to-account').click();
    await openJourney(page, 'usage');
    await page.getByTestId('usage-meters').waitFor();
    await page.getByTestId('usage-meter').first().scrollIntoViewIfNeeded();
    await checkScreen(page, 'large-contrast-usage');
    await page.getByTestId('back-to-account').click();
    await openJourney(page, 'credit');
    await page.getByTestId('credit-amount').waitFor();
    await checkScreen(page, 'large-contrast-credit');
    await page.getByTestId('call-staff').click();
    await page.getByTestId('staff-position').waitFor();
    await checkScreen(page, 'large-contrast-staff');
  });

  it('the idle warning appears over a journey screen, and the timeout wipes it', async () => {
    const k = await kiosks.open({ settings: { idle: { timeoutSeconds: 8, warningSeconds: 6 } } });
    const { page } = k;
    await signedIn(k, customers.paidUp);
    await openJourney(page, 'bill');
    await page.getByTestId('bill-detail').waitFor();
    await page.getByTestId('idle-warning').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('bill-screen').count()).toBe(1);
    await checkScreen(page, 'idle-over-bill');
    await page.getByTestId('attract').waitFor({ timeout: 20_000 });
    expect(await page.content()).not.toContain(customers.paidUp.name);
    expect(await page.getByTestId('bill-screen').count()).toBe(0);
  });
});

describe('overview tiles and usage in both orientations', () => {
  it.each([
    ['landscape', LANDSCAPE],
    ['portrait', PORTRAIT],
  ] as const)('%s', async (orientation, viewport) => {
    const k = await kiosks.open({ viewport });
    const { page } = k;
    await signedIn(k, customers.nearLimit);
    await checkScreen(page, `${orientation}-overview-tiles`);
    await openJourney(page, 'usage');
    await page.getByTestId('usage-meters').waitFor();
    await checkScreen(page, `${orientation}-usage`);
  });
});
