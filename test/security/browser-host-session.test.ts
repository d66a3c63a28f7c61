import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { chromium as playwrightChromium } from 'playwright-core';
import { findChromium, kioskChromiumArgs, openKioskWindow, prepareProfile, PROFILE_PREFERENCES } from '../../electron/browser-host/open-window.ts';
import { LAUNCH_TOKEN_TTL_MS, SESSION_COOKIE, startBrowserHost, type BrowserHost, type BrowserHostOptions } from '../../electron/browser-host/server.ts';
import { EventBus } from '../../electron/core/infra/events.ts';
import type { KioskCore } from '../../electron/core/kiosk-core.ts';
import { createLogger } from '../../electron/core/infra/log.ts';
import { parseSettings } from '../../electron/core/settings/schema.ts';
import { freshDataDir } from '../helpers/demo-ledger.ts';
import { until } from '../helpers/until.ts';

// What the browser host's launch address and session withstand: a launch address that leaked
// (scroll-back, a log, `ps`) or is replayed, a page on another 127.0.0.1 port, another address on
// the machine, and what the throwaway Chromium profile could keep.

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};

/** The host needs only dispatch and events from the core. */
function fakeCore() {
  return {
    settings: parseSettings({}, 'test'),
    dispatch: vi.fn(async (channel: string) => ({ ok: true as const, value: { channel } })),
    events: new EventBus(),
    close: vi.fn(),
  } satisfies KioskCore;
}

function screensDir(indexHtml = '<!doctype html><title>kiosk</title>'): string {
  const dir = tempDir('onebill-screens-');
  writeFileSync(path.join(dir, 'index.html'), indexHtml);
  return dir;
}

async function host(options: Partial<BrowserHostOptions> = {}): Promise<{ host: BrowserHost; core: ReturnType<typeof fakeCore> }> {
  const core = fakeCore();
  const started = await startBrowserHost({ core, rendererDir: screensDir(), ...options });
  cleanup.push(() => started.close());
  return { host: started, core };
}

/** Opens a launch address as a browser would (no cookie yet); the session cookie it set, if any. */
async function trade(url: string): Promise<{ status: number; setCookie: string | null; cookie: string | undefined }> {
  const res = await fetch(url, { redirect: 'manual', headers: { 'sec-fetch-site': 'none' } });
  const setCookie = res.headers.get('set-cookie');
  return { status: res.status, setCookie, cookie: setCookie?.split(';')[0] };
}

const tokenOf = (launchUrl: string) => new URL(launchUrl).searchParams.get('token') ?? '';
const screens = (h: BrowserHost, cookie: string | undefined, headers: Record<string, string> = {}) =>
  fetch(`${h.origin}/index.html`, { headers: { ...(cookie ? { cookie } : {}), ...headers } });
const call = (h: BrowserHost, cookie: string | undefined, headers: Record<string, string> = {}) =>
  fetch(`${h.origin}/api/kiosk.info`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: h.origin, ...(cookie ? { cookie } : {}), ...headers },
    body: '{}',
  });

describe('the launch address works once, briefly', () => {
  it('trades its token once for a session; the same address again is refused and sets no cookie', async () => {
    const { host: h } = await host();
    const url = h.newLaunchUrl();
    const first = await trade(url);
    expect(first.status).toBe(200);
    expect(first.cookie).toBeDefined();

    const replay = await trade(url);
    expect(replay.status).toBe(401);
    expect(replay.setCookie).toBeNull();
    // The replay changed nothing for the screen that traded it.
    expect((await call(h, first.cookie)).status).toBe(200);
  });

  it('refuses many concurrent uses of one address but one', async () => {
    const { host: h } = await host();
    const url = h.newLaunchUrl();
    const results = await Promise.all(Array.from({ length: 20 }, () => trade(url)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 401)).toHaveLength(19);
  });

  it(`refuses an address opened ${LAUNCH_TOKEN_TTL_MS / 60_000} minutes or more after it was made`, async () => {
    let clock = 1_000_000;
    const { host: h } = await host({ now: () => clock });
    const late = h.newLaunchUrl();
    clock += LAUNCH_TOKEN_TTL_MS;
    const expired = await trade(late);
    expect(expired.status).toBe(401);
    expect(expired.setCookie).toBeNull();
    expect(await (await fetch(late)).json()).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    const inTime = h.newLaunchUrl();
    clock += LAUNCH_TOKEN_TTL_MS - 1;
    expect((await trade(inTime)).status).toBe(200);
  });

  it('kills an address not used yet when a new one is made', async () => {
    const { host: h } = await host();
    const older = h.newLaunchUrl();
    const newer = h.newLaunchUrl();
    expect((await trade(older)).status).toBe(401);
    expect((await trade(newer)).status).toBe(200);
  });

  it('refuses a made-up token, whatever its length', async () => {
    const { host: h } = await host();
    const real = tokenOf(h.newLaunchUrl());
    for (const guess of ['', 'x', real.slice(0, -1), `${real}x`, real.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))]) {
      expect((await trade(`${h.origin}/?token=${encodeURIComponent(guess)}`)).status).toBe(401);
    }
  });
});

describe('the session cookie', () => {
  it('is a different random value from the token, HttpOnly, SameSite=Strict, for this browser session only', async () => {
    const { host: h } = await host();
    const url = h.newLaunchUrl();
    const { setCookie, cookie } = await trade(url);
    const value = cookie!.slice(`${SESSION_COOKIE}=`.length);
    expect(setCookie).toBe(`${SESSION_COOKIE}=${value}; HttpOnly; SameSite=Strict; Path=/`);
    expect(value).not.toBe(tokenOf(url));
    expect(value).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('is all the screens need after the trade, with no token anywhere', async () => {
    const { host: h, core } = await host();
    const { cookie } = await trade(h.newLaunchUrl());
    expect((await screens(h, cookie)).status).toBe(200);
    const res = await call(h, cookie);
    expect(res.status).toBe(200);
    expect(core.dispatch).toHaveBeenCalledExactlyOnceWith('kiosk.info', {});
  });

  it('cannot be replaced by the launch token itself (the token is not a session)', async () => {
    const { host: h } = await host();
    const url = h.newLaunchUrl();
    await trade(url);
    expect((await screens(h, `${SESSION_COOKIE}=${tokenOf(url)}`)).status).toBe(401);
    expect((await call(h, `${SESSION_COOKIE}=${tokenOf(url)}`)).status).toBe(401);
  });

  it('ends, with its event stream, when another screen trades a new launch address: one kiosk, one screen', async () => {
    const { host: h } = await host();
    const first = (await trade(h.newLaunchUrl())).cookie;
    const events = await fetch(`${h.origin}/api/events`, { headers: { cookie: first! } });
    const reader = events.body!.getReader();
    await reader.read(); // ": connected"

    const second = (await trade(h.newLaunchUrl())).cookie;
    expect(second).not.toBe(first);
    expect((await call(h, first)).status).toBe(401);
    expect((await call(h, second)).status).toBe(200);
    // The first screen's stream is closed, so it hears no more of the kiosk's events.
    let chunk = await reader.read();
    while (!chunk.done) chunk = await reader.read();
    expect(chunk.done).toBe(true);
  });

  it('is refused to a page on another port of 127.0.0.1 (same site, so the cookie travels): Sec-Fetch-Site', async () => {
    const { host: h } = await host();
    const { cookie } = await trade(h.newLaunchUrl());
    for (const site of ['same-site', 'cross-site']) {
      expect((await screens(h, cookie, { 'sec-fetch-site': site })).status).toBe(403);
      expect((await fetch(`${h.origin}/api/events`, { headers: { cookie: cookie!, 'sec-fetch-site': site } })).status).toBe(403);
      expect((await call(h, cookie, { 'sec-fetch-site': site })).status).toBe(403);
    }
    // What our own pages and a typed address send.
    expect((await screens(h, cookie, { 'sec-fetch-site': 'same-origin' })).status).toBe(200);
    expect((await screens(h, cookie, { 'sec-fetch-site': 'none' })).status).toBe(200);
  });
});

describe('secrets', () => {
  it('are 32 random bytes each: the launch token and the session cookie, new every time', async () => {
    const { host: h } = await host();
    const seen = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const url = h.newLaunchUrl();
      const token = tokenOf(url);
      const cookie = (await trade(url)).cookie!.slice(`${SESSION_COOKIE}=`.length);
      for (const secret of [token, cookie]) {
        expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
        expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
        seen.add(secret);
      }
    }
    expect(seen.size).toBe(10);
  });

  it('never reach the log: not the token, not the session cookie, whatever is tried', async () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(line) } });
    let clock = 0;
    const { host: h } = await host({ log, now: () => clock });
    const used = h.newLaunchUrl();
    const { cookie } = await trade(used);
    await trade(used);
    const expired = h.newLaunchUrl();
    clock += LAUNCH_TOKEN_TTL_MS;
    await trade(expired);
    await trade(`${h.origin}/?token=made-up`);
    await call(h, cookie);
    await call(h, `${SESSION_COOKIE}=${tokenOf(used)}`);

    const text = lines.join('');
    // The log says what happened (so this test reads a real log)…
    expect(text).toContain('launch address used');
    expect(text).toContain('refused an expired launch address');
    expect(text).toContain('refused a launch address that is not the current one');
    // …and holds no secret.
    for (const secret of [tokenOf(used), tokenOf(expired), cookie!.slice(`${SESSION_COOKIE}=`.length)]) expect(text).not.toContain(secret);
  });
});

describe('the address it listens on', () => {
  it('is 127.0.0.1 only: another address of this machine finds the port closed', async () => {
    const { host: h } = await host();
    expect(new URL(h.origin).hostname).toBe('127.0.0.1');
    if (process.platform !== 'linux') {
      console.log(`skipped the 127.0.0.2 probe: only Linux answers the whole 127/8 on its loopback (this is ${process.platform})`);
      return;
    }
    // Every 127/8 address reaches this machine on Linux: a server bound to 0.0.0.0 would answer here.
    const port = Number(new URL(h.origin).port);
    const outcome = await new Promise<string>((resolve) => {
      const socket = connect({ host: '127.0.0.2', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve('connected');
      });
      socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
    });
    expect(outcome).toBe('ECONNREFUSED');
  });
});

describe('the Chromium window it opens', () => {
  it('has no launch token on its command line and password saving off in its profile and flags', () => {
    const args = kioskChromiumArgs('/tmp/profile', '/tmp/profile/launch.html');
    expect(args).toContain('--app=file:///tmp/profile/launch.html');
    expect(args).toContain('--user-data-dir=/tmp/profile');
    expect(args).toContain('--password-store=basic');
    expect(args.join(' ')).not.toMatch(/token|https?:/);
    expect(PROFILE_PREFERENCES).toEqual({
      credentials_enable_service: false,
      credentials_enable_autosignin: false,
      autofill: { profile_enabled: false, credit_card_enabled: false },
    });
  });

  it(
    'starts on a launch page only we can read, and deletes its profile when Chromium exits',
    async () => {
      const fake = fakeChromium();
      const { host: h } = await host();
      const url = h.newLaunchUrl();
      const window = openKioskWindow(url, { chromium: fake.path, tmpDir: tempDir('onebill-profiles-') });
      await until(() => existsSync(fake.report), 10_000);
      const seen = fake.read();
      expect(seen.args.join(' ')).not.toContain(tokenOf(url));
      expect(seen.launchUrl).toBe(url);
      expect(seen.launchFileMode).toBe(0o600);
      expect(seen.profileMode).toBe(0o700);
      expect(seen.preferences).toEqual(PROFILE_PREFERENCES);
      expect(seen.status).toBe(200);
      expect(existsSync(path.join(window.profileDir, 'Default', 'Login Data'))).toBe(true);

      await window.close();
      expect(existsSync(window.profileDir)).toBe(false);
    },
    20_000,
  );
});

describe('the browser host command (electron/browser-host/main.ts)', () => {
  const processes: ChildProcessWithoutNullStreams[] = [];
  afterAll(() => {
    for (const child of processes) if (child.exitCode === null) child.kill('SIGKILL');
  });

  /** Runs the browser host as `npm start` would, on a copy of the test ledger. */
  async function startCommand(args: string[], env: Record<string, string> = {}) {
    const dataDir = await freshDataDir();
    cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const child = spawn(process.execPath, ['--import', 'tsx', 'electron/browser-host/main.ts', ...args], {
      env: { ...process.env, KIOSK_DATA_DIR: dataDir, KIOSK_RENDERER_DIR: screensDir(), KIOSK_LOG_LEVEL: 'debug', TMPDIR: tempDir('onebill-tmp-'), ...env },
    });
    processes.push(child);
    const out = { stdout: '', stderr: '' };
    child.stdout.on('data', (chunk: Buffer) => (out.stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out.stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    return { child, out, exited };
  }

  it(
    'without a window, prints a one-time address to the terminal and keeps it out of the structured log',
    async () => {
      const { child, out, exited } = await startCommand([]);
      await until(() => /token=/.test(out.stdout), 30_000);
      const url = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+)/.exec(out.stdout)![1]!;
      expect(out.stdout).toContain('it works once, within 2 minutes');

      const first = await trade(url);
      expect(first.status).toBe(200);
      expect((await trade(url)).status).toBe(401);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);

      const session = first.cookie!.slice(`${SESSION_COOKIE}=`.length);
      expect(out.stderr).toContain('launch address used');
      expect(out.stderr).not.toContain(tokenOf(url));
      expect(out.stderr).not.toContain(session);
      expect(out.stdout).not.toContain(session);
    },
    60_000,
  );

  it(
    'with a window, puts no token on its command line or in the terminal, and deletes the profile when the kiosk stops',
    async () => {
      const fake = fakeChromium();
      const { child, out, exited } = await startCommand(['--open'], { CHROMIUM_PATH: fake.path, DISPLAY: ':99' });
      await until(() => existsSync(fake.report), 30_000);
      const seen = fake.read();
      expect(seen.status).toBe(200);
      const token = tokenOf(seen.launchUrl);
      expect(seen.args.join(' ')).not.toContain(token);
      expect(existsSync(seen.profile)).toBe(true);

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(existsSync(seen.profile)).toBe(false);
      expect(out.stdout).toContain('Kiosk window opened on http://127.0.0.1:');
      expect(out.stdout + out.stderr).not.toContain(token);
    },
    60_000,
  );

  it(
    'stops, deleting the profile, when its window is closed',
    async () => {
      const fake = fakeChromium();
      const { exited } = await startCommand(['--open'], { CHROMIUM_PATH: fake.path, DISPLAY: ':99', FAKE_CHROMIUM_EXIT: 'after-launch' });
      expect(await exited).toBe(0);
      const seen = fake.read();
      expect(seen.status).toBe(200);
      expect(existsSync(seen.profile)).toBe(false);
    },
    60_000,
  );
});

describe('with a real Chromium', () => {
  const chromium = findChromium();

  it(
    'opens the screens through the launch page and their calls carry the session; the profile is gone after',
    async () => {
      if (!chromium) {
        console.log('skipped: no Chromium here (CHROMIUM_PATH or /usr/bin/chromium); .ci/run installs one');
        return;
      }
      const core = fakeCore();
      const rendererDir = screensDir('<!doctype html><title>kiosk</title><script src="/call.js"></script>');
      writeFileSync(path.join(rendererDir, 'call.js'), "fetch('/api/kiosk.info', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });");
      const h = await startBrowserHost({ core, rendererDir });
      cleanup.push(() => h.close());

      const window = openKioskWindow(h.newLaunchUrl(), { chromium, extraArgs: ['--headless', '--disable-gpu'], tmpDir: tempDir('onebill-profiles-') });
      cleanup.push(() => window.close());
      await until(() => core.dispatch.mock.calls.length > 0, 30_000);
      expect(core.dispatch).toHaveBeenCalledWith('kiosk.info', {});

      await window.close();
      expect(existsSync(window.profileDir)).toBe(false);
    },
    60_000,
  );

  it(
    'reads the profile with the password manager and autofill off, as settings the user set',
    async () => {
      if (!chromium) {
        console.log('skipped: no Chromium here (CHROMIUM_PATH or /usr/bin/chromium); .ci/run installs one');
        return;
      }
      const { profileDir } = prepareProfile('http://127.0.0.1:1/', tempDir('onebill-profiles-'));
      // Chromium's own view of its preferences, through the DevTools protocol Playwright speaks.
      const context = await playwrightChromium.launchPersistentContext(profileDir, { executablePath: chromium, args: ['--no-sandbox', '--password-store=basic'] });
      cleanup.push(() => context.close());
      const page = await context.newPage();
      await page.goto('chrome://prefs-internals');
      type Pref = { value: unknown; metadata: string[] };
      const prefs = JSON.parse((await page.textContent('body')) ?? '{}') as { credentials_enable_service: Pref; credentials_enable_autosignin: Pref; autofill: Record<string, Pref> };
      for (const pref of [prefs.credentials_enable_service, prefs.credentials_enable_autosignin, prefs.autofill.profile_enabled!, prefs.autofill.credit_card_enabled!]) {
        expect(pref).toMatchObject({ value: false, metadata: expect.arrayContaining(['user_controlled']) });
      }
    },
    60_000,
  );
});

/**
 * A stand-in for Chromium: reports its command line and what it finds in the profile, opens the
 * launch page's address as Chromium would (from a file:// page: cross-site, no cookie), leaves a
 * saved-logins file behind, then waits to be told to quit (or quits at once).
 */
function fakeChromium(): { path: string; report: string; read(): FakeChromiumReport } {
  const dir = tempDir('onebill-fake-chromium-');
  const file = path.join(dir, 'chromium.mjs');
  const report = path.join(dir, 'report.json');
  writeFileSync(
    file,
    `#!${process.execPath}
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
const args = process.argv.slice(2);
const profile = args.find((a) => a.startsWith('--user-data-dir=')).slice('--user-data-dir='.length);
const launchFile = new URL(args.find((a) => a.startsWith('--app=')).slice('--app='.length));
const launchUrl = /url=([^"]+)"/.exec(readFileSync(launchFile, 'utf8'))[1].replace(/&amp;/g, '&');
const res = await fetch(launchUrl, { headers: { 'sec-fetch-site': 'cross-site' } });
writeFileSync(path.join(profile, 'Default', 'Login Data'), 'what a password store would keep');
writeFileSync(${JSON.stringify(report)}, JSON.stringify({
  args, profile, launchUrl, status: res.status,
  launchFileMode: statSync(launchFile).mode & 0o777,
  profileMode: statSync(profile).mode & 0o777,
  preferences: JSON.parse(readFileSync(path.join(profile, 'Default', 'Preferences'), 'utf8')),
}));
if (process.env.FAKE_CHROMIUM_EXIT === 'after-launch') process.exit(0);
process.on('SIGTERM', () => process.exit(0));
setInterval(() => {}, 1000);
`,
  );
  chmodSync(file, 0o755);
  return { path: file, report, read: () => JSON.parse(readFileSync(report, 'utf8')) as FakeChromiumReport };
}

interface FakeChromiumReport {
  args: string[];
  profile: string;
  launchUrl: string;
  status: number;
  launchFileMode: number;
  profileMode: number;
  preferences: unknown;
}
