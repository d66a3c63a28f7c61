import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { checkScreen, coreValue, customers, eur, focused, openJourney, plain, PORTRAIT, signedIn, tapDigits, text, useKiosks, type RunningKiosk } from './kiosk.ts';

const kiosks = useKiosks();

async function outcome(page: Page): Promise<string | null> {
  const box = page.getByTestId('pay-outcome');
  await box.waitFor();
  return box.getAttribute('data-status');
}

/** Presses keys until the element with this test id has focus (at most `limit` presses). */
async function tabTo(page: Page, testid: string, key = 'Tab', limit = 30): Promise<void> {
  for (let i = 0; i < limit; i++) {
    if ((await focused(page)) === testid) return;
    await page.keyboard.press(key);
  }
  throw new Error(`${testid} never got focus; focus is on ${await focused(page)}`);
}

async function paymentsPosted(k: RunningKiosk): Promise<number> {
  const quote = await coreValue(k, 'payment.quote', {});
  return quote.balance.amountMinor;
}

describe('pay', () => {
  it('EN: the whole balance by card; the receipt on screen and on paper; balance and bill states change at once', async () => {
    const k = await kiosks.open();
    const { page } = k;
    await signedIn(k, customers.overdue, 'en');
    const quote = await coreValue(k, 'payment.quote', {});
    expect(quote.openBills.length).toBeGreaterThan(1);
    await openJourney(page, 'pay');
    expect(await focused(page)).toBe('h1#pay-title');
    await page.getByTestId('pay-option-balance').waitFor();
    expect(await text(page, 'pay-balance')).toContain(eur(quote.totalDue.amountMinor));
    expect(await page.getByTestId('pay-option-balance').locator('input').isChecked()).toBe(true);
    expect(await page.getByTestId('pay-option-bill').evaluateAll((els) => els.map((e) => e.getAttribute('data-bill')))).toEqual(quote.openBills.map((b) => b.billNo));
    expect(await text(page, 'pay-summary')).toBe(`You pay ${eur(quote.totalDue.amountMinor)}`);
    await checkScreen(page, 'pay-en');

    await page.getByTestId('pay-submit').click();
    expect(await outcome(page)).toBe('approved');
    expect(await focused(page)).toBe('h2#outcome-title');
    expect(await text(page, 'receipt-amount')).toBe(eur(quote.totalDue.amountMinor));
    expect(await text(page, 'receipt-balance')).toBe(eur(0));
    expect(await page.getByTestId('receipt-paid-bill').allTextContents()).toEqual(quote.openBills.map((b) => eur(b.remaining.amountMinor)));
    expect(await text(page, 'receipt-method')).toBe('VISA card ending 4242');
    expect(await page.getByTestId('receipt-printed').getAttribute('data-printed')).toBe('true');
    expect(await page.getByTestId('receipt').locator('svg[role="img"] path').getAttribute('d')).toMatch(/^M\d+ \d+h/);

    // The paper receipt carries the same transaction number.
    const transactionNo = await text(page, 'receipt-transaction');
    expect(k.devices.printer.printed).toHaveLength(1);
    expect(k.devices.printer.printed[0]!.receipt.transactionNo).toBe(transactionNo);
    expect(k.devices.printer.printed[0]!.text.join('\n')).toContain(transactionNo.slice(0, 8));
    await checkScreen(page, 'pay-receipt-en');

    // At once: nothing left due, every bill settled, the overview says so.
    expect((await coreValue(k, 'payment.quote', {})).totalDue.amountMinor).toBe(0);
    for (const bill of quote.openBills) expect((await coreValue(k, 'bill.get', { billNo: bill.billNo })).state).toBe('settled');
    await page.getByTestId('pay-see-bill').click();
    await page.getByTestId('bill-detail').waitFor();
    expect(await page.getByTestId('bill-state').getAttribute('data-state')).toBe('settled');
    await page.getByTestId('back-to-account').click();
    await page.getByTestId('overview').waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid="total-due"]')?.textContent?.includes('0.00'));
  });

  it('EN: one bill, from the bill screen; the bill becomes settled and the rest stays due', async () => {
    const k = await kiosks.open();
    const { page } = k;
    await signedIn(k, customers.overdue, 'en');
    const quote = await coreValue(k, 'payment.quote', {});
    const newest = quote.openBills.at(-1)!;
    await openJourney(page, 'bill');
    await page.getByTestId('bill-detail').waitFor();
    expect(await text(page, 'bill-pay')).toBe(`Pay ${eur(newest.remaining.amountMinor)}`);
    // The summary on paper, from the same screen.
    await page.getByTestId('bill-print').click();
    await page.locator('[data-testid="bill-print-status"][data-print="printed"]').waitFor();
    expect(await text(page, 'bill-print-status')).toBe('Printed: take it from the slot below the screen.');
    expect(k.devices.printer.documents).toHaveLength(1);
    expect(k.devices.printer.documents[0]!.text.join('\n')).toContain(newest.billNo);
    await checkScreen(page, 'bill-print-en');
    await page.getByTestId('bill-pay').click();
    await page.getByTestId('pay-screen').waitFor();
    const option = page.locator(`[data-testid="pay-option-bill"][data-bill="${newest.billNo}"] input`);
    await option.waitFor();
    expect(await option.isChecked()).toBe(true);
    await page.getByTestId('pay-submit').click();
    expect(await outcome(page)).toBe('approved');
    expect(await page.getByTestId('receipt-paid-bill').allTextContents()).toEqual([eur(newest.remaining.amountMinor)]);
    expect(await text(page, 'receipt-balance')).toBe(eur(quote.totalDue.amountMinor - newest.remaining.amountMinor));
    expect((await coreValue(k, 'bill.get', { billNo: newest.billNo })).state).toBe('settled');
    const older = quote.openBills[0]!;
    const olderNow = await coreValue(k, 'bill.get', { billNo: older.billNo });
    expect(olderNow.remainingAmount.amountMinor).toBe(older.remaining.amountMinor);
  });

  it('EN: another amount is checked (empty, zero, over the cap) and changes nothing; an overpayment in cash is kept as credit', async () => {
    const k = await kiosks.open();
    const { page } = k;
    await signedIn(k, customers.paidUp);
    const quote = await coreValue(k, 'payment.quote', {});
    expect(quote.totalDue.amountMinor).toBe(0);
    await openJourney(page, 'pay');
    await page.getByTestId('pay-amount').waitFor();
    // Nothing is due: "another amount" is chosen and the keypad is there.
    expect(await page.getByTestId('pay-option-other').locator('input').isChecked()).toBe(true);
    expect(await page.getByTestId('pay-option-balance').count()).toBe(0);

    await page.getByTestId('pay-submit').click();
    expect(await text(page, 'pay-problem')).toBe('Type the amount you want to pay.');
    expect(await focused(page)).toBe('pay-amount');
    await tapDigits(page, '0');
    await page.getByTestId('pay-submit').click();
    expect(await text(page, 'pay-problem')).toBe('Enter an amount above zero.');
    await page.getByRole('button', { name: 'Clear' }).click();
    await tapDigits(page, '2500');
    await page.getByTestId('pay-submit').click();
    expect(await text(page, 'pay-problem')).toBe(`The most you can pay here in one go is ${eur(quote.maxAmount.amountMinor)}.`);
    await checkScreen(page, 'pay-error-en');
    expect(await paymentsPosted(k)).toBe(quote.balance.amountMinor);

    await page.getByRole('button', { name: 'Clear' }).click();
    await tapDigits(page, '12');
    await page.getByRole('button', { name: 'Decimal point' }).click();
    await tapDigits(page, '505'); // the third decimal is ignored
    expect(await page.getByTestId('pay-amount').inputValue()).toBe('12.50');
    expect(await text(page, 'pay-credit-note')).toBe(`${eur(1250)} more than is due: it stays on your account as credit for your next bills.`);
    await page.getByTestId('pay-method-cash').click();
    await page.getByTestId('pay-submit').click();
    expect(await outcome(page)).toBe('approved');
    const taken = (await coreValue(k, 'payment.quote', {})).balance.amountMinor;
    expect(taken).toBeLessThanOrEqual(-1250); // no change is given: every coin inserted is credit
    expect(await text(page, 'receipt-amount')).toBe(eur(-taken));
    expect(await text(page, 'receipt-credit')).toBe(eur(-taken));
    expect(await text(page, 'receipt-balance')).toBe(eur(taken));
    expect(await text(page, 'receipt-method')).toBe(`Cash, ${eur(-taken)} inserted`);
  });

  it('EN: a declined card posts nothing; Try again is a new payment', async () => {
    const k = await kiosks.open();
    const { page } = k;
    await signedIn(k, customers.paidUp);
    const before = await paymentsPosted(k);
    await openJourney(page, 'pay');
    await page.getByTestId('pay-amount').waitFor();
    await tapDigits(page, '10');
    await page.getByRole('button', { name: 'Decimal point' }).click();
    await tapDigits(page, '13'); // the simulated bank declines amounts ending in 13
    await page.getByTestId('pay-submit').click();
    expect(await outcome(page)).toBe('declined');
    expect(plain(await page.getByTestId('pay-outcome').textContent())).toContain('The card has insufficient funds. Nothing was charged.');
    expect(await page.getByTestId('receipt').count()).toBe(0);
    await page.getByTestId('toggle-contrast').click();
    await checkScreen(page, 'pay-declined-en-contrast');
    expect(await paymentsPosted(k)).toBe(before);
    expect(k.devices.printer.printed).toHaveLength(0);

    await page.getByTestId('pay-try-again').click();
    expect(await page.getByTestId('pay-amount').inputValue()).toBe('10.13');
    await page.getByRole('button', { name: 'Delete' }).click();
    await tapDigits(page, '0');
    await page.getByTestId('pay-submit').click();
    expect(await outcome(page)).toBe('approved');
    expect(await paymentsPosted(k)).toBe(before - 1010);
  });

  it('EN: the progress while the customer presents the card, and cancelling it posts nothing', async () => {
    const k = await kiosks.open({ devicePace: 'realistic' });
    const { page } = k;
    await signedIn(k, customers.nearLimit);
    const before = await paymentsPosted(k);
    k.devices.terminal.script.next('timeout'); // the customer never presents a card: the terminal waits a minute
    await openJourney(page, 'pay');
    await page.getByTestId('pay-submit').click();
    await page.locator('[data-testid="pay-progress"][data-stage="presentCard"]').waitFor();
    expect(await focused(page)).toBe('h2');
    expect(await text(page, 'pay-progress')).toContain('Tap, insert or swipe your card');
    // The customer stays for the outcome: the way back waits until the payment ends.
    expect(await page.getByTestId('back-to-account').isDisabled()).toBe(true);
    await checkScreen(page, 'pay-progress-en');
    await page.getByTestId('pay-cancel').click();
    expect(await outcome(page)).toBe('cancelled');
    expect(plain(await page.getByTestId('pay-outcome').textContent())).toContain('Nothing was charged.');
    expect(await paymentsPosted(k)).toBe(before);
  });

  it('ES, portrait: another amount with the Spanish decimal comma', async () => {
    const k = await kiosks.open({ viewport: PORTRAIT });
    const { page } = k;
    await signedIn(k, customers.overdue, 'es');
    await openJourney(page, 'pay');
    await page.getByTestId('pay-option-other').click();
    expect(await focused(page)).toBe('pay-amount');
    await tapDigits(page, '12');
    await page.getByRole('button', { name: 'Coma decimal' }).click();
    await tapDigits(page, '5');
    expect(await page.getByTestId('pay-amount').inputValue()).toBe('12,5');
    expect(await text(page, 'pay-summary')).toBe(`Pagas ${plain(eur(1250, 'es'))}`);
    await checkScreen(page, 'pay-es-portrait');
    // Switching language keeps the place and what was typed.
    await page.getByTestId('switch-en').click();
    expect(await page.getByTestId('pay-amount').inputValue()).toBe('12.5');
    expect(await text(page, 'pay-summary')).toBe(`You pay ${eur(1250)}`);
  });

  it('AR, large text, keyboard only: one bill by card, right to left, with the receipt', async () => {
    const k = await kiosks.open();
    const { page } = k;
    await signedIn(k, customers.nearLimit, 'ar');
    await page.getByTestId('toggle-large-text').click();
    const quote = await coreValue(k, 'payment.quote', {});
    const oldest = quote.openBills[0]!;
    await page.getByTestId('go-pay').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('pay-screen').waitFor();
    expect(await page.evaluate(() => document.documentElement.dir)).toBe('rtl');
    // Tab into the choices, then arrow to the oldest bill, as a keyboard user would.
    for (let i = 0; i < 10 && !(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name === 'pay-what')); i++) await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowDown');
    const option = page.locator(`[data-testid="pay-option-bill"][data-bill="${oldest.billNo}"] input`);
    expect(await option.isChecked()).toBe(true);
    await checkScreen(page, 'pay-ar-large');
    await tabTo(page, 'pay-submit');
    await page.keyboard.press('Enter');
    expect(await outcome(page)).toBe('approved');
    expect(await text(page, 'receipt-amount')).toBe(plain(eur(oldest.remaining.amountMinor, 'ar')));
    expect(await page.getByTestId('receipt-paid-bill').allTextContents().then((t) => t.map(plain))).toEqual([plain(eur(oldest.remaining.amountMinor, 'ar'))]);
    await checkScreen(page, 'pay-receipt-ar-large');
    expect((await coreValue(k, 'bill.get', { billNo: oldest.billNo })).state).toBe('settled');
  });
});
