import Conf from 'conf';
import { parseSettings, type Settings, type SettingsStore } from './schema.ts';

/** Settings outside Electron (browser host, tests): `conf`, same file format as electron-store. */
export function createConfSettingsStore(dataDir: string): SettingsStore {
  const conf = new Conf<Partial<Settings>>({ cwd: dataDir, configName: 'settings', projectName: 'onebill-kiosk' });
  return {
    path: conf.path,
    read: () => parseSettings(conf.store, conf.path),
  };
}
