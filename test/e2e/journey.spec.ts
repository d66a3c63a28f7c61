import { describe, expect, it } from 'vitest';
import { formatMoney } from '../../shared/money.ts';
import type { AccountOverview } from '../../shared/contract/schemas.ts';
import { customers, goToSignIn, useKiosks, signIn, submitSignIn, tapDigits, type RunningKiosk } from './kiosk.ts';

const kiosks = useKiosks();

/** What the core says about the signed-in account: the screen must show exactly this. */
async function coreOverview(k: RunningKiosk): Promise<AccountOverview> {
  const result = await k.core.dispatch('account.overview', {});
  if (!result.ok) throw new Error(result.error.message);
  return result.value as AccountOverview;
}

describe('customer journey in Chromium against the browser host', () => {
  it('attract → sign in with the keypad → the one account → sign out leaves nothing behind', async () => {
    const kiosk = await kiosks.open();
    const { page } = kiosk;
    expect(await page.getByRole('button', { name: 'Touch to start' }).count()).toBe(1);
    await signIn(page, customers.paidUp);
    const overview = page.getByTestId('overview');
    await overview.waitFor();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain(customers.paidUp.name);
    expect(await page.getByTestId('service-card').count()).toBe(4);
    expect(await page.getByTestId('service-card').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-kind')))).toEqual([
      'mobile',
      'mobile',
      'broadband',
      'tv',
    ]);
    const view = await coreOverview(kiosk);
    expect(view.totalDue.amountMinor).toBe(0);
    expect(await page.getByTestId('total-due').textContent()).toContain('€0.00');
    expect(await page.getByTestId('credit-limit').textContent()).toContain(formatMoney(view.creditLimit, 'en'));
    expect(await page.getByTestId('last-bill').textContent()).toContain(formatMoney(view.lastBill!.amountDue, 'en'));
    expect(await page.getByTestId('last-bill').textContent()).toContain(view.lastBill!.billNo);
    // The billing engine's figures: this cycle's unbilled usage and the add-ons riding on a service.
    const unbilled = (await page.getByTestId('unbilled').textContent())!;
    if (view.unbilledCharges.amountMinor > 0) expect(unbilled).toContain(formatMoney(view.unbilledCharges, 'en'));
    else expect(unbilled).toContain('No extra usage charges');
    const addOns = view.services.flatMap((s) => s.addOns);
    expect(await page.getByTestId('add-ons').locator('li').allTextContents()).toEqual(addOns.map((a) => `${a.name}: ${formatMoney(a.recurringCharge, 'en')} a month`));
    await page.getByTestId('service-card').first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: 'test-results/screenshots/landscape-overview-services.png' });

    await page.getByTestId('sign-out').click();
    await page.getByTestId('attract').waitFor();
    expect(await page.content()).not.toContain(customers.paidUp.name);
  });

  it('shows an overdue account with its amount and due date', async () => {
    const kiosk = await kiosks.open();
    const { page } = kiosk;
    await signIn(page, customers.overdue);
    await page.getByTestId('overview').waitFor();
    const view = await coreOverview(kiosk);
    expect(view.paymentStatus).toBe('overdue');
    expect(view.overdueAmount.amountMinor).toBeGreaterThan(0);
    // Elena's language is Spanish: the screen switched to it after sign-in.
    expect(await page.getByTestId('total-due').textContent()).toContain(formatMoney(view.totalDue, 'es'));
    const due = new Intl.DateTimeFormat('es', { day: 'numeric', month: 'long', timeZone: 'UTC' }).format(new Date(view.dueDate!));
    expect(await page.getByTestId('due-date').textContent()).toContain(due);
  });

  it('signs in with a barcode reader typing the account number and Enter on the attract screen', async () => {
    const kiosk = await kiosks.open();
    const { page } = kiosk;
    // A wedge reader types its burst within milliseconds; the test harness's key-by-key round trips
    // can leave longer gaps on a busy machine, so the burst is sent as key events in one go in the page.
    await page.evaluate((digits) => {
      for (const key of [...digits, 'Enter']) window.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
    }, customers.inCredit.accountNo);
    await page.getByTestId('pin').waitFor();
    expect(await page.getByTestId('identifier').inputValue()).toBe(customers.inCredit.accountNo);
    await page.keyboard.type(customers.inCredit.pin);
    await page.keyboard.press('Enter');
    await page.getByTestId('overview').waitFor();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain(customers.inCredit.name);
  });

  it('a wrong PIN says how many tries are left, and an unknown number reads the same', async () => {
    const kiosk = await kiosks.open();
    const { page } = kiosk;
    await signIn(page, { accountNo: customers.paidUp.accountNo, pin: '9999' });
    const error = page.getByTestId('sign-in-error');
    await error.waitFor();
    const wrongPin = await error.textContent();
    expect(wrongPin).toContain('4');
    expect(await page.getByTestId('overview').count()).toBe(0);

    await page.getByTestId('identifier').fill('');
    await page.getByTestId('identifier').click();
    await tapDigits(page, '4999999992');
    await page.getByTestId('pin').fill('');
    await page.getByTestId('pin').click();
    await tapDigits(page, '9999');
    await submitSignIn(page);
    await expect.poll(() => error.textContent()).toBe(wrongPin);
  });

  it('locks the account after 5 wrong PINs, even for the right PIN, and after a restart', async () => {
    const kiosk = await kiosks.open();
    const { page } = kiosk;
    await goToSignIn(page);
    await page.getByTestId('identifier').fill(customers.nearLimit.accountNo);
    for (let i = 0; i < 5; i++) {
      await page.getByTestId('pin').fill('0000');
      await submitSignIn(page);
    }
    // The answer has arrived but the screen may not have painted it yet: poll.
    await expect.poll(() => page.getByTestId('sign-in-error').textContent()).toMatch(/too many/i);
    await page.getByTestId('pin').fill(customers.nearLimit.pin);
    await submitSignIn(page);
    await expect.poll(() => page.getByTestId('sign-in-error').textContent()).toMatch(/too many/i);
    expect(await page.getByTestId('overview').count()).toBe(0);

    await kiosk.close();
    const restarted = await kiosks.open({ dataDir: kiosk.dataDir });
    await signIn(restarted.page, customers.nearLimit);
    await expect.poll(() => restarted.page.getByTestId('sign-in-error').textContent()).toMatch(/too many/i);
  });

  it('idle timeout warns with a countdown, then wipes the DOM, storage, IndexedDB and caches', async () => {
    const kiosk = await kiosks.open({ settings: { idle: { timeoutSeconds: 5, warningSeconds: 4 } } });
    const { page } = kiosk;
    await signIn(page, customers.paidUp);
    await page.getByTestId('overview').waitFor();
    // Leave traces a careless screen might leave, to prove the wipe removes them.
    await page.evaluate(async () => {
      localStorage.setItem('trace', 'customer');
      sessionStorage.setItem('trace', 'customer');
      await new Promise<void>((resolve, reject) => {
        const req = indexedDB.open('trace-db');
        req.onsuccess = () => {
          req.result.close();
          resolve();
        };
        req.onerror = () => reject(req.error);
      });
      await (await caches.open('trace-cache')).put('/trace', new Response('customer'));
    });
    const warning = page.getByTestId('idle-warning');
    await warning.waitFor({ timeout: 10_000 });
    const first = Number(await page.getByTestId('idle-countdown').textContent());
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThanOrEqual(4);
    await page.getByTestId('attract').waitFor({ timeout: 15_000 });
    const left = await page.evaluate(async () => ({
      local: localStorage.length,
      session: sessionStorage.length,
      dbs: (await indexedDB.databases()).length,
      caches: (await caches.keys()).length,
      html: document.documentElement.outerHTML,
    }));
    expect(left.local).toBe(0);
    expect(left.session).toBe(0);
    expect(left.dbs).toBe(0);
    expect(left.caches).toBe(0);
    expect(left.html).not.toContain(customers.paidUp.name);
    expect(left.html).not.toContain(customers.paidUp.accountNo);
    expect(await kiosk.core.dispatch('account.overview', {})).toMatchObject({ ok: false, error: { code: 'NOT_SIGNED_IN' } });
  });

  it('"I\'m still here" keeps the session going', async () => {
    const kiosk = await kiosks.open({ settings: { idle: { timeoutSeconds: 5, warningSeconds: 5 } } });
    const { page } = kiosk;
    await signIn(page, customers.paidUp);
    await page.getByTestId('idle-warning').waitFor({ timeout: 10_000 });
    await page.getByRole('button', { name: "I'm still here" }).click();
    await page.getByTestId('idle-warning').waitFor({ state: 'hidden' });
    expect(await page.getByTestId('overview').count()).toBe(1);
  });
});
