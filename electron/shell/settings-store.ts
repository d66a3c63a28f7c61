import type { IpcMain } from 'electron';
import ElectronStore from 'electron-store';
import { parseSettings, SettingsError, type SettingsStore } from '../core/settings/schema.ts';

/** What this adapter needs from electron-store; a fake in tests. */
export type SettingsFileCtor = new (options: { name: string; clearInvalidConfig: boolean; watch: boolean }) => {
  readonly path: string;
  readonly store: unknown;
};

/** electron-store answers renderers' sync requests for the userData path; no renderer needs it. */
const ELECTRON_STORE_CHANNEL = 'electron-store-get-data';

/**
 * The kiosk's settings.json in userData, written by the operations team. Never cleared when
 * invalid: a bad file stops the kiosk with a message naming the problem.
 */
export function createElectronSettingsStore(
  ipcMain: Pick<IpcMain, 'removeAllListeners'>,
  Store: SettingsFileCtor = ElectronStore,
): SettingsStore {
  let file: InstanceType<SettingsFileCtor>;
  try {
    file = new Store({ name: 'settings', clearInvalidConfig: false, watch: false });
  } catch (err) {
    throw new SettingsError(`The kiosk settings file (settings.json in the kiosk's data folder) could not be read: ${messageOf(err)}`);
  } finally {
    ipcMain.removeAllListeners(ELECTRON_STORE_CHANNEL);
  }
  return {
    path: file.path,
    read() {
      let raw: unknown;
      try {
        raw = file.store;
      } catch (err) {
        throw new SettingsError(`The kiosk settings in ${file.path} could not be read: ${messageOf(err)}`);
      }
      return parseSettings(raw, file.path);
    },
  };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
