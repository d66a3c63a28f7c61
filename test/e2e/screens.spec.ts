import { describe, it } from 'vitest';
import type { Page } from 'playwright-core';
import { customers, expectNoAxeViolations, expectTouchTargets, goToSignIn, LANDSCAPE, useKiosks, PORTRAIT, screenshot, signIn, submitSignIn } from './kiosk.ts';

const kiosks = useKiosks();

/** Every screen, checked by axe (WCAG 2.2 AA) and saved as a PNG to look at. */
async function check(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(150); // let transitions settle before the picture
  await screenshot(page, name);
  await expectNoAxeViolations(page, name);
  await expectTouchTargets(page, name);
}

describe.each([
  ['landscape', LANDSCAPE],
  ['portrait', PORTRAIT],
] as const)('every screen passes axe in %s', (orientation, viewport) => {
  it('attract, sign-in, wrong PIN, lock-out', async () => {
    const kiosk = await kiosks.open({ viewport });
    const { page } = kiosk;
    await check(page, `${orientation}-attract`);
    await goToSignIn(page);
    await check(page, `${orientation}-sign-in`);
    await page.getByTestId('identifier').fill(customers.overdue.accountNo);
    for (let i = 0; i < 5; i++) {
      await page.getByTestId('pin').fill('0000');
      await submitSignIn(page);
      if (i === 0) await check(page, `${orientation}-wrong-pin`);
    }
    await check(page, `${orientation}-locked-out`);
  });

  it('overview and the idle warning', async () => {
    const kiosk = await kiosks.open({ viewport, settings: { idle: { timeoutSeconds: 8, warningSeconds: 30 } } });
    const { page } = kiosk;
    await signIn(page, customers.nearLimit);
    await page.getByTestId('overview').waitFor();
    await check(page, `${orientation}-overview`);
    await page.getByTestId('idle-warning').waitFor({ timeout: 15_000 });
    await check(page, `${orientation}-idle-warning`);
  });
});

describe('languages and accessibility modes', () => {
  it('Arabic right-to-left, large text and high contrast pass axe', async () => {
    const kiosk = await kiosks.open({ viewport: PORTRAIT });
    const { page } = kiosk;
    await page.getByTestId('lang-ar').click();
    await page.waitForFunction(() => document.documentElement.dir === 'rtl');
    await check(page, 'rtl-attract');
    await page.getByTestId('toggle-large-text').click();
    await page.getByTestId('toggle-contrast').click();
    await signIn(page, customers.inCredit);
    await page.getByTestId('overview').waitFor();
    await check(page, 'rtl-large-contrast-overview');
  });

  it('Spanish overview of an overdue account in large text', async () => {
    const kiosk = await kiosks.open({ viewport: LANDSCAPE });
    const { page } = kiosk;
    await page.getByTestId('lang-es').click();
    await page.getByTestId('toggle-large-text').click();
    await goToSignIn(page);
    await check(page, 'es-large-sign-in');
    await page.getByTestId('identifier').fill(customers.overdue.accountNo);
    await page.getByTestId('pin').fill(customers.overdue.pin);
    await submitSignIn(page);
    await page.getByTestId('overview').waitFor();
    await check(page, 'es-large-overview');
  });
});
