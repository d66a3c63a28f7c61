import { cpSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCore, type CoreOptions, type KioskCore } from '../../electron/core/kiosk-core.ts';
import { parseSettings, type Settings } from '../../electron/core/settings/schema.ts';
import { createLogger } from '../../electron/core/log.ts';
import { Writable } from 'node:stream';
import { simulatedDevices } from '../../electron/core/devices/simulated-devices.ts';
import type { PaymentDevices } from '../../electron/core/services/payments.ts';

/** Small demo branch for tests: the showcase customers plus a few more. */
export const TEST_DEMO = { enabled: true, seed: 20261126, customers: 12 };

export const silentLogger = () =>
  createLogger({
    level: 'error',
    destination: new Writable({
      write(_chunk, _enc, done) {
        done();
      },
    }),
  });

export function testSettings(overrides: Partial<Settings> = {}): Settings {
  return parseSettings({ demo: TEST_DEMO, ...overrides }, 'test');
}

let template: Promise<string> | undefined;

/** Seeds one demo ledger per test run (PIN hashing is slow on purpose) and copies it per test. */
async function templateDir(): Promise<string> {
  template ??= (async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'onebill-template-'));
    const core = await startCore({ dataDir: dir, settings: testSettings(), logger: silentLogger() });
    core.close();
    return dir;
  })();
  return template;
}

export async function freshDataDir(): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'onebill-test-'));
  cpSync(await templateDir(), dir, { recursive: true });
  return dir;
}

/** Tests pay on simulators without the human delays; pass `devices` to script or replace them. */
export async function startTestCore(
  overrides: Partial<Settings> = {},
  dataDir?: string,
  now?: () => Date,
  devices?: (dataDir: string) => PaymentDevices,
  extra: Pick<CoreOptions, 'credentials' | 'hubTransport'> = {},
): Promise<{ core: KioskCore; dataDir: string }> {
  const dir = dataDir ?? (await freshDataDir());
  const core = await startCore({
    dataDir: dir,
    settings: testSettings(overrides),
    logger: silentLogger(),
    devices: devices ? devices(dir) : simulatedDevices(dir, 'instant'),
    ...extra,
    ...(now ? { now } : {}),
  });
  return { core, dataDir: dir };
}
