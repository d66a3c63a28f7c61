import path from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, safeStorage, session, type WebContents } from 'electron';
import { eventNames } from '../shared/contract/index.ts';
import { startCore, type KioskCore } from './core/kiosk-core.ts';
import { createLogger } from './core/infra/log.ts';
import { SettingsError } from './core/settings/schema.ts';
import { refuseDebugSwitches } from './shell/command-line.ts';
import { attachCrashGuard } from './shell/crash-guard.ts';
import { createKeychainCredentialStore } from './shell/credential-store.ts';
import { createKeychainVault } from './shell/key-vault.ts';
import { restrictUmask } from './core/security/data-folder.ts';
import { createKeyStore, keyDirFor } from './core/security/key-store.ts';
import { registerContractHandlers, validateSender } from './shell/ipc.ts';
import { hardenAllWebContents } from './shell/navigation.ts';
import { applyPermissionPolicy } from './shell/permissions.ts';
import { registerAppProtocol, registerAppScheme } from './shell/protocol.ts';
import { createElectronSettingsStore } from './shell/settings-store.ts';
import { createKioskWindow } from './shell/window.ts';

// Bundled to dist/electron/main.mjs beside preload.cjs; the screens are built to dist/renderer.
const PRELOAD_PATH = path.join(import.meta.dirname, 'preload.cjs');
const RENDERER_ROOT = path.join(import.meta.dirname, '../renderer');

const log = createLogger();
let core: KioskCore | null = null;
let mainWindow: BrowserWindow | null = null;
let quitting = false;

/** Resolves once the kiosk is up (or has refused to start); exported for tests. */
export const started: Promise<void> = boot();

function boot(): Promise<void> {
  // Before any file is made: the ledger, its -wal and -shm, settings and keys are the kiosk user's alone.
  restrictUmask();
  // First of all: a packaged kiosk started with a debugger switch opens nothing.
  const mayRun = refuseDebugSwitches(app, process.argv.slice(1), (switches) => {
    log.fatal({ switches }, 'refused to start with debugging switches');
    dialog.showErrorBox('OneBill Kiosk cannot start', `This kiosk does not start with debugging switches (${switches.map((s) => `--${s}`).join(', ')}). Please ask a member of staff.`);
  });
  if (!mayRun) return Promise.resolve();

  // Development only: a throwaway data folder (e2e runs), which also scopes the instance lock.
  const devDataDir = process.env.KIOSK_USER_DATA_DIR;
  if (!app.isPackaged && devDataDir) app.setPath('userData', path.resolve(devDataDir));

  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return Promise.resolve();
  }
  // Before ready: these cannot be changed afterwards.
  app.enableSandbox();
  registerAppScheme(protocol);
  Menu.setApplicationMenu(null);
  hardenAllWebContents(app, log);

  app.on('second-instance', focusWindow);
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', () => {
    quitting = true;
  });
  app.on('will-quit', closeCore);

  return app.whenReady().then(start).catch(fail);
}

async function start(): Promise<void> {
  const settings = createElectronSettingsStore(ipcMain).read();
  applyPermissionPolicy(session.defaultSession);
  registerAppProtocol(protocol, RENDERER_ROOT);

  const dataDir = app.getPath('userData');
  // Keys and the hub credential beside the data folder, never in it, sealed by the OS keychain where there is one.
  const keyDir = keyDirFor(dataDir);
  const keys = createKeyStore(createKeychainVault(keyDir, safeStorage, log));
  core = await startCore({ dataDir, settings, logger: log, credentials: createKeychainCredentialStore(keyDir, safeStorage, log), keys });
  const { dispatch, events } = core;

  registerContractHandlers(ipcMain, dispatch, (event) => validateSender(event, mainWindow?.webContents), log);
  const win = createKioskWindow(BrowserWindow, {
    preloadPath: PRELOAD_PATH,
    isPackaged: app.isPackaged,
    canClose: () => quitting,
    log,
  });
  mainWindow = win;
  win.on('closed', () => {
    mainWindow = null;
  });
  attachCrashGuard(win, { log });

  // In order; on session end the storage is wiped before the screens hear of it and reload.
  let queue = Promise.resolve();
  events.onAny((name, payload) => {
    queue = queue.then(async () => {
      if (name === 'session.ended') await wipeBrowsingData(win.webContents);
      if (!win.isDestroyed()) win.webContents.send(name, payload);
    });
  }, eventNames);
  log.info({ kioskId: settings.kioskId, packaged: app.isPackaged }, 'kiosk started');
}

async function wipeBrowsingData(contents: WebContents): Promise<void> {
  if (contents.isDestroyed()) return;
  try {
    await contents.session.clearStorageData();
    await contents.session.clearCache();
  } catch (err) {
    log.error({ err }, 'could not wipe browsing data after the session ended');
  }
}

function focusWindow(): void {
  const win = mainWindow;
  if (!win || win.isDestroyed()) return;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}

function closeCore(): void {
  const current = core;
  core = null;
  try {
    current?.close();
  } catch (err) {
    log.error({ err }, 'closing the core failed');
  }
}

function fail(err: unknown): void {
  log.fatal({ err }, 'the kiosk could not start');
  const message =
    err instanceof SettingsError
      ? err.message
      : `The kiosk could not start. Please ask a member of staff.\n\n${err instanceof Error ? err.message : String(err)}`;
  dialog.showErrorBox('OneBill Kiosk cannot start', message);
  closeCore();
  // A non-zero exit lets the kiosk's supervisor (systemd) see the failure.
  app.exit(1);
}
