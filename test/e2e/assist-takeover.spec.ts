import { openKioskLedger } from '../helpers/ledger-file.ts';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Settings } from '../../electron/core/settings/schema.ts';
import { TestClock } from '../helpers/clock.ts';
import { checkScreen, coreValue, customers, focused, text, useKiosks } from './kiosk.ts';

/**
 * The takeover path of issue 14 (point 2) through the screens: staff in assist mode walk away, or
 * leave it open while busy elsewhere, and the next person at the screen tries to find another
 * customer, open their account, reset their PIN and sign in as them. Only the staff member's own
 * actions keep assist mode alive, and the identity check and the PIN reset ask for their PIN again
 * once it was given more than a minute ago.
 */

const kiosks = useKiosks();
const LUCIA = { staffId: 'AG-1001', name: 'Lucía Martín', pin: '2468' };

async function tapIn(page: Page, scope: string, digits: string): Promise<void> {
  const within = page.locator(scope);
  for (const d of digits) await within.getByRole('button', { name: d, exact: true }).click();
}

async function staffSignIn(page: Page): Promise<void> {
  await page.getByTestId('staff-open').click();
  await page.getByTestId('staff-sign-in-dialog').waitFor();
  await page.keyboard.type(LUCIA.staffId);
  await page.keyboard.press('Enter');
  await tapIn(page, '[data-testid="staff-sign-in-dialog"]', LUCIA.pin);
  await Promise.all([page.waitForResponse((r) => r.url().endsWith('/api/staff.signIn')), page.getByTestId('staff-sign-in-submit').click()]);
  await page.getByTestId('desk-screen').waitFor();
}

/** On the desk: a customer found by name, chosen, one check ticked; the identity check is on screen. */
async function chooseCustomer(page: Page, name: string): Promise<void> {
  await page.getByTestId('lookup-query').fill(name);
  await page.getByTestId('lookup-submit').click();
  await page.getByTestId('match').first().click();
  await page.getByTestId('identity-check').waitFor();
  await page.getByTestId('check-photoId').check();
}

const openAccount = (page: Page) => Promise.all([page.waitForResponse((r) => r.url().endsWith('/api/assist.openAccount')), page.getByTestId('open-account').click()]);

describe('assist mode at a kiosk staff walked away from', () => {
  it('a customer tapping on their own screens does not keep assist mode: it ends on time, the kiosk is cleared and staff powers go with it', async () => {
    const k = await kiosks.open({ settings: { idle: { timeoutSeconds: 30, warningSeconds: 10 }, assist: { idle: { timeoutSeconds: 5, warningSeconds: 5 } } } as Partial<Settings> });
    const { page } = k;
    const staffTouches: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/api/staff.touch') || r.url().endsWith('/api/staff.session')) staffTouches.push(r.url());
    });
    // Staff open James's account for him, then walk away.
    await staffSignIn(page);
    await chooseCustomer(page, customers.paidUp.name);
    await openAccount(page);
    await page.getByTestId('overview').waitFor();
    const before = staffTouches.length;
    // James taps on: his bill, back to his account, again and again (until the staff warning covers the screen).
    const warning = page.getByTestId('assist-idle-warning');
    const tap = (testid: string) => page.getByTestId(testid).click({ timeout: 1_000 }).then(
      () => true,
      () => false,
    );
    let taps = 0;
    while ((await warning.count()) === 0) {
      if (await tap('go-bill')) taps++;
      if (await tap('back-to-account')) taps++;
    }
    expect(taps).toBeGreaterThan(2);
    expect(staffTouches.length).toBe(before);
    // The warning asks for the staff PIN; taps around it are nobody's PIN.
    expect(await focused(page)).toBe('assist-continue-pin');
    await page.mouse.click(20, 300);
    await page.getByTestId('attract').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('assist-banner').count()).toBe(0);
    expect(await page.content()).not.toContain(customers.paidUp.name);
    expect(await k.core.dispatch('staff.session', {})).toEqual({ ok: true, value: null });
    expect(await k.core.dispatch('assist.lookup', { query: 'Elena Romero' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('assist mode still open, the staff PIN given over a minute ago: the identity check and the PIN reset ask for it, refused without it, done with it (en, ar)', async () => {
    const clock = new TestClock();
    const k = await kiosks.open({ now: clock.now });
    const { page } = k;
    await staffSignIn(page);
    clock.advance(61_000); // staff busy at the desk, or away from it: their PIN is over a minute old

    // Someone at the screen finds Elena and tries to open her account: the staff PIN is asked for.
    await chooseCustomer(page, customers.overdue.name);
    await openAccount(page);
    const stepUp = page.getByTestId('step-up-dialog');
    await stepUp.waitFor();
    expect(await stepUp.getAttribute('aria-modal')).toBe('true');
    expect(await focused(page)).toBe('step-up-pin');
    expect(await text(page, 'step-up-id')).toBe(`Staff id ${LUCIA.staffId}`);
    expect(await text(page, 'step-up-subject')).toBe("To confirm Open Elena Romero's account");
    expect(await page.locator('main').getAttribute('inert')).not.toBeNull();
    await checkScreen(page, 'assist-step-up');
    // A guess is refused and counts towards locking the staff id.
    await tapIn(page, '[data-testid="step-up-dialog"]', '0000');
    await Promise.all([page.waitForResponse((r) => r.url().endsWith('/api/assist.openAccount')), page.getByTestId('step-up-submit').click()]);
    await expect.poll(() => text(page, 'step-up-error')).toBe("That staff id and PIN don't match. 4 attempts left before this staff id is locked.");
    // Without the PIN, nothing opens.
    await page.getByTestId('step-up-cancel').click();
    await stepUp.waitFor({ state: 'hidden' });
    await expect.poll(() => text(page, 'check-problem')).toBe('Not done: the staff PIN was not given.');
    expect(await page.getByTestId('identity-check').count()).toBe(1);
    expect(await k.core.dispatch('account.overview', {})).toMatchObject({ ok: false, error: { code: 'NOT_SIGNED_IN' } });
    const audited = () => {
      const db = openKioskLedger(k.dataDir, { readonly: true });
      const actions = db.prepare(`SELECT action FROM audit_events`).pluck().all();
      db.close();
      return actions;
    };
    expect(audited()).not.toContain('customer.identityChecked');

    // In Arabic, right to left, the same dialog; then the staff member gives their PIN and the account opens.
    await page.getByTestId('switch-ar').click();
    await page.waitForFunction(() => document.documentElement.dir === 'rtl');
    await openAccount(page);
    await stepUp.waitFor();
    await checkScreen(page, 'assist-step-up-ar');
    await tapIn(page, '[data-testid="step-up-dialog"]', LUCIA.pin);
    await Promise.all([page.waitForResponse((r) => r.url().endsWith('/api/assist.openAccount')), page.getByTestId('step-up-submit').click()]);
    await page.getByTestId('overview').waitFor();
    await page.getByTestId('switch-en').click();
    expect(audited()).toContain('customer.identityChecked');

    // A minute and more later the PIN reset asks for it again: the new PIN typed stays until it is given.
    await page.getByTestId('go-unlock').click();
    clock.advance(61_000);
    await page.getByTestId('unlock-reason').fill('Forgot the PIN');
    await page.getByTestId('unlock-pin').click();
    await tapIn(page, '[data-testid="unlock-screen"] form', '4321');
    await page.getByTestId('unlock-confirm').click();
    await tapIn(page, '[data-testid="unlock-screen"] form', '4321');
    await Promise.all([page.waitForResponse((r) => r.url().endsWith('/api/assist.resetPin')), page.getByTestId('unlock-submit').click()]);
    await stepUp.waitFor();
    expect(await text(page, 'step-up-subject')).toBe("To confirm Unlock the customer's sign-in and set their new PIN");
    await page.getByTestId('step-up-cancel').click();
    await expect.poll(() => text(page, 'unlock-problem')).toBe('Not done: the staff PIN was not given.');
    // So nobody signs in as Elena with a PIN of their choosing…
    expect(await k.core.dispatch('assist.resetPin', { newPin: '4321', reason: 'Forgot the PIN' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', details: { needs: 'staffPin' } } });
    // …until the staff member gives theirs.
    await page.getByTestId('unlock-pin').click();
    await tapIn(page, '[data-testid="unlock-screen"] form', '4321');
    await page.getByTestId('unlock-confirm').click();
    await tapIn(page, '[data-testid="unlock-screen"] form', '4321');
    await Promise.all([page.waitForResponse((r) => r.url().endsWith('/api/assist.resetPin')), page.getByTestId('unlock-submit').click()]);
    await stepUp.waitFor();
    await tapIn(page, '[data-testid="step-up-dialog"]', LUCIA.pin);
    await Promise.all([page.waitForResponse((r) => r.url().endsWith('/api/assist.resetPin')), page.getByTestId('step-up-submit').click()]);
    await page.getByTestId('unlock-done').waitFor();
    expect(audited().filter((a) => a === 'customer.unlocked')).toHaveLength(1);
    await page.getByTestId('assist-end').click();
    await page.getByTestId('attract').waitFor({ timeout: 15_000 });
    expect((await coreValue(k, 'session.signIn', { identifier: customers.overdue.accountNo, pin: '4321' })).customerName).toBe('Elena Romero');
  });
});
