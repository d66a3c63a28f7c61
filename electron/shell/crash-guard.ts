import type { BrowserWindow, RenderProcessGoneDetails } from 'electron';
import { APP_ENTRY_URL } from './protocol.ts';
import { silentLog, type ShellLog } from './log.ts';

export interface CrashGuardOptions {
  /** Reloads allowed within `windowMs`; one more crash than this and the guard gives up. */
  maxCrashes?: number;
  windowMs?: number;
  /** How long the screens may hang before the renderer is killed (and so reloaded). */
  unresponsiveMs?: number;
  /** After giving up, try the screens again this much later, so a transient fault heals itself. */
  retryAfterMs?: number | null;
  now?: () => number;
  log?: ShellLog;
}

export interface CrashGuard {
  readonly givenUp: boolean;
  recentCrashes(): number;
  dispose(): void;
}

/** Shown when the screens keep crashing: static, scriptless, needs nothing from app://. */
export const OUT_OF_SERVICE_URL =
  'data:text/html;charset=utf-8,' +
  encodeURIComponent(
    '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">` +
      '<title>OneBill Kiosk: out of service</title></head>' +
      '<body style="font:32px/1.4 sans-serif;display:grid;place-items:center;height:100vh;margin:0;text-align:center">' +
      '<main><h1>This kiosk is out of service</h1><p>Please ask a member of staff.</p>' +
      '<p lang="es">Este quiosco está fuera de servicio. Pida ayuda al personal.</p></main></body></html>',
  );

/**
 * Reloads the screens when their renderer dies, unless it keeps dying: more than `maxCrashes`
 * within `windowMs` shows the out-of-service page instead of looping.
 */
export function attachCrashGuard(win: BrowserWindow, options: CrashGuardOptions = {}): CrashGuard {
  const maxCrashes = options.maxCrashes ?? 3;
  const windowMs = options.windowMs ?? 60_000;
  const unresponsiveMs = options.unresponsiveMs ?? 15_000;
  const retryAfterMs = options.retryAfterMs === undefined ? 5 * 60_000 : options.retryAfterMs;
  const now = options.now ?? Date.now;
  const log = options.log ?? silentLog;

  let crashes: number[] = [];
  let givenUp = false;
  let hangTimer: ReturnType<typeof setTimeout> | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;

  const load = (url: string) => {
    if (win.isDestroyed()) return;
    win.webContents.loadURL(url).catch((err: unknown) => log.error({ err, url: url.slice(0, 40) }, 'load after crash failed'));
  };
  const clearHang = () => {
    if (hangTimer) clearTimeout(hangTimer);
    hangTimer = null;
  };

  const onGone = (_event: unknown, details: RenderProcessGoneDetails) => {
    clearHang();
    if (win.isDestroyed() || details.reason === 'clean-exit') return;
    if (givenUp) {
      log.error({ reason: details.reason }, 'out-of-service page lost its renderer');
      return;
    }
    const t = now();
    crashes = crashes.filter((at) => t - at < windowMs);
    crashes.push(t);
    if (crashes.length > maxCrashes) {
      givenUp = true;
      log.error({ reason: details.reason, exitCode: details.exitCode, crashes: crashes.length, windowMs }, 'screens keep crashing; showing out-of-service page');
      load(OUT_OF_SERVICE_URL);
      if (retryAfterMs !== null) {
        retryTimer = setTimeout(() => {
          retryTimer = null;
          givenUp = false;
          crashes = [];
          log.info({}, 'retrying the screens after a crash loop');
          load(APP_ENTRY_URL);
        }, retryAfterMs);
      }
      return;
    }
    log.warn({ reason: details.reason, exitCode: details.exitCode, crashes: crashes.length }, 'screens renderer gone; reloading');
    load(APP_ENTRY_URL);
  };

  const onUnresponsive = () => {
    if (hangTimer || win.isDestroyed()) return;
    hangTimer = setTimeout(() => {
      hangTimer = null;
      if (win.isDestroyed()) return;
      log.warn({ unresponsiveMs }, 'screens hung; killing the renderer so it reloads');
      // Emits render-process-gone (killed), which reloads through the same crash-loop guard.
      win.webContents.forcefullyCrashRenderer();
    }, unresponsiveMs);
  };

  const dispose = () => {
    clearHang();
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = null;
  };

  win.webContents.on('render-process-gone', onGone);
  win.on('unresponsive', onUnresponsive);
  win.on('responsive', clearHang);
  win.on('closed', dispose);

  return {
    get givenUp() {
      return givenUp;
    },
    recentCrashes: () => crashes.filter((at) => now() - at < windowMs).length,
    dispose,
  };
}
