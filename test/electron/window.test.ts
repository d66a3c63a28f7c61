import { describe, expect, it, vi } from 'vitest';
import type { BrowserWindow, BrowserWindowConstructorOptions } from 'electron';
import { createKioskWindow, KIOSK_WEB_PREFERENCES, kioskWebPreferences, kioskWindowOptions } from '../../electron/shell/window.ts';
import { FakeBrowserWindow, fakeEvent } from './fakes.ts';

vi.mock('electron', () => ({}));

const Ctor = FakeBrowserWindow as unknown as new (options: BrowserWindowConstructorOptions) => BrowserWindow;
const open = (options: Partial<Parameters<typeof createKioskWindow>[1]> = {}) => {
  FakeBrowserWindow.instances = [];
  createKioskWindow(Ctor, { preloadPath: '/app/dist/electron/preload.cjs', isPackaged: true, env: {}, ...options });
  const win = FakeBrowserWindow.instances[0];
  if (!win) throw new Error('no window');
  return win;
};

describe('kiosk web preferences', () => {
  const prefs = kioskWebPreferences({ preloadPath: '/p/preload.cjs', isPackaged: true });

  it('isolates the page context from the preload', () => expect(prefs.contextIsolation).toBe(true));
  it('runs the renderer in the OS sandbox', () => expect(prefs.sandbox).toBe(true));
  it('gives the page no Node.js', () => {
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.nodeIntegrationInWorker).toBe(false);
    expect(prefs.nodeIntegrationInSubFrames).toBe(false);
  });
  it('disables the <webview> tag', () => expect(prefs.webviewTag).toBe(false));
  it('keeps web security on and refuses insecure content', () => {
    expect(prefs.webSecurity).toBe(true);
    expect(prefs.allowRunningInsecureContent).toBe(false);
  });
  it('turns spellcheck off and sets the preload path', () => {
    expect(prefs.spellcheck).toBe(false);
    expect(prefs.preload).toBe('/p/preload.cjs');
  });
  it('has devtools off in production and on in development', () => {
    expect(prefs.devTools).toBe(false);
    expect(kioskWebPreferences({ preloadPath: '/p', isPackaged: false }).devTools).toBe(true);
  });
  it('keeps the security constant frozen', () => {
    expect(Object.isFrozen(KIOSK_WEB_PREFERENCES)).toBe(true);
  });
});

describe('createKioskWindow', () => {
  it('opens a fullscreen kiosk window with no menu in production', () => {
    const win = open();
    expect(win.options.kiosk).toBe(true);
    expect(win.options.fullscreen).toBe(true);
    expect(win.options.autoHideMenuBar).toBe(true);
    expect(win.options.webPreferences?.devTools).toBe(false);
    expect(win.options.webPreferences?.contextIsolation).toBe(true);
    expect(win.options.webPreferences?.sandbox).toBe(true);
    expect(win.removeMenu).toHaveBeenCalled();
  });

  it('loads the screens from app://, never file://', () => {
    const win = open();
    expect(win.loadURL).toHaveBeenCalledExactlyOnceWith('app://kiosk/index.html');
  });

  it('ignores KIOSK_WINDOWED in a packaged build', () => {
    expect(kioskWindowOptions({ preloadPath: '/p', isPackaged: true, env: { KIOSK_WINDOWED: '1' } }).kiosk).toBe(true);
  });

  it('allows a windowed development mode only when not packaged and asked for', () => {
    expect(kioskWindowOptions({ preloadPath: '/p', isPackaged: false, env: {} }).kiosk).toBe(true);
    const dev = kioskWindowOptions({ preloadPath: '/p', isPackaged: false, env: { KIOSK_WINDOWED: '1' } });
    expect(dev.kiosk).toBe(false);
    expect(dev.fullscreen).toBe(false);
  });

  it('refuses to close the kiosk window until the app is quitting', () => {
    let quitting = false;
    const win = open({ canClose: () => quitting });
    const early = fakeEvent();
    win.emit('close', early);
    expect(early.preventDefault).toHaveBeenCalled();
    quitting = true;
    const late = fakeEvent();
    win.emit('close', late);
    expect(late.preventDefault).not.toHaveBeenCalled();
  });
});
