import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { SettingsError } from '../../electron/core/settings/schema.ts';
import { createElectronSettingsStore, type SettingsFileCtor } from '../../electron/shell/settings-store.ts';

const h = vi.hoisted(() => ({ userData: '' }));
vi.mock('electron', () => ({}));
// electron-store is loaded outside Vite's module graph, so it would reach the real 'electron';
// stand in with what it is made of: `conf`, in userData, file named after `name`.
vi.mock('electron-store', async () => {
  const { default: Conf } = await import('conf');
  return {
    default: class ElectronStoreStandIn extends Conf {
      constructor({ name, ...options }: { name: string; clearInvalidConfig: boolean; watch: boolean }) {
        super({ ...options, cwd: h.userData, configName: name, projectVersion: '0.1.0' });
      }
    },
  };
});

const dirs: string[] = [];
beforeEach(() => {
  h.userData = mkdtempSync(path.join(tmpdir(), 'kiosk-settings-'));
  dirs.push(h.userData);
});
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const ipcMain = () => ({ removeAllListeners: vi.fn() });
const writeSettings = (text: string) => writeFileSync(path.join(h.userData, 'settings.json'), text);

describe('electron-store settings', () => {
  it('reads settings.json from userData with defaults for what is missing', () => {
    writeSettings(JSON.stringify({ kioskId: 'KIOSK-042', branchId: 'BCN-02' }));
    const store = createElectronSettingsStore(ipcMain());
    expect(store.path).toBe(path.join(h.userData, 'settings.json'));
    const settings = store.read();
    expect(settings.kioskId).toBe('KIOSK-042');
    expect(settings.branchId).toBe('BCN-02');
    expect(settings.currency).toBe('EUR');
  });

  it('starts from defaults when there is no file', () => {
    expect(createElectronSettingsStore(ipcMain()).read().kioskId).toBe('KIOSK-001');
  });

  it('throws a SettingsError naming the bad field and the file, and keeps the file', () => {
    writeSettings(JSON.stringify({ kioskId: 'bad id!', currency: 'euro' }));
    const store = createElectronSettingsStore(ipcMain());
    expect(() => store.read()).toThrow(SettingsError);
    expect(() => store.read()).toThrow(/kioskId[\s\S]*currency|currency[\s\S]*kioskId/);
    expect(() => store.read()).toThrow(store.path);
    expect(() => store.read()).toThrow(SettingsError); // not cleared by the first failure
  });

  it('turns malformed JSON into a SettingsError instead of wiping it', () => {
    writeSettings('{ "kioskId": ');
    let error: unknown;
    try {
      createElectronSettingsStore(ipcMain()).read();
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SettingsError);
    expect((error as Error).message).toMatch(/settings/);
  });

  it("removes electron-store's renderer IPC listener, which no screen needs", () => {
    const fake = ipcMain();
    createElectronSettingsStore(fake);
    expect(fake.removeAllListeners).toHaveBeenCalledWith('electron-store-get-data');
  });

  it("opens 'settings' and never clears an invalid file", () => {
    const seen: unknown[] = [];
    const Fake: SettingsFileCtor = class {
      readonly path = '/x/settings.json';
      readonly store = {};
      constructor(options: unknown) {
        seen.push(options);
      }
    };
    createElectronSettingsStore(ipcMain(), Fake);
    expect(seen).toEqual([{ name: 'settings', clearInvalidConfig: false, watch: false }]);
  });
});
