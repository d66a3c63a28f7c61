import type { Page } from 'playwright-core';
import { launchBrowser, openKiosk, signIn, customers } from '../test/e2e/kiosk.ts';
import { compare, report, summarise } from './stats.ts';

/**
 * Screen response in Chromium against the browser host and the real core: the time from a tap
 * to the next screen painted (its content in the DOM, then two animation frames), for each step
 * of the journey, over RUNS runs. Beside it, in the same page and run, the time to paint a static
 * page of the same size: the next screen's finished DOM and stylesheets set in a blank page.
 */
const RUNS = Number(process.env.BENCH_RUNS ?? 50);

interface Step {
  name: string;
  tap: string;
  ready: string;
}

/** The journey measured; each step starts on the screen the one before ends on. */
const STEPS: readonly Step[] = [
  { name: 'overview → bill', tap: 'go-bill', ready: 'bill-detail' },
  { name: 'bill → pay', tap: 'bill-pay', ready: 'pay-submit' },
  { name: 'pay → overview', tap: 'back-to-account', ready: 'overview' },
];

// The in-page code is a string: tsx names functions for stack traces (__name), which does not exist in the page.
const TAP_TO_PAINT = `(async ({ tap, ready }) => {
  const target = document.querySelector('[data-testid="' + tap + '"]');
  if (!target) throw new Error('no ' + tap + ' on this screen');
  const start = performance.now();
  target.click();
  for (;;) {
    await new Promise((r) => requestAnimationFrame(r));
    const el = document.querySelector('[data-testid="' + ready + '"]');
    if (el && !el.closest('[aria-busy="true"]')) break;
  }
  await new Promise((r) => requestAnimationFrame(r));
  await new Promise((r) => requestAnimationFrame(r));
  return { ms: performance.now() - start, html: document.body.innerHTML };
})`;

const STATIC_PAINT = `(async (markup) => {
  const start = performance.now();
  document.body.innerHTML = markup;
  await new Promise((r) => requestAnimationFrame(r));
  await new Promise((r) => requestAnimationFrame(r));
  return performance.now() - start;
})`;

/** In the page: tap, wait for the next screen's content, then for it to be painted. */
async function tapToPaint(page: Page, step: Step): Promise<{ ms: number; html: string }> {
  // A page in the background gets its animation frames throttled: measure each in front.
  await page.bringToFront();
  return page.evaluate(`${TAP_TO_PAINT}(${JSON.stringify({ tap: step.tap, ready: step.ready })})`) as Promise<{ ms: number; html: string }>;
}

/** In a blank page with the same stylesheets: set the finished DOM and wait for it to be painted. */
async function staticPaint(page: Page, html: string): Promise<number> {
  await page.bringToFront();
  return page.evaluate(`${STATIC_PAINT}(${JSON.stringify(html)})`) as Promise<number>;
}

export async function screenResponseBench(): Promise<void> {
  const browser = await launchBrowser();
  const kiosk = await openKiosk(browser);
  try {
    // A customer with a bill to pay, so the bill screen offers "Pay".
    await signIn(kiosk.page, customers.overdue);
    await kiosk.page.getByTestId('overview').waitFor();
    const css = (await kiosk.page.evaluate(
      `[...document.styleSheets].map((sheet) => [...sheet.cssRules].map((rule) => rule.cssText).join('\\n')).join('\\n')`,
    )) as string;
    const blank = await kiosk.context.newPage();
    await blank.setContent(`<!doctype html><html lang="en"><head><style>${css}</style></head><body></body></html>`);

    const figure = new Map(STEPS.map((s) => [s.name, new Float64Array(RUNS)]));
    const baseline = new Map(STEPS.map((s) => [s.name, new Float64Array(RUNS)]));
    for (let run = -3; run < RUNS; run++) {
      for (const step of STEPS) {
        const { ms, html } = await tapToPaint(kiosk.page, step);
        const still = await staticPaint(blank, html);
        if (run < 0) continue; // warm-up
        (figure.get(step.name) as Float64Array)[run] = ms * 1000;
        (baseline.get(step.name) as Float64Array)[run] = still * 1000;
      }
    }
    for (const step of STEPS) {
      report(
        compare(
          `screen ${step.name}`,
          summarise(figure.get(step.name) as Float64Array),
          'static page of the same DOM and stylesheets, painted in the same run',
          summarise(baseline.get(step.name) as Float64Array),
          'p99 under 100 ms',
          { runs: RUNS, chromium: browser.version() },
        ),
      );
    }
  } finally {
    await kiosk.close();
    await browser.close();
  }
}
