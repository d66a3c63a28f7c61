import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { formatMoney, money } from '../../shared/money.ts';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { startBrowserHost, type BrowserHost } from '../../electron/browser-host/server.ts';
import type { KioskCore } from '../../electron/core/kiosk-core.ts';
import type { ChannelInput, ChannelName, ChannelOutput } from '../../shared/contract/index.ts';
import type { Settings } from '../../electron/core/settings/schema.ts';
import { startTestCore } from '../helpers/demo-ledger.ts';
import { simulatedDevices, type SimulatedDevices } from '../../electron/core/devices/simulated-devices.ts';
import { CHROMIUM_ARGS, chromiumPath } from './chromium.ts';

export const PORTRAIT = { width: 1080, height: 1920 };
export const LANDSCAPE = { width: 1920, height: 1080 };
export const SCREENSHOTS = path.resolve('test-results/screenshots');

/** A demo customer of the seeded branch (see README). */
export const customers = {
  paidUp: { accountNo: '4000000002', phone: '600000000', pin: '1234', name: 'James Taylor' },
  overdue: { accountNo: '4000000010', pin: '2468', name: 'Elena Romero' },
  inCredit: { accountNo: '4000000028', pin: '1357', name: 'Salma Farouk' },
  nearLimit: { accountNo: '4000000036', pin: '8642', name: 'Chloe Wright' },
};

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
}

export interface RunningKiosk {
  core: KioskCore;
  host: BrowserHost;
  dataDir: string;
  /** The simulated terminal, cash acceptor and printer the core pays with (their journals, what was printed). */
  devices: SimulatedDevices;
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** A fresh ledger copy, the real core, the browser host and a kiosk page signed in to nothing. */
export async function openKiosk(
  browser: Browser,
  options: {
    settings?: Partial<Settings>;
    viewport?: { width: number; height: number };
    dataDir?: string;
    devicePace?: 'instant' | 'realistic';
    /** The core's clock (a TestClock's `now`, to move it on); stopped at the suite's instant by default. */
    now?: () => Date;
  } = {},
): Promise<RunningKiosk> {
  let devices: SimulatedDevices | undefined;
  const { core, dataDir } = await startTestCore(options.settings ?? {}, options.dataDir, options.now, (dir) => (devices = simulatedDevices(dir, options.devicePace ?? 'instant')));
  if (!devices) throw new Error('the core started without its devices');
  const host = await startBrowserHost({ core, rendererDir: path.resolve('dist/renderer') });
  const context = await browser.newContext({ viewport: options.viewport ?? LANDSCAPE });
  const page = await context.newPage();
  await page.goto(host.newLaunchUrl());
  await page.getByTestId('attract').waitFor();
  let closed = false;
  return {
    core,
    host,
    dataDir,
    devices,
    context,
    page,
    async close() {
      if (closed) return;
      closed = true;
      await context.close();
      await host.close();
      core.close();
    },
  };
}

type OpenOptions = Parameters<typeof openKiosk>[1];

/** One Chromium per spec file; every kiosk a test opens is closed after it. */
export function useKiosks(): { open(options?: OpenOptions): Promise<RunningKiosk> } {
  let browser: Browser | undefined;
  const opened: RunningKiosk[] = [];
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterEach(async () => {
    for (const kiosk of opened.splice(0)) await kiosk.close();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return {
    async open(options) {
      if (!browser) throw new Error('useKiosks() must be called at the top of a spec file');
      const kiosk = await openKiosk(browser, options);
      opened.push(kiosk);
      return kiosk;
    },
  };
}

export async function goToSignIn(page: Page): Promise<void> {
  await page.getByTestId('start').click();
  await page.getByTestId('identifier').waitFor();
}

/** Types with the on-screen keypad, as a customer at the kiosk would. */
export async function tapDigits(page: Page, digits: string): Promise<void> {
  for (const d of digits) await page.getByRole('button', { name: d, exact: true }).click();
}

export async function signIn(page: Page, who: { accountNo: string; pin: string }): Promise<void> {
  await goToSignIn(page);
  await page.getByTestId('identifier').click();
  await tapDigits(page, who.accountNo);
  await page.getByTestId('pin').click();
  await tapDigits(page, who.pin);
  await submitSignIn(page);
}

/** Presses "Sign in" and waits for the core's answer (the error region is always in the page). */
export async function submitSignIn(page: Page): Promise<void> {
  await Promise.all([page.waitForResponse((r) => r.url().endsWith('/api/session.signIn')), page.getByTestId('sign-in').click()]);
}

export async function expectNoAxeViolations(page: Page, label: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
  const summary = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  expect(summary, `axe violations on ${label}`).toEqual([]);
}

/** Every visible control a finger can hit (with its label, for an input inside one) is at least 48×48 CSS px (docs/architecture.md §6). */
export async function expectTouchTargets(page: Page, label: string, min = 48): Promise<void> {
  const small = await page.evaluate((minimum) => {
    const controls = document.querySelectorAll<HTMLElement>('button, input, select, a[href], [role="button"]');
    return [...controls]
      .filter((el) => el.offsetParent !== null || getComputedStyle(el).position === 'fixed')
      // A radio or checkbox is hit through its whole label: the label is the target.
      .map((el) => ({ el, box: (el instanceof HTMLInputElement && (el.type === 'radio' || el.type === 'checkbox') && el.labels?.[0] ? el.labels[0] : el).getBoundingClientRect() }))
      .filter(({ box }) => box.width > 0 && (box.width < minimum || box.height < minimum))
      .map(({ el, box }) => `${el.tagName.toLowerCase()} "${(el.textContent ?? el.getAttribute('aria-label') ?? '').trim().slice(0, 30)}" ${Math.round(box.width)}×${Math.round(box.height)}`);
  }, min);
  expect(small, `touch targets under ${min}px on ${label}`).toEqual([]);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

/** What the core answers on a channel for the signed-in customer: the screen must show exactly this. */
export async function coreValue<C extends ChannelName>(kiosk: RunningKiosk, channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>> {
  const result = await kiosk.core.dispatch(channel, input);
  if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
  return result.value as ChannelOutput<C>;
}

/** A screen or state: saved as a PNG to look at, checked by axe (WCAG 2.2 AA) and for 48 px touch targets. */
export async function checkScreen(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(150); // let transitions settle before the picture
  await screenshot(page, name);
  await expectNoAxeViolations(page, name);
  await expectTouchTargets(page, name);
}

/** From the overview, one of the journey tiles: waits for the journey's screen. */
export async function openJourney(page: Page, journey: 'bill' | 'usage' | 'pay' | 'credit' | 'services' | 'offers'): Promise<void> {
  await page.getByTestId(`go-${journey}`).click();
  await page.getByTestId(`${journey}-screen`).waitFor();
}

export const eur = (amountMinor: number, locale = 'en'): string => formatMoney(money(amountMinor, 'EUR'), locale);
/** Text as a customer reads it: bidi isolation marks and the kinds of space Intl uses made plain. */
export const plain = (text: string | null): string => (text ?? '').replace(/[\u2066-\u2069\u200e\u200f]/g, '').replace(/[\u00a0\u202f\u2009]/g, ' ').trim();
export const text = async (page: Page, testid: string): Promise<string> => plain(await page.getByTestId(testid).first().textContent());

/** Signs a demo customer in (choosing the language on the attract screen first) and waits for the overview. */
export async function signedIn(k: RunningKiosk, who: { accountNo: string; pin: string }, language?: 'en' | 'es' | 'ar'): Promise<void> {
  if (language) await k.page.getByTestId(`lang-${language}`).click();
  await signIn(k.page, who);
  await k.page.getByTestId('overview').waitFor();
}

/** The element that has focus, as tag#id or its test id, to assert where focus went. */
export async function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el) return '';
    return el.getAttribute('data-testid') ?? (el.id ? `${el.tagName.toLowerCase()}#${el.id}` : el.tagName.toLowerCase());
  });
}
