import { EventEmitter } from 'node:events';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { IpcMainInvokeEvent } from 'electron';
import { channelNames } from '../../shared/contract/index.ts';
import { EventBus } from '../../electron/core/infra/events.ts';
import { OUT_OF_SERVICE_URL } from '../../electron/shell/crash-guard.ts';
import type { CoreOptions, KioskCore } from '../../electron/core/kiosk-core.ts';
import { FakeBrowserWindow, fakeEvent } from './fakes.ts';

type Handler = (event: IpcMainInvokeEvent, input: unknown) => unknown;

class FakeApp extends EventEmitter {
  isPackaged = true;
  gotLock = true;
  readonly requestSingleInstanceLock = vi.fn(() => this.gotLock);
  readonly quit = vi.fn();
  readonly exit = vi.fn();
  readonly enableSandbox = vi.fn();
  readonly setPath = vi.fn();
  readonly getPath = vi.fn((name: string) => `/var/lib/kiosk/${name}`);
  readonly whenReady = vi.fn(() => Promise.resolve());
}

function freshElectron() {
  const handlers = new Map<string, Handler>();
  return {
    app: new FakeApp(),
    Menu: { setApplicationMenu: vi.fn() },
    dialog: { showErrorBox: vi.fn() },
    protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
    ipcMain: {
      handlers,
      handle: vi.fn((channel: string, handler: Handler) => void handlers.set(channel, handler)),
      removeHandler: vi.fn((channel: string) => void handlers.delete(channel)),
      removeAllListeners: vi.fn(),
    },
    // No keyring on a test box: the credential store falls back to its 0600 file.
    safeStorage: { isEncryptionAvailable: vi.fn(() => false), getSelectedStorageBackend: vi.fn(() => 'basic_text'), encryptString: vi.fn(), decryptString: vi.fn() },
    session: {
      defaultSession: {
        setPermissionRequestHandler: vi.fn(),
        setPermissionCheckHandler: vi.fn(),
        setDevicePermissionHandler: vi.fn(),
      },
    },
  };
}

const h = vi.hoisted(() => ({
  electron: null as unknown as ReturnType<typeof freshElectron>,
  settingsRaw: {} as unknown,
  startCore: null as unknown as ReturnType<typeof vi.fn<(options: CoreOptions) => Promise<KioskCore>>>,
}));

vi.mock('electron', () => ({
  get app() {
    return h.electron.app;
  },
  get Menu() {
    return h.electron.Menu;
  },
  get dialog() {
    return h.electron.dialog;
  },
  get protocol() {
    return h.electron.protocol;
  },
  get ipcMain() {
    return h.electron.ipcMain;
  },
  get session() {
    return h.electron.session;
  },
  get safeStorage() {
    return h.electron.safeStorage;
  },
  BrowserWindow: FakeBrowserWindow,
}));
vi.mock('electron-store', () => ({
  default: class {
    readonly path = '/var/lib/kiosk/userData/settings.json';
    get store() {
      return h.settingsRaw;
    }
  },
}));
vi.mock('../../electron/core/kiosk-core.ts', () => ({ startCore: (options: CoreOptions) => h.startCore(options) }));
vi.mock('../../electron/core/infra/log.ts', () => ({
  createLogger: () => ({ info: vi.fn(), warn: vi.fn(), error: vi.fn(), fatal: vi.fn(), debug: vi.fn() }),
}));

function fakeCore(options: CoreOptions) {
  return {
    settings: options.settings,
    dispatch: vi.fn(async () => ({ ok: true as const, value: { fromCore: true } })),
    events: new EventBus(),
    close: vi.fn(),
  } satisfies KioskCore;
}
let core: ReturnType<typeof fakeCore> | null;

async function runMain() {
  vi.resetModules();
  const { started } = await import('../../electron/main.ts');
  await started;
  return { electron: h.electron, win: FakeBrowserWindow.instances[0] };
}

const mainDir = path.resolve(import.meta.dirname, '../../electron');
const trusted = (win: FakeBrowserWindow) => ({ sender: win.webContents, senderFrame: { parent: null, url: 'app://kiosk/index.html' } }) as unknown as IpcMainInvokeEvent;

beforeEach(() => {
  h.electron = freshElectron();
  h.settingsRaw = { kioskId: 'KIOSK-007' };
  core = null;
  h.startCore = vi.fn(async (options: CoreOptions) => (core = fakeCore(options)));
  FakeBrowserWindow.instances = [];
  delete process.env.KIOSK_WINDOWED;
  delete process.env.KIOSK_USER_DATA_DIR;
});

describe('main: single instance', () => {
  it('quits at once when another kiosk instance holds the lock', async () => {
    h.electron.app.gotLock = false;
    const { electron } = await runMain();
    expect(electron.app.requestSingleInstanceLock).toHaveBeenCalledOnce();
    expect(electron.app.quit).toHaveBeenCalled();
    expect(electron.app.whenReady).not.toHaveBeenCalled();
    expect(h.startCore).not.toHaveBeenCalled();
    expect(FakeBrowserWindow.instances).toHaveLength(0);
  });

  it('focuses the existing window when a second instance starts', async () => {
    const { electron, win } = await runMain();
    win!.minimized = true;
    electron.app.emit('second-instance', fakeEvent(), ['kiosk'], '/');
    expect(win!.restore).toHaveBeenCalled();
    expect(win!.focus).toHaveBeenCalled();
  });
});

describe('main: start-up', () => {
  it('prepares the app before ready: sandbox for all, app:// privileged, no menu, every webContents hardened', async () => {
    const { electron } = await runMain();
    const readyAt = electron.app.whenReady.mock.invocationCallOrder[0]!;
    expect(electron.app.enableSandbox).toHaveBeenCalledOnce();
    expect(electron.Menu.setApplicationMenu).toHaveBeenCalledExactlyOnceWith(null);
    expect(electron.protocol.registerSchemesAsPrivileged).toHaveBeenCalledExactlyOnceWith([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    ]);
    expect(electron.protocol.registerSchemesAsPrivileged.mock.invocationCallOrder[0]).toBeLessThan(readyAt);
    expect(electron.app.enableSandbox.mock.invocationCallOrder[0]).toBeLessThan(readyAt);
    expect(electron.app.listenerCount('web-contents-created')).toBe(1);
  });

  it('starts the core in userData with the settings from electron-store', async () => {
    await runMain();
    expect(h.startCore).toHaveBeenCalledOnce();
    const options = h.startCore.mock.calls[0]![0];
    expect(options.dataDir).toBe('/var/lib/kiosk/userData');
    expect(options.settings.kioskId).toBe('KIOSK-007');
    expect(options.settings.currency).toBe('EUR');
    // The hub credential store asked the OS keychain (none here) before the core started.
    expect(options.credentials).toBeDefined();
    expect(h.electron.safeStorage.isEncryptionAvailable).toHaveBeenCalled();
  });

  it('opens one hardened kiosk window from app:// with the bundled preload and devtools off', async () => {
    const { win } = await runMain();
    expect(FakeBrowserWindow.instances).toHaveLength(1);
    const { kiosk, fullscreen, webPreferences } = win!.options;
    expect(kiosk).toBe(true);
    expect(fullscreen).toBe(true);
    expect(webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false, devTools: false });
    expect(webPreferences?.preload).toBe(path.join(mainDir, 'preload.cjs'));
    expect(win!.loadURL).toHaveBeenCalledWith('app://kiosk/index.html');
  });

  it('serves the screens from ../renderer through app:// and denies permissions', async () => {
    const { electron } = await runMain();
    expect(electron.protocol.handle).toHaveBeenCalledExactlyOnceWith('app', expect.any(Function));
    const handler = electron.protocol.handle.mock.calls[0]![1] as (req: Request) => Promise<Response>;
    const res = await handler(new Request('app://kiosk/../../package.json'));
    expect(res.status).not.toBe(200);
    const { defaultSession } = electron.session;
    expect(defaultSession.setPermissionRequestHandler).toHaveBeenCalledOnce();
    expect(defaultSession.setPermissionCheckHandler).toHaveBeenCalledOnce();
    const callback = vi.fn();
    defaultSession.setPermissionRequestHandler.mock.calls[0]![0](null, 'media', callback, {});
    expect(callback).toHaveBeenCalledWith(false);
  });

  it('registers one IPC handler per contract channel and checks the sender before dispatching', async () => {
    const { electron, win } = await runMain();
    expect([...electron.ipcMain.handlers.keys()].sort()).toEqual([...channelNames].sort());
    const handler = electron.ipcMain.handlers.get('kiosk.info')!;
    expect(await handler(trusted(win!), {})).toEqual({ ok: true, value: { fromCore: true } });
    expect(core!.dispatch).toHaveBeenCalledExactlyOnceWith('kiosk.info', {});
    const foreign = { sender: win!.webContents, senderFrame: { parent: null, url: 'https://evil.example/' } } as unknown as IpcMainInvokeEvent;
    expect(await handler(foreign, {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(core!.dispatch).toHaveBeenCalledOnce();
  });

  it('reloads the screens when the renderer crashes', async () => {
    const { win } = await runMain();
    win!.webContents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 1 });
    expect(win!.webContents.loadURL).toHaveBeenCalledWith('app://kiosk/index.html');
  });

  it("guards the window with the crash guard's own thresholds: the 4th crash in a minute shows out of service", async () => {
    vi.useFakeTimers({ now: new Date('2026-03-01T10:00:00Z'), toFake: ['Date'] });
    try {
      const { win } = await runMain();
      for (let i = 0; i < 4; i++) {
        win!.webContents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 1 });
        vi.setSystemTime(Date.now() + 15_000);
      }
      expect(win!.webContents.loadURL.mock.calls.map((call: unknown[]) => call[0])).toEqual([...Array(3).fill('app://kiosk/index.html'), OUT_OF_SERVICE_URL]);
      win!.emit('closed'); // stops the guard's retry timer
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('main: core events', () => {
  it('forwards core events to the window', async () => {
    const { win } = await runMain();
    core!.events.emit('session.idleWarning', { secondsLeft: 10 });
    await vi.waitFor(() => expect(win!.webContents.send).toHaveBeenCalledWith('session.idleWarning', { secondsLeft: 10 }));
  });

  it('wipes storage and cache when a session ends, before the screens hear of it', async () => {
    const { win } = await runMain();
    core!.events.emit('session.ended', { reason: 'idleTimeout' });
    await vi.waitFor(() => expect(win!.webContents.send).toHaveBeenCalledWith('session.ended', { reason: 'idleTimeout' }));
    const { clearStorageData, clearCache } = win!.webContents.session;
    expect(clearStorageData).toHaveBeenCalledOnce();
    expect(clearCache).toHaveBeenCalledOnce();
    expect(clearStorageData.mock.invocationCallOrder[0]).toBeLessThan(win!.webContents.send.mock.invocationCallOrder[0]!);
    expect(clearCache.mock.invocationCallOrder[0]).toBeLessThan(win!.webContents.send.mock.invocationCallOrder[0]!);
  });
});

describe('main: failure and quit', () => {
  it('shows the settings problem and exits when the settings are bad', async () => {
    h.settingsRaw = { kioskId: 'not valid!' };
    const { electron } = await runMain();
    expect(electron.dialog.showErrorBox).toHaveBeenCalledOnce();
    const [title, message] = electron.dialog.showErrorBox.mock.calls[0] as [string, string];
    expect(title).toMatch(/OneBill Kiosk/);
    expect(message).toMatch(/settings/);
    expect(message).toMatch(/kioskId/);
    expect(electron.app.exit).toHaveBeenCalledWith(1);
    expect(h.startCore).not.toHaveBeenCalled();
    expect(FakeBrowserWindow.instances).toHaveLength(0);
  });

  it('shows an error and exits when the core cannot start', async () => {
    h.startCore = vi.fn(async () => {
      throw new Error('database is locked');
    });
    const { electron } = await runMain();
    expect(electron.dialog.showErrorBox.mock.calls[0]?.[1]).toMatch(/database is locked/);
    expect(electron.app.exit).toHaveBeenCalledWith(1);
  });

  it('refuses to close the window until quitting, then closes the core once', async () => {
    const { electron, win } = await runMain();
    const early = fakeEvent();
    win!.emit('close', early);
    expect(early.preventDefault).toHaveBeenCalled();
    electron.app.emit('before-quit', fakeEvent());
    const late = fakeEvent();
    win!.emit('close', late);
    expect(late.preventDefault).not.toHaveBeenCalled();
    electron.app.emit('will-quit', fakeEvent());
    electron.app.emit('will-quit', fakeEvent());
    expect(core!.close).toHaveBeenCalledOnce();
  });

  it('quits when the window is gone', async () => {
    const { electron } = await runMain();
    electron.app.emit('window-all-closed');
    expect(electron.app.quit).toHaveBeenCalled();
  });
});

describe('main: debugging switches', () => {
  const argv = process.argv;
  afterEach(() => {
    process.argv = argv;
  });

  it('refuses to start a packaged kiosk with --remote-debugging-port: nothing is opened, exit 1', async () => {
    process.argv = ['/opt/onebill-kiosk/onebill-kiosk', '--remote-debugging-port=9222'];
    const { electron } = await runMain();
    expect(electron.app.exit).toHaveBeenCalledExactlyOnceWith(1);
    expect(electron.dialog.showErrorBox.mock.calls[0]?.[1]).toContain('--remote-debugging-port');
    expect(electron.app.requestSingleInstanceLock).not.toHaveBeenCalled();
    expect(electron.app.whenReady).not.toHaveBeenCalled();
    expect(h.startCore).not.toHaveBeenCalled();
    expect(FakeBrowserWindow.instances).toHaveLength(0);
  });

  it('lets a development build start with --inspect', async () => {
    process.argv = ['/usr/bin/electron', '.', '--inspect'];
    h.electron.app.isPackaged = false;
    const { electron } = await runMain();
    expect(electron.app.exit).not.toHaveBeenCalled();
    expect(FakeBrowserWindow.instances).toHaveLength(1);
  });
});

describe('main: development switches', () => {
  it('honours KIOSK_WINDOWED and KIOSK_USER_DATA_DIR only when not packaged', async () => {
    process.env.KIOSK_WINDOWED = '1';
    process.env.KIOSK_USER_DATA_DIR = '/tmp/kiosk-e2e';
    let { electron, win } = await runMain();
    expect(win!.options.kiosk).toBe(true);
    expect(electron.app.setPath).not.toHaveBeenCalled();

    h.electron = freshElectron();
    h.electron.app.isPackaged = false;
    FakeBrowserWindow.instances = [];
    ({ electron, win } = await runMain());
    expect(win!.options.kiosk).toBe(false);
    expect(win!.options.webPreferences?.devTools).toBe(true);
    expect(electron.app.setPath).toHaveBeenCalledWith('userData', '/tmp/kiosk-e2e');
    expect(electron.app.setPath.mock.invocationCallOrder[0]).toBeLessThan(electron.app.requestSingleInstanceLock.mock.invocationCallOrder[0]!);
  });
});
