import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../electron/core/security/csp.ts';

const MAIN = path.resolve('dist/electron/main.mjs');

/**
 * Finds the Electron binary the way node_modules/electron/index.js does, without requiring that
 * module: requiring it on a machine without the binary starts a download.
 */
function findElectron(): { executablePath: string } | { skipReason: string } {
  const exe = process.platform === 'win32' ? 'electron.exe' : process.platform === 'darwin' ? 'Electron.app/Contents/MacOS/Electron' : 'electron';
  let executablePath: string;
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    executablePath = path.join(override, exe);
  } else {
    const pathFile = path.resolve('node_modules/electron/path.txt');
    if (!existsSync(pathFile)) return { skipReason: 'the Electron binary was never downloaded (node_modules/electron/path.txt is missing; electron is installed for its types only)' };
    executablePath = path.resolve('node_modules/electron/dist', readFileSync(pathFile, 'utf8').trim());
  }
  if (!existsSync(executablePath)) return { skipReason: `there is no Electron binary at ${executablePath}` };
  if (!existsSync(MAIN)) return { skipReason: 'dist/electron/main.mjs is missing (run npm run build first)' };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return { skipReason: 'there is no display (set DISPLAY, e.g. under xvfb-run)' };
  return { executablePath };
}

const found = findElectron();
if ('skipReason' in found) console.log(`Electron end-to-end tests were skipped because ${found.skipReason}.`);

describe.skipIf('skipReason' in found)('the packaged shell in a real Electron', () => {
  let app: ElectronApplication;
  let page: Page;
  let dataDir: string;

  beforeAll(async () => {
    if (!('executablePath' in found)) return;
    dataDir = mkdtempSync(path.join(tmpdir(), 'kiosk-electron-e2e-'));
    // Chromium refuses to start as root with its sandbox; CI containers often run as root.
    const rootArgs = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
    app = await _electron.launch({
      executablePath: found.executablePath,
      args: [...rootArgs, MAIN],
      env: { ...process.env, KIOSK_WINDOWED: '1', KIOSK_USER_DATA_DIR: dataDir },
    });
    page = await app.firstWindow();
    await page.getByTestId('attract').waitFor();
  });

  afterAll(async () => {
    await app?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('opens one window on the attract screen, served from app://', async () => {
    expect(app.windows()).toHaveLength(1);
    expect(await page.title()).toMatch(/OneBill/);
    expect(page.url()).toMatch(/^app:\/\/kiosk\//);
    expect(await page.getByTestId('attract').isVisible()).toBe(true);
  });

  it('gives the page exactly window.kiosk with invoke and on, and no Node', async () => {
    const seen = await page.evaluate(() => {
      const g = globalThis as unknown as Record<string, unknown>;
      const kiosk = g.kiosk as Record<string, unknown> | undefined;
      return {
        kioskKeys: kiosk ? Object.keys(kiosk).sort() : null,
        require: typeof g.require,
        process: typeof g.process,
        module: typeof g.module,
        Buffer: typeof g.Buffer,
      };
    });
    expect(seen).toEqual({ kioskKeys: ['invoke', 'on'], require: 'undefined', process: 'undefined', module: 'undefined', Buffer: 'undefined' });
  });

  it('answers a contract call and refuses one outside it', async () => {
    const [info, unknown] = await page.evaluate(async () => {
      const kiosk = (globalThis as unknown as { kiosk: { invoke(c: string, i: unknown): Promise<{ ok: boolean; error?: { code: string } }> } }).kiosk;
      return [await kiosk.invoke('kiosk.info', {}), await kiosk.invoke('fs.readFile', {})];
    });
    expect(info.ok).toBe(true);
    expect(unknown).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
  });

  it('serves the screens with the strict CSP', async () => {
    const csp = await page.evaluate(async () => (await fetch('/index.html')).headers.get('content-security-policy'));
    expect(csp).toBe(CONTENT_SECURITY_POLICY);
  });

  it('refuses new windows and navigation away', async () => {
    expect(await page.evaluate(() => window.open('https://example.com/') === null)).toBe(true);
    await page.evaluate(() => {
      location.href = 'https://evil.example/';
    });
    await page.waitForTimeout(500);
    expect(page.url()).toMatch(/^app:\/\/kiosk\//);
    expect(app.windows()).toHaveLength(1);
  });
});
