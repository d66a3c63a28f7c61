import type { BrowserWindow, BrowserWindowConstructorOptions, WebPreferences } from 'electron';
import { APP_ENTRY_URL } from './protocol.ts';
import { silentLog, type ShellLog } from './log.ts';

/**
 * The screens are untrusted web content: isolated, sandboxed, no Node, no <webview>, web security
 * on. Spread last so nothing passed alongside can weaken them.
 */
export const KIOSK_WEB_PREFERENCES = Object.freeze({
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webviewTag: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  experimentalFeatures: false,
  enableWebSQL: false,
  navigateOnDragDrop: false,
  safeDialogs: true,
  spellcheck: false,
} satisfies WebPreferences);

export interface KioskWindowOptions {
  preloadPath: string;
  isPackaged: boolean;
  /** Defaults to process.env; KIOSK_WINDOWED=1 gives a normal window, only in development. */
  env?: Readonly<Record<string, string | undefined>>;
  /** While false, closing the kiosk window (Alt+F4 on an attached keyboard) is refused. */
  canClose?: () => boolean;
  log?: ShellLog;
}

export function kioskWebPreferences(options: Pick<KioskWindowOptions, 'preloadPath' | 'isPackaged'>): WebPreferences {
  return { preload: options.preloadPath, devTools: !options.isPackaged, ...KIOSK_WEB_PREFERENCES };
}

export function isWindowedMode(options: Pick<KioskWindowOptions, 'isPackaged' | 'env'>): boolean {
  return !options.isPackaged && (options.env ?? process.env).KIOSK_WINDOWED === '1';
}

export function kioskWindowOptions(options: KioskWindowOptions): BrowserWindowConstructorOptions {
  const windowed = isWindowedMode(options);
  return {
    title: 'OneBill Kiosk',
    kiosk: !windowed,
    fullscreen: !windowed,
    ...(windowed ? { width: 1280, height: 900 } : {}),
    autoHideMenuBar: true,
    backgroundColor: '#ffffff',
    webPreferences: kioskWebPreferences(options),
  };
}

type BrowserWindowCtor = new (options: BrowserWindowConstructorOptions) => BrowserWindow;

/** Opens the one kiosk window on the app:// entry page. */
export function createKioskWindow(BrowserWindowClass: BrowserWindowCtor, options: KioskWindowOptions): BrowserWindow {
  const log = options.log ?? silentLog;
  const win = new BrowserWindowClass(kioskWindowOptions(options));
  win.removeMenu();
  const canClose = options.canClose;
  if (canClose && !isWindowedMode(options)) {
    win.on('close', (event) => {
      if (!canClose()) event.preventDefault();
    });
  }
  win.loadURL(APP_ENTRY_URL).catch((err: unknown) => log.error({ err }, 'kiosk screens failed to load'));
  return win;
}
