import type { App, WebContents } from 'electron';
import { isAppUrl } from './protocol.ts';
import { silentLog, type ShellLog } from './log.ts';

/**
 * The screens never leave app://kiosk: navigations and redirects elsewhere are cancelled, new
 * windows and <webview> are refused. Applied to every webContents, not only ours.
 */
export function hardenWebContents(contents: WebContents, log: ShellLog = silentLog): void {
  const guard = (event: { url: string; preventDefault(): void }, kind: string) => {
    if (isAppUrl(event.url)) return;
    event.preventDefault();
    log.warn({ kind, url: event.url }, 'navigation away from the kiosk screens blocked');
  };
  contents.on('will-navigate', (event) => guard(event, 'will-navigate'));
  contents.on('will-frame-navigate', (event) => guard(event, 'will-frame-navigate'));
  contents.on('will-redirect', (event) => guard(event, 'will-redirect'));
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log.warn({}, '<webview> attach blocked');
  });
  contents.setWindowOpenHandler(({ url }) => {
    log.warn({ url }, 'window.open blocked');
    return { action: 'deny' };
  });
}

/** Hooks every webContents the app ever creates; call before the first window. */
export function hardenAllWebContents(app: Pick<App, 'on'>, log: ShellLog = silentLog): void {
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, log));
}
