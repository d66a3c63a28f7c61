import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { addDays } from '../../shared/calendar.ts';
import type { OrderAction } from '../../shared/domain/order-action.ts';
import type { OrderPreview } from '../../shared/billing/order-preview-schema.ts';
import { formatMoney, money } from '../../shared/money.ts';
import { formatE164 } from '../../renderer/src/lib/format.ts';
import { offerTitle } from '../../renderer/src/lib/order-text.ts';
import { Translator } from '../../shared/i18n/translator.ts';
import { checkScreen, coreValue, customers, focused, PORTRAIT, SCREENSHOTS, signIn, useKiosks, type RunningKiosk } from './kiosk.ts';

const kiosks = useKiosks();
type Lang = 'en' | 'es' | 'ar';
const locales: Record<Lang, string> = { en: 'en', es: 'es', ar: 'ar' };
/** Text as a customer reads it: bidi isolation marks and the kinds of space Intl uses made plain. */
const plain = (text: string | null): string => (text ?? '').replace(/[\u2066-\u2069\u200e\u200f]/g, '').replace(/[\u00a0\u202f\u2009]/g, ' ').replace(/\s+/g, ' ').trim();
const eur = (amountMinor: number, lang: Lang = 'en'): string => plain(formatMoney(money(amountMinor, 'EUR'), locales[lang]));
const text = async (page: Page, testid: string): Promise<string> => plain(await page.getByTestId(testid).first().textContent());

/** checkScreen (axe, touch targets, the screen as seen), and the whole page too, to look at. */
async function look(page: Page, name: string): Promise<void> {
  await checkScreen(page, name);
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-full.png`), fullPage: true });
}

async function signedIn(k: RunningKiosk, who: { accountNo: string; pin: string }, language?: Lang): Promise<void> {
  if (language) await k.page.getByTestId(`lang-${language}`).click();
  await signIn(k.page, who);
  await k.page.getByTestId('overview').waitFor();
}

async function openServices(page: Page): Promise<void> {
  await page.getByTestId('go-services').click();
  await page.locator('[data-testid="services-screen"][data-load="ready"]').waitFor();
}

async function openOffers(page: Page): Promise<void> {
  await page.getByTestId('go-offers').click();
  await page.locator('[data-testid="offers-screen"]:is([data-load="ready"], [data-load="empty"])').waitFor();
}

/** The services of the signed-in customer, by plan name. */
async function servicesOf(k: RunningKiosk) {
  const overview = await coreValue(k, 'account.overview', {});
  const byPlan = (name: string) => {
    const found = overview.services.find((s) => s.planName === name);
    if (!found) throw new Error(`no service on ${name}`);
    return found;
  };
  return { overview, byPlan };
}

/** The preview on screen shows exactly the core's figures for the same order. */
async function expectPreview(page: Page, expected: OrderPreview, lang: Lang = 'en'): Promise<void> {
  const card = page.getByTestId('order-preview');
  await card.waitFor();
  expect(await card.getAttribute('data-decision')).toBe(expected.decision);
  expect(await text(page, 'order-monthly-before')).toBe(eur(expected.monthlyBefore.amountMinor, lang));
  expect(await text(page, 'order-monthly-after')).toBe(eur(expected.monthlyAfter.amountMinor, lang));
  expect(await text(page, 'order-next-without')).toBe(eur(expected.nextBill.withoutOrder.amountMinor, lang));
  expect(await text(page, 'order-next-with')).toBe(eur(expected.nextBill.withOrder.amountMinor, lang));
  const lines = page.getByTestId('order-line');
  expect(await lines.evaluateAll((ls) => ls.map((l) => l.getAttribute('data-cause')))).toEqual(expected.nextBill.lines.map((l) => l.cause));
  const amounts = (await lines.locator('.money').allTextContents()).map(plain);
  expect(amounts).toEqual(expected.nextBill.lines.map((l) => (l.amountMinor < 0 ? `−${eur(-l.amountMinor, lang)}` : eur(l.amountMinor, lang))));
  expect(await page.getByTestId('order-reasons').locator('li').evaluateAll((ls) => ls.map((l) => l.getAttribute('data-code')))).toEqual(
    expected.reasons.map((r) => r.code),
  );
}

/** Confirms, waits for the core's answer and checks the placed order against the core (re-sending the id returns the same order). */
async function confirmAndCheck(k: RunningKiosk, order: OrderAction, button = 'order-confirm'): Promise<string> {
  const { page } = k;
  const [response] = await Promise.all([
    page.waitForResponse((r) => /\/api\/(order\.submit|offers\.accept)$/.test(r.url())),
    page.getByTestId(button).click(),
  ]);
  const sent = JSON.parse(response.request().postData() ?? '{}') as { requestId: string };
  await page.getByTestId('order-result').waitFor();
  expect(await focused(page)).toBe('h2#order-result-title');
  expect(await text(page, 'order-number')).toBe(sent.requestId);
  const stored = await coreValue(k, 'order.submit', { requestId: sent.requestId, order });
  expect(stored.id).toBe(sent.requestId);
  expect(await page.getByTestId('order-result').getAttribute('data-state')).toBe(stored.state);
  expect(await text(page, 'order-result-next')).toBe(eur(stored.preview.nextBill.withOrder.amountMinor));
  return sent.requestId;
}

/** Presses Tab until the element with the test id has focus (keyboard only), then returns. */
async function tabTo(page: Page, selector: string, limit = 80): Promise<void> {
  for (let i = 0; i < limit; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${selector}`);
}

describe('services', () => {
  it('EN: lists the services held; adds an extra to a line: preview equals the core, confirm places one order', async () => {
    const k = await kiosks.open();
    const { page } = k;
    await signedIn(k, customers.paidUp);
    const started = Date.now();
    await openServices(page);
    expect(await focused(page)).toBe('h1#services-title');
    const { overview, byPlan } = await servicesOf(k);
    expect(await page.getByTestId('my-service').evaluateAll((s) => s.map((e) => e.getAttribute('data-product')))).toEqual(overview.services.map((s) => s.id));
    expect((await page.getByTestId('my-service-monthly').allTextContents()).map(plain)).toEqual(
      overview.services.map((s) => `${eur(s.recurringCharge.amountMinor)} a month`),
    );
    const catalog = await coreValue(k, 'services.catalog', {});
    const plans = catalog.offerings.filter((o) => o.category === 'plan');
    expect(await page.locator('[data-testid="add-service"] [data-testid="offering"]').count()).toBe(plans.length);
    const bb = page.locator('[data-testid="add-service"] [data-offering="BB-300"]');
    expect(plain(await bb.textContent())).toContain(`${eur(3000)} a month`);
    expect(plain(await bb.textContent())).toContain(`Activation fee ${eur(3000)}`);
    expect(plain(await bb.textContent())).toContain('Up to 300 Mb/s');
    await look(page, 'services-en');
    await page.getByTestId('add-service').scrollIntoViewIfNeeded();
    await look(page, 'services-en-add');
    await page.getByTestId('add-extras').scrollIntoViewIfNeeded();
    await look(page, 'services-en-extras');

    // Phone insurance is already on the Classic line: said, not offered; it can go on the XS line.
    const xs = byPlan('Mobile XS 3 GB');
    const classic = byPlan('Mobile Classic 8 GB');
    expect(await page.locator(`[data-testid="extras-group"][data-product="${classic.id}"] [data-offering="MOB-INSURE"] [data-testid="offering-note"]`).count()).toBe(1);
    const add = page.locator(`[data-testid="extras-group"][data-product="${xs.id}"] [data-offering="MOB-INSURE"] [data-testid="offering-choose"]`);
    expect(await add.getAttribute('aria-label')).toBe('Add Phone insurance to Mobile +34 600 000 000');
    await add.click();
    const order = { action: 'add', offeringId: 'MOB-INSURE', parentProductId: xs.id } as const;
    const expected = await coreValue(k, 'order.preview', order);
    await expectPreview(page, expected);
    expect(await focused(page)).toBe('h2#order-preview-title');
    expect(await page.locator('#order-preview-title').textContent()).toBe('Add Phone insurance to Mobile +34 600 000 000');
    expect(await text(page, 'order-decision-title')).toBe('You can do this here');
    expect(await text(page, 'order-monthly-change')).toBe(`${eur(expected.monthlyAfter.amountMinor - expected.monthlyBefore.amountMinor)} more a month`);
    await look(page, 'services-add-preview');

    await confirmAndCheck(k, order);
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(await text(page, 'order-result-next-step')).toContain('It is on its way');
    await look(page, 'services-add-result');
    await page.getByTestId('order-again').click();
    await page.locator('[data-testid="services-screen"][data-step="home"]').waitFor();
    expect(await focused(page)).toBe('h2#my-services-title');
  });

  it('EN keyboard only: change plan, with the new monthly price and the next bill’s prorations', async () => {
    const k = await kiosks.open({ viewport: PORTRAIT });
    const { page } = k;
    await signedIn(k, customers.paidUp);
    const { byPlan } = await servicesOf(k);
    const xs = byPlan('Mobile XS 3 GB');
    await page.getByTestId('go-services').focus();
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="services-screen"][data-load="ready"]').waitFor();
    await tabTo(page, `[data-product="${xs.id}"] [data-testid="change-plan"]`);
    await page.keyboard.press('Enter');
    await page.getByTestId('choose-plan').waitFor();
    expect(await focused(page)).toBe('h2#choose-plan-title');
    expect(await text(page, 'plan-now')).toBe(`Your plan now: Mobile XS 3 GB, ${eur(xs.recurringCharge.amountMinor)} a month.`);
    // Its own plan is not offered; every other mobile plan on sale is.
    const catalog = await coreValue(k, 'services.catalog', {});
    const mobilePlans = catalog.offerings.filter((o) => o.category === 'plan' && o.kind === 'mobile' && o.name !== xs.planName).map((o) => o.id);
    expect(await page.locator('[data-testid="choose-plan"] [data-testid="offering"]').evaluateAll((o) => o.map((e) => e.getAttribute('data-offering')))).toEqual(mobilePlans);
    await look(page, 'services-change-plans');
    await tabTo(page, '[data-offering="MOB-S"] [data-testid="offering-choose"]');
    await page.keyboard.press('Enter');
    const order = { action: 'change', productId: xs.id, offeringId: 'MOB-S' } as const;
    const expected = await coreValue(k, 'order.preview', order);
    await expectPreview(page, expected);
    expect(expected.nextBill.lines.filter((l) => l.cause === 'planChange')).toHaveLength(2);
    expect(await page.locator('[data-testid="order-line"][data-cause="planChange"]').first().textContent()).toMatch(/Mobile XS 3 GB: refund for \d+ unused days/);
    await look(page, 'services-change-preview');
    // Back goes to the plans, and forward again.
    await tabTo(page, '[data-testid="order-back"]');
    await page.keyboard.press('Enter');
    await page.getByTestId('choose-plan').waitFor();
    await tabTo(page, '[data-offering="MOB-S"] [data-testid="offering-choose"]');
    await page.keyboard.press('Enter');
    await page.getByTestId('order-preview').waitFor();
    await tabTo(page, '[data-testid="order-confirm"]');
    await Promise.all([page.waitForResponse((r) => r.url().endsWith('/api/order.submit')), page.keyboard.press('Enter')]);
    await page.getByTestId('order-result').waitFor();
    expect(await focused(page)).toBe('h2#order-result-title');
    expect(await text(page, 'order-result-monthly')).toBe(`${eur(expected.monthlyAfter.amountMinor)} a month`);
  });

  it('EN: remove at the end of the cycle after a bad date; pause from today leaves the bill as it is', async () => {
    const k = await kiosks.open();
    const { page } = k;
    await signedIn(k, customers.paidUp);
    await openServices(page);
    const { overview, byPlan } = await servicesOf(k);
    const tv = byPlan('TV Plus');
    await page.locator(`[data-product="${tv.id}"] [data-testid="remove"]`).click();
    await page.getByTestId('choose-when').waitFor();
    expect(await focused(page)).toBe('h2#when-title');
    expect(await page.getByTestId('when-today').isChecked()).toBe(true);

    // Another date: none, then one in the past; said on the screen, nothing sent.
    const previews: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/api/order.preview')) previews.push(r.postData() ?? '');
    });
    await page.getByTestId('when-other').check();
    await page.getByTestId('see-preview').click();
    await expect.poll(() => text(page, 'order-problem')).toBe('Choose the date, or pick one of the other options.');
    expect(await focused(page)).toBe('when-date');
    await page.getByTestId('when-date').fill(addDays(overview.asOf, -1));
    await page.getByTestId('see-preview').click();
    const latest = addDays(overview.asOf, 90);
    const long = (d: string) => new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${d}T00:00:00Z`));
    await expect.poll(() => text(page, 'order-problem')).toBe(`Choose a date from ${long(overview.asOf)} to ${long(latest)}.`);
    expect(await page.getByTestId('when-date').getAttribute('aria-invalid')).toBe('true');
    expect(previews).toEqual([]);
    await look(page, 'services-remove-date-error');

    const nextCycle = addDays(overview.cycle.end, 1);
    await page.getByTestId('when-next-cycle').check();
    await page.getByTestId('see-preview').click();
    const order = { action: 'remove', productId: tv.id, effectiveDate: nextCycle } as const;
    const expected = await coreValue(k, 'order.preview', order);
    await expectPreview(page, expected);
    expect(await text(page, 'order-when')).toBe(`Your last day of service is ${long(overview.cycle.end)}.`);
    await look(page, 'services-remove-preview');
    await page.getByTestId('order-line').last().scrollIntoViewIfNeeded();
    await look(page, 'services-remove-lines');
    await confirmAndCheck(k, order);

    await page.getByTestId('order-again').click();
    const mobile = byPlan('Mobile Classic 8 GB');
    await page.locator(`[data-product="${mobile.id}"] [data-testid="suspend"]`).click();
    await page.getByTestId('see-preview').click();
    const pause = await coreValue(k, 'order.preview', { action: 'suspend', productId: mobile.id, effectiveDate: overview.asOf });
    await expectPreview(page, pause);
    expect(pause.nextBill.lines).toEqual([]);
    expect(await text(page, 'order-no-lines')).toBe('No change to the lines of your next bill.');
    expect(await text(page, 'order-monthly-change')).toBe('No change to your monthly charges');
    await look(page, 'services-suspend-preview');
  });

  it('EN errors: Elena, overdue, is told why and offered no confirm; a failed preview and a failed load say so', async () => {
    const k = await kiosks.open();
    const { page } = k;
    await signedIn(k, customers.overdue, 'en');
    await page.route('**/api/services.catalog', (route) => route.abort());
    await page.getByTestId('go-services').click();
    await page.getByTestId('services-error').waitFor();
    await look(page, 'services-load-error');
    await page.unroute('**/api/services.catalog');
    await page.getByTestId('services-error').getByRole('button').click();
    await page.locator('[data-testid="services-screen"][data-load="ready"]').waitFor();

    await page.route('**/api/order.preview', (route) => route.abort());
    await page.locator('[data-testid="add-service"] [data-offering="TV-ESS"] [data-testid="offering-choose"]').click();
    await expect.poll(() => text(page, 'order-problem')).toBe("Sorry, we couldn't get an answer. Nothing has been placed yet. Please try again, or ask staff.");
    expect(await focused(page)).toBe('order-problem');
    await look(page, 'services-preview-failed');
    await page.unroute('**/api/order.preview');

    await page.locator('[data-testid="add-service"] [data-offering="TV-ESS"] [data-testid="offering-choose"]').click();
    const expected = await coreValue(k, 'order.preview', { action: 'add', offeringId: 'TV-ESS', parentProductId: null });
    expect(expected.decision).toBe('decline');
    await expectPreview(page, expected);
    expect(await text(page, 'order-decision-title')).toBe("This can't be done here");
    expect(await page.locator('[data-testid="order-reasons"] li[data-code="OVERDUE_OVER_30_DAYS"]').textContent()).toMatch(/^A bill has been unpaid for \d+ days after its due date\.$/);
    expect(await page.getByTestId('order-confirm').count()).toBe(0);
    await look(page, 'services-declined');
    await page.getByTestId('order-something-else').click();
    await page.locator('[data-testid="services-screen"][data-step="home"]').waitFor();
  });

  it('AR: the whole add journey in Arabic, right to left, with Intl amounts and dates; large text and high contrast', async () => {
    const k = await kiosks.open({ viewport: PORTRAIT });
    const { page } = k;
    await signedIn(k, customers.inCredit, 'ar');
    await openServices(page);
    expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual(['ar', 'rtl']);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('الخدمات');
    expect(await page.locator('#my-services-title').textContent()).toBe('خدماتك');
    await look(page, 'rtl-services');

    await page.locator('[data-testid="add-service"] [data-offering="TV-ESS"] [data-testid="offering-choose"]').click();
    const order = { action: 'add', offeringId: 'TV-ESS', parentProductId: null } as const;
    const expected = await coreValue(k, 'order.preview', order);
    await expectPreview(page, expected, 'ar');
    const card = plain(await page.getByTestId('order-preview').textContent());
    expect(card).toContain('إضافة TV Essentials');
    expect(card).toContain('يمكنك تنفيذ ذلك هنا');
    for (const l of expected.nextBill.lines) expect(card).not.toContain(l.description);
    expect(card).not.toMatch(/You can|Your next bill|monthly/);
    await page.getByTestId('order-preview').scrollIntoViewIfNeeded();
    await look(page, 'rtl-services-preview');

    await page.getByTestId('toggle-large-text').click();
    await look(page, 'rtl-services-preview-large');
    await page.getByTestId('toggle-contrast').click();
    await look(page, 'rtl-services-preview-contrast');
    await page.getByTestId('toggle-large-text').click();
    await page.getByTestId('toggle-contrast').click();

    await Promise.all([page.waitForResponse((r) => r.url().endsWith('/api/order.submit')), page.getByTestId('order-confirm').click()]);
    await page.getByTestId('order-result').waitFor();
    expect(await page.locator('#order-result-title').textContent()).toBe('تم تقديم طلبك');
    expect(await text(page, 'order-result-next')).toBe(eur(expected.nextBill.withOrder.amountMinor, 'ar'));
    await look(page, 'rtl-services-result');
  });

  it('EN large text and high contrast on the services list and a date step', async () => {
    const k = await kiosks.open();
    const { page } = k;
    await signedIn(k, customers.nearLimit);
    await page.getByTestId('toggle-large-text').click();
    await openServices(page);
    await look(page, 'services-large');
    await page.getByTestId('toggle-contrast').click();
    await page.getByTestId('remove').first().click();
    await page.getByTestId('when-other').check();
    await look(page, 'services-when-large-contrast');
  });
});

describe('offers', () => {
  it('EN: the offers with their saving; accepting one previews its order and places it', async () => {
    const k = await kiosks.open();
    const { page } = k;
    await signedIn(k, customers.paidUp);
    await openOffers(page);
    expect(await focused(page)).toBe('h1#offers-title');
    const { offers } = await coreValue(k, 'offers.list', {});
    const cards = page.getByTestId('offer');
    expect(await cards.evaluateAll((c) => c.map((e) => e.getAttribute('data-offer')))).toEqual(offers.map((o) => o.id));
    const first = offers[0]!;
    expect(await cards.first().getByTestId('offer-saving').textContent()).toBe(`Save ${eur(first.monthlySaving.amountMinor)} a month`);
    expect(plain(await cards.first().getByTestId('offer-current').textContent())).toBe(`${eur(first.currentMonthly.amountMinor)} a month`);
    expect(plain(await cards.first().getByTestId('offer-new').textContent())).toBe(`${eur(first.newMonthly.amountMinor)} a month`);
    // The line the best offer is for depends on the demo's usage this cycle.
    const line = (await coreValue(k, 'account.overview', {})).services.find((s) => s.id === first.productId)!.identifier;
    expect(plain(await cards.first().getByTestId('offer-title').textContent())).toBe(`Switch Mobile ${formatE164(line)} to ${first.params['offering']}`);
    await look(page, 'offers-en');

    await cards.first().getByTestId('offer-choose').click();
    const order = { action: 'change', productId: first.productId!, offeringId: first.toOfferingId } as const;
    const expected = await coreValue(k, 'order.preview', order);
    await expectPreview(page, expected);
    expect(await focused(page)).toBe('h2#order-preview-title');
    await look(page, 'offers-preview');
    await confirmAndCheck(k, order, 'offer-accept');
    await look(page, 'offers-result');
    await page.getByTestId('offers-back').click();
    await page.locator(`[data-offer="${first.id}"] [data-testid="offer-ordered"]`).waitFor();
  });

  it('AR: offers in Arabic, accepted', async () => {
    const k = await kiosks.open({ viewport: PORTRAIT });
    const { page } = k;
    await signedIn(k, customers.inCredit, 'ar');
    await openOffers(page);
    const { offers } = await coreValue(k, 'offers.list', {});
    const first = offers[0]!;
    const card = plain(await page.getByTestId('offer').first().textContent());
    expect(card).not.toContain(plain(offerTitle(first, new Translator('en'))));
    expect(card).toContain(eur(first.newMonthly.amountMinor, 'ar'));
    await look(page, 'rtl-offers');
    await page.getByTestId('offer-choose').first().click();
    await page.getByTestId('order-preview').waitFor();
    await Promise.all([page.waitForResponse((r) => r.url().endsWith('/api/offers.accept')), page.getByTestId('offer-accept').click()]);
    await page.getByTestId('order-result').waitFor();
    await look(page, 'rtl-offers-result');
  });

  it('empty and error: no offers says so kindly; a failed load offers a retry', async () => {
    const k = await kiosks.open();
    const { page } = k;
    await signedIn(k, customers.paidUp);
    await page.route('**/api/offers.list', (route) => route.abort());
    await page.getByTestId('go-offers').click();
    await page.getByTestId('offers-error').waitFor();
    await look(page, 'offers-error');
    await page.route('**/api/offers.list', (route) => route.fulfill({ contentType: 'application/json', body: JSON.stringify({ ok: true, value: { offers: [] } }) }));
    await page.getByTestId('offers-error').getByRole('button').click();
    await page.getByTestId('offers-empty').waitFor();
    expect(await text(page, 'offers-empty')).toBe('No offers right now: your plans already fit how you use them.');
    await look(page, 'offers-empty');
  });
});
