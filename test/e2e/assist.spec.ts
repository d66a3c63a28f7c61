import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Settings } from '../../electron/core/settings/schema.ts';
import { checkScreen, customers, focused, openJourney, plain, PORTRAIT, signedIn, text, useKiosks } from './kiosk.ts';

const kiosks = useKiosks();

const LUCIA = { staffId: 'AG-1001', name: 'Lucía Martín', pin: '2468' };
const OMAR = { staffId: 'SV-2001', name: 'Omar Haddad', pin: '1357' };

/** Types on the dialog's own keypad (the screen under it is inert). */
async function tapStaffDigits(page: Page, digits: string): Promise<void> {
  const dialog = page.getByTestId('staff-sign-in-dialog');
  for (const d of digits) await dialog.getByRole('button', { name: d, exact: true }).click();
}

/** Presses the dialog's Sign in key and waits for the core's answer. */
async function submitStaff(page: Page): Promise<void> {
  await Promise.all([page.waitForResponse((r) => r.url().endsWith('/api/staff.signIn')), page.getByTestId('staff-sign-in-submit').click()]);
}

/** A badge reader: the staff id typed as keys, then Enter, into whatever has focus. */
async function scanBadge(page: Page, staffId: string): Promise<void> {
  await page.keyboard.type(staffId);
  await page.keyboard.press('Enter');
}

async function staffSignIn(page: Page, who: { staffId: string; pin: string }): Promise<void> {
  await page.getByTestId('staff-open').click();
  await page.getByTestId('staff-sign-in-dialog').waitFor();
  await scanBadge(page, who.staffId);
  await tapStaffDigits(page, who.pin);
  await submitStaff(page);
  await page.getByTestId('assist-banner').waitFor();
}

async function leaveTraces(page: Page): Promise<void> {
  await page.evaluate(async () => {
    localStorage.setItem('trace', 'customer');
    sessionStorage.setItem('trace', 'customer');
    await (await caches.open('trace-cache')).put('/trace', new Response('customer'));
  });
}

async function whatIsLeft(page: Page): Promise<{ local: number; session: number; caches: number; html: string }> {
  return page.evaluate(async () => ({
    local: localStorage.length,
    session: sessionStorage.length,
    caches: (await caches.keys()).length,
    html: document.documentElement.outerHTML,
  }));
}

describe('assist mode: staff sign-in and the banner', () => {
  it('an agent signs in over a customer’s bill: the bill stays, the banner names them in English and Arabic; ending assist mode clears the kiosk', async () => {
    const k = await kiosks.open();
    const { page } = k;
    await signedIn(k, customers.paidUp, 'en');
    await openJourney(page, 'bill');
    await page.getByTestId('bill-detail').waitFor();
    const billNo = await page.getByTestId('bill-detail').getAttribute('data-bill');
    await leaveTraces(page);

    // A discreet Staff sign-in control on the customer's screen; it opens a modal dialog on the staff id.
    await page.getByTestId('staff-open').click();
    const dialog = page.getByTestId('staff-sign-in-dialog');
    await dialog.waitFor();
    expect(await dialog.getAttribute('aria-modal')).toBe('true');
    expect(await focused(page)).toBe('staff-id');
    expect(await page.locator('main').getAttribute('inert')).not.toBeNull();
    await checkScreen(page, 'assist-sign-in-dialog');

    // Escape closes it and focus goes back to the control; Tab stays inside while it is open.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await focused(page)).toBe('staff-open');
    await page.getByTestId('staff-open').click();
    await dialog.waitFor();
    for (let i = 0; i < 20; i++) {
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.querySelector('[data-testid="staff-sign-in-dialog"]')?.contains(document.activeElement))).toBe(true);
    }
    await page.getByTestId('staff-id').focus();

    // A badge reader types the id (any case) and Enter: the PIN is next.
    await scanBadge(page, LUCIA.staffId.toLowerCase());
    expect(await page.getByTestId('staff-id').inputValue()).toBe(LUCIA.staffId);
    expect(await focused(page)).toBe('staff-pin');

    // A wrong PIN says how many attempts are left.
    await tapStaffDigits(page, '0000');
    await submitStaff(page);
    await expect.poll(() => text(page, 'staff-sign-in-error')).toBe("That staff id and PIN don't match. 4 attempts left before this staff id is locked.");
    expect(await focused(page)).toBe('staff-pin');
    await checkScreen(page, 'assist-sign-in-error');

    await tapStaffDigits(page, LUCIA.pin);
    await submitStaff(page);
    const banner = page.getByTestId('assist-banner');
    await banner.waitFor();
    await dialog.waitFor({ state: 'hidden' });
    // The customer's place is kept: the same bill, still signed in.
    expect(await page.getByTestId('bill-screen').count()).toBe(1);
    expect(await page.getByTestId('bill-detail').getAttribute('data-bill')).toBe(billNo);
    expect(await text(page, 'assist-name')).toBe(LUCIA.name);
    expect(await text(page, 'assist-role')).toBe('Agent');
    expect(plain(await banner.textContent())).toContain('Assist mode');
    expect(await page.getByTestId('staff-open').count()).toBe(0);
    expect(await focused(page)).toBe('assist-banner');
    await checkScreen(page, 'assist-banner-en');

    // Arabic, right to left: the banner is there in Arabic and the bill is still the same.
    await page.getByTestId('switch-ar').click();
    await page.waitForFunction(() => document.documentElement.dir === 'rtl');
    expect(await text(page, 'assist-role')).toBe('موظف خدمة');
    expect(plain(await banner.textContent())).toContain('وضع المساعدة');
    expect(await text(page, 'assist-end')).toBe('إنهاء وضع المساعدة');
    expect(await page.getByTestId('bill-detail').getAttribute('data-bill')).toBe(billNo);
    await checkScreen(page, 'assist-banner-ar');

    // Large text, then high contrast: the banner keeps its own colours and stays readable.
    await page.getByTestId('switch-en').click();
    await page.getByTestId('toggle-large-text').click();
    await checkScreen(page, 'assist-banner-large-text');
    await page.getByTestId('toggle-contrast').click();
    await checkScreen(page, 'assist-banner-high-contrast');

    // Ending assist mode signs the customer out too and leaves nothing behind.
    await page.getByTestId('assist-end').click();
    await page.getByTestId('attract').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('assist-banner').count()).toBe(0);
    const left = await whatIsLeft(page);
    expect(left).toMatchObject({ local: 0, session: 0, caches: 0 });
    for (const trace of [customers.paidUp.name, customers.paidUp.accountNo, billNo!, LUCIA.name]) expect(left.html).not.toContain(trace);
    expect(await k.core.dispatch('staff.session', {})).toEqual({ ok: true, value: null });
    expect(await k.core.dispatch('account.overview', {})).toMatchObject({ ok: false, error: { code: 'NOT_SIGNED_IN' } });
  });

  it('from the attract screen in portrait: a supervisor, the banner back after a reload, a customer signing out keeps assist mode', async () => {
    const k = await kiosks.open({ viewport: PORTRAIT });
    const { page } = k;
    await staffSignIn(page, OMAR);
    // With no customer on the kiosk, assist mode opens on the assist desk; its way out leads back to the start.
    await page.getByTestId('desk-screen').waitFor();
    expect(await focused(page)).toBe('h1#desk-title');
    await page.getByTestId('back-to-account').click();
    await page.getByTestId('attract').waitFor();
    expect(await text(page, 'assist-name')).toBe(OMAR.name);
    expect(await text(page, 'assist-role')).toBe('Supervisor');
    await checkScreen(page, 'assist-banner-attract-portrait');

    await page.reload();
    await page.getByTestId('attract').waitFor();
    await page.getByTestId('assist-banner').waitFor();
    expect(await text(page, 'assist-name')).toBe(OMAR.name);

    // A customer served in assist mode: the banner is on their screens too, in their language.
    await signedIn(k, customers.overdue, 'es');
    expect(await text(page, 'assist-role')).toBe('Supervisor');
    expect(await text(page, 'assist-end')).toBe('Salir del modo asistencia');
    await checkScreen(page, 'assist-banner-es-portrait');
    await page.getByTestId('sign-out').click();
    await page.getByTestId('attract').waitFor({ timeout: 15_000 });
    await page.getByTestId('assist-banner').waitFor();
    expect(await page.content()).not.toContain(customers.overdue.name);
  });

  it('errors in every language, in large text: a locked staff id says until when (Intl), a bad id says what an id is', async () => {
    const k = await kiosks.open();
    const { page } = k;
    await page.getByTestId('lang-es').click();
    await page.getByTestId('toggle-large-text').click(); // the dialog in large text too
    await page.getByTestId('staff-open').click();
    await page.getByTestId('staff-sign-in-dialog').waitFor();
    // Too short for a staff id: the screen says so before asking the core.
    await page.getByTestId('staff-id').fill('A');
    await page.getByTestId('staff-pin').fill('1234');
    await page.getByTestId('staff-sign-in-submit').click();
    await expect.poll(() => text(page, 'staff-sign-in-error')).toBe('El identificador tiene de 2 a 24 letras, números o guiones, como en tu tarjeta.');
    expect(await focused(page)).toBe('staff-id');

    await page.getByTestId('staff-id').fill('AG-1002');
    for (let i = 0; i < 5; i++) {
      await page.getByTestId('staff-pin').fill('9999');
      await submitStaff(page);
    }
    const locked = await k.core.dispatch('staff.signIn', { staffId: 'AG-1002', pin: '8642' });
    expect(locked).toMatchObject({ ok: false, error: { code: 'LOCKED_OUT' } });
    const until = (locked as unknown as { error: { details: { lockedUntil: string } } }).error.details.lockedUntil;
    const time = new Intl.DateTimeFormat('es-ES', { hour: '2-digit', minute: '2-digit' }).format(new Date(until));
    await expect.poll(() => text(page, 'staff-sign-in-error')).toBe(`Demasiados PIN incorrectos. Este identificador está bloqueado hasta las ${time}.`);
    // The same in Arabic: the screen under the dialog is inert, so close it, choose Arabic and try again.
    await page.keyboard.press('Escape');
    await page.getByTestId('lang-ar').click();
    await page.getByTestId('staff-open').click();
    await scanBadge(page, 'AG-1002');
    await tapStaffDigits(page, '8642');
    await submitStaff(page);
    const timeAr = new Intl.DateTimeFormat('ar', { hour: '2-digit', minute: '2-digit' }).format(new Date(until));
    await expect.poll(() => text(page, 'staff-sign-in-error')).toBe(`رموز PIN خاطئة كثيرة. رقم الموظف هذا مقفل حتى ${plain(timeAr)}.`);
    await checkScreen(page, 'assist-sign-in-locked-ar');
    expect(await page.getByTestId('assist-banner').count()).toBe(0);
  });

  it('the staff idle warning: only the staff PIN carries on, a customer’s taps do not; left alone, assist mode ends and the kiosk is cleared', async () => {
    const k = await kiosks.open({ settings: { idle: { timeoutSeconds: 30, warningSeconds: 10 }, assist: { idle: { timeoutSeconds: 5, warningSeconds: 10 } } } as Partial<Settings> });
    const { page } = k;
    await signedIn(k, customers.paidUp, 'en');
    await staffSignIn(page, LUCIA);
    // The customer goes on using their account: it keeps their session, not assist mode.
    await page.getByTestId('go-bill').click();
    await page.getByTestId('bill-screen').waitFor();
    const warning = page.getByTestId('assist-idle-warning');
    await warning.waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('idle-warning').count()).toBe(0);
    expect(await focused(page)).toBe('assist-continue-pin');
    expect(await text(page, 'assist-continue-id')).toContain(LUCIA.staffId);
    await checkScreen(page, 'assist-idle-warning');
    const keypad = page.locator('[data-testid="assist-idle-warning"]');
    for (const d of '1111') await keypad.getByRole('button', { name: d, exact: true }).click();
    await Promise.all([page.waitForResponse((r) => r.url().endsWith('/api/staff.signIn')), page.getByTestId('assist-continue').click()]);
    await expect.poll(() => text(page, 'assist-continue-error')).toBe("That staff id and PIN don't match. 4 attempts left before this staff id is locked.");
    for (const d of LUCIA.pin) await keypad.getByRole('button', { name: d, exact: true }).click();
    await Promise.all([page.waitForResponse((r) => r.url().endsWith('/api/staff.signIn')), page.getByTestId('assist-continue').click()]);
    await warning.waitFor({ state: 'hidden' });
    expect(await page.getByTestId('assist-banner').count()).toBe(1);
    expect(await page.getByTestId('bill-screen').count()).toBe(1);

    // Nobody gives the PIN again: assist mode ends with the customer's session and the kiosk is clean.
    await page.getByTestId('attract').waitFor({ timeout: 25_000 });
    expect(await page.getByTestId('assist-banner').count()).toBe(0);
    expect(await page.content()).not.toContain(customers.paidUp.name);
    expect(await k.core.dispatch('staff.session', {})).toEqual({ ok: true, value: null });
  });
});
