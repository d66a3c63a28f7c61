import hardenedWindow from '../../build/hardened-window.json' with { type: 'json' };
import type { BrowserWindow, BrowserWindowConstructorOptions } from 'electron';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { REFUSED_SWITCHES, refuseDebugSwitches, refusedSwitches } from '../../electron/shell/command-line.ts';
import { attachCrashGuard, OUT_OF_SERVICE_URL } from '../../electron/shell/crash-guard.ts';
import { createKioskWindow, kioskWindowOptions } from '../../electron/shell/window.ts';
import { CONTENT_SECURITY_POLICY, SECURITY_HEADERS } from '../../electron/core/security/csp.ts';
import { FakeBrowserWindow } from '../electron/fakes.ts';

vi.mock('electron', () => ({}));

// What the Electron kiosk withstands from the page it shows (a script that got in, a hostile link,
// a file dropped on the screen, a page that keeps crashing) and from whoever can edit the way it is
// started. Each value is stated here in full: loosening any one of them fails this file.

/** Every webPreference of the kiosk window, as it must be in a packaged build (the one statement of them, which the security scan checks too). */
const HARDENED_WEB_PREFERENCES = { preload: '/opt/onebill-kiosk/resources/app.asar/dist/electron/preload.cjs', ...hardenedWindow.webPreferences };

describe('the kiosk window gives its page nothing more than a web page', () => {
  const packaged = { preloadPath: HARDENED_WEB_PREFERENCES.preload, isPackaged: true, env: {} };

  it('has exactly the hardened options in a packaged build: no Node, sandbox, isolation, no experimental or Blink features, no drag-and-drop navigation, dialogs that can be stopped', () => {
    expect(kioskWindowOptions(packaged)).toStrictEqual({
      title: 'OneBill Kiosk',
      kiosk: hardenedWindow.kiosk,
      fullscreen: hardenedWindow.fullscreen,
      autoHideMenuBar: true,
      backgroundColor: '#ffffff',
      webPreferences: HARDENED_WEB_PREFERENCES,
    });
  });

  it('keeps every protection in a development build; only devtools open', () => {
    const dev = kioskWindowOptions({ ...packaged, isPackaged: false, env: { KIOSK_WINDOWED: '1' } });
    expect(dev.webPreferences).toStrictEqual({ ...HARDENED_WEB_PREFERENCES, devTools: true });
  });

  it('is the window that is actually opened, and KIOSK_WINDOWED does not leave kiosk mode when packaged', () => {
    FakeBrowserWindow.instances = [];
    createKioskWindow(FakeBrowserWindow as unknown as new (options: BrowserWindowConstructorOptions) => BrowserWindow, { ...packaged, env: { KIOSK_WINDOWED: '1' } });
    expect(FakeBrowserWindow.instances[0]!.options).toStrictEqual(kioskWindowOptions(packaged));
  });
});

describe('the content security policy of the screens', () => {
  const directives = Object.fromEntries(
    CONTENT_SECURITY_POLICY.split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...values]) => [name, values]),
  );

  it("allows only our own origin for every kind of content, no inline style or script, no form posts, no framing, nothing that isn't listed", () => {
    expect(directives).toStrictEqual({
      'default-src': ["'self'"],
      'script-src': ["'self'"],
      'style-src': ["'self'"],
      'img-src': ["'self'"],
      'font-src': ["'self'"],
      'connect-src': ["'self'"],
      'object-src': ["'none'"],
      'base-uri': ["'none'"],
      'form-action': ["'none'"],
      'frame-ancestors': ["'none'"],
    });
  });

  it('is sent with the other protective headers, exactly', () => {
    expect(SECURITY_HEADERS).toStrictEqual({
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), usb=(), serial=(), hid=()',
      'Cache-Control': 'no-store',
    });
  });
});

describe('debugging switches on the command line of a packaged kiosk', () => {
  const asked = ['--remote-debugging-port=9222', '--remote-debugging-pipe', '--inspect', '--inspect-brk=0.0.0.0:9229', '--js-flags=--allow-natives-syntax'];

  it.each([
    ['--remote-debugging-port=9222', 'remote-debugging-port'],
    ['--remote-debugging-port', 'remote-debugging-port'],
    ['--REMOTE-DEBUGGING-PORT=9222', 'remote-debugging-port'],
    ['-remote-debugging-port=9222', 'remote-debugging-port'],
    ['--remote-debugging-pipe', 'remote-debugging-pipe'],
    ['--remote-debugging-address=0.0.0.0', 'remote-debugging-address'],
    ['--remote-allow-origins=*', 'remote-allow-origins'],
    ['--inspect', 'inspect'],
    ['--inspect=0.0.0.0:9229', 'inspect'],
    ['--inspect_brk', 'inspect-brk'],
    ['--inspect-brk=9229', 'inspect-brk'],
    ['--inspect-port=9229', 'inspect-port'],
    ['--debug-port=9229', 'debug-port'],
    ['--inspect-brk-node', 'inspect-brk-node'],
    ['--inspect-publish-uid=http', 'inspect-publish-uid'],
    ['--js-flags=--expose-gc', 'js-flags'],
  ])('finds %s', (arg, name) => {
    expect(refusedSwitches(['--kiosk-unrelated', arg, 'after'], 'linux')).toEqual([name]);
  });

  it('finds them after "--" too, and in the Windows spelling on Windows only', () => {
    expect(refusedSwitches(['--', '--inspect'], 'linux')).toEqual(['inspect']);
    expect(refusedSwitches(['/inspect'], 'win32')).toEqual(['inspect']);
    expect(refusedSwitches(['/inspect'], 'linux')).toEqual([]);
  });

  it('leaves other arguments alone', () => {
    expect(refusedSwitches(['--ozone-platform=wayland', '--lang=es', 'inspect', '/tmp/remote-debugging-port', '--inspector-theme'], 'linux')).toEqual([]);
  });

  it('refuses every one of them', () => {
    expect(refusedSwitches(REFUSED_SWITCHES.map((name) => `--${name}`), 'linux')).toEqual([...REFUSED_SWITCHES]);
  });

  it('quit a packaged kiosk at once with exit code 1, saying which', () => {
    const app = { isPackaged: true, exit: vi.fn() };
    const report = vi.fn();
    expect(refuseDebugSwitches(app, asked, report, 'linux')).toBe(false);
    expect(app.exit).toHaveBeenCalledExactlyOnceWith(1);
    expect(report).toHaveBeenCalledExactlyOnceWith(['remote-debugging-port', 'remote-debugging-pipe', 'inspect', 'inspect-brk', 'js-flags']);
  });

  it('are allowed in development, and a packaged kiosk without them starts', () => {
    const dev = { isPackaged: false, exit: vi.fn() };
    expect(refuseDebugSwitches(dev, asked, vi.fn(), 'linux')).toBe(true);
    const clean = { isPackaged: true, exit: vi.fn() };
    expect(refuseDebugSwitches(clean, ['--ozone-platform=wayland'], vi.fn(), 'linux')).toBe(true);
    expect(dev.exit).not.toHaveBeenCalled();
    expect(clean.exit).not.toHaveBeenCalled();
  });
});

describe('a page that keeps crashing its renderer', () => {
  let clock = 0;
  beforeEach(() => {
    clock = 5_000_000;
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  /** The guard as main.ts attaches it: its own thresholds. */
  function guarded() {
    const win = new FakeBrowserWindow();
    const guard = attachCrashGuard(win.asElectron(), { now: () => clock });
    const crash = () => win.webContents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 139 });
    const loads = () => win.webContents.loadURL.mock.calls.map((call: unknown[]) => call[0]);
    return { guard, crash, loads };
  }

  it('is reloaded 3 times within a minute, then the kiosk shows out of service instead of looping', () => {
    const { guard, crash, loads } = guarded();
    for (let i = 0; i < 3; i++) {
      crash();
      clock += 19_000;
    }
    expect(guard.givenUp).toBe(false);
    crash(); // the 4th, 57 s after the first
    expect(guard.givenUp).toBe(true);
    expect(loads().at(-1)).toBe(OUT_OF_SERVICE_URL);
  });

  it('is reloaded for ever when its crashes are more than a minute apart in fours', () => {
    const { guard, crash } = guarded();
    for (let i = 0; i < 12; i++) {
      crash();
      clock += 20_001;
    }
    expect(guard.givenUp).toBe(false);
  });
});
