import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { attachCrashGuard, OUT_OF_SERVICE_URL } from '../../electron/shell/crash-guard.ts';
import { FakeBrowserWindow } from './fakes.ts';

vi.mock('electron', () => ({}));

const APP = 'app://kiosk/index.html';
let clock = 0;

function guarded(options: Parameters<typeof attachCrashGuard>[1] = {}) {
  const win = new FakeBrowserWindow();
  const guard = attachCrashGuard(win.asElectron(), { now: () => clock, ...options });
  const crash = (reason = 'crashed') => win.webContents.emit('render-process-gone', {}, { reason, exitCode: 139 });
  const loads = () => win.webContents.loadURL.mock.calls.map((call: unknown[]) => call[0]);
  return { win, guard, crash, loads };
}

beforeEach(() => {
  clock = 1_000_000;
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

describe('crash guard', () => {
  it('reloads the screens when the renderer crashes', () => {
    const { crash, loads } = guarded();
    crash();
    expect(loads()).toEqual([APP]);
  });

  it('stops reloading after more than 3 crashes within 60 s and shows the out-of-service page', () => {
    const { guard, crash, loads } = guarded({ maxCrashes: 3, windowMs: 60_000 });
    for (let i = 0; i < 3; i++) {
      crash();
      clock += 10_000;
    }
    expect(loads()).toEqual([APP, APP, APP]);
    expect(guard.givenUp).toBe(false);
    crash('oom');
    expect(loads()).toEqual([APP, APP, APP, OUT_OF_SERVICE_URL]);
    expect(guard.givenUp).toBe(true);
    crash();
    crash();
    expect(loads()).toHaveLength(4);
  });

  it('keeps reloading when crashes are spread out beyond the window', () => {
    const { guard, crash, loads } = guarded({ maxCrashes: 3, windowMs: 60_000 });
    for (let i = 0; i < 10; i++) {
      crash();
      clock += 25_000;
    }
    expect(loads()).toEqual(Array(10).fill(APP));
    expect(guard.givenUp).toBe(false);
  });

  it('tries the screens again after a cool-down', () => {
    const { guard, crash, loads } = guarded({ maxCrashes: 1, retryAfterMs: 300_000 });
    crash();
    crash();
    expect(loads().at(-1)).toBe(OUT_OF_SERVICE_URL);
    vi.advanceTimersByTime(300_000);
    expect(loads().at(-1)).toBe(APP);
    expect(guard.givenUp).toBe(false);
  });

  it('does not reload on a clean exit or a destroyed window', () => {
    const { win, crash, loads } = guarded();
    crash('clean-exit');
    win.destroyed = true;
    crash();
    expect(loads()).toEqual([]);
  });

  it('kills a renderer that stays unresponsive, so the crash path reloads it', () => {
    const { win } = guarded({ unresponsiveMs: 15_000 });
    win.emit('unresponsive');
    vi.advanceTimersByTime(14_999);
    expect(win.webContents.forcefullyCrashRenderer).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(win.webContents.forcefullyCrashRenderer).toHaveBeenCalledOnce();
  });

  it('leaves a renderer alone that becomes responsive again', () => {
    const { win } = guarded({ unresponsiveMs: 15_000 });
    win.emit('unresponsive');
    vi.advanceTimersByTime(5_000);
    win.emit('responsive');
    vi.advanceTimersByTime(60_000);
    expect(win.webContents.forcefullyCrashRenderer).not.toHaveBeenCalled();
  });

  it('cancels its timers when the window closes', () => {
    const { win } = guarded({ unresponsiveMs: 1_000 });
    win.emit('unresponsive');
    win.emit('closed');
    vi.advanceTimersByTime(10_000);
    expect(win.webContents.forcefullyCrashRenderer).not.toHaveBeenCalled();
  });

  it('shows a scriptless out-of-service page', () => {
    const html = decodeURIComponent(OUT_OF_SERVICE_URL.slice(OUT_OF_SERVICE_URL.indexOf(',') + 1));
    expect(html).toContain("default-src 'none'");
    expect(html).not.toMatch(/<script/i);
  });
});
