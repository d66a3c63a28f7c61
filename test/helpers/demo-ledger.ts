import { cpSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { keyDirFor } from '../../electron/core/security/key-store.ts';
import { openKioskLedger } from './ledger-file.ts';
import { startCore, type CoreOptions, type KioskCore } from '../../electron/core/kiosk-core.ts';
import { parseSettings, type Settings } from '../../electron/core/settings/schema.ts';
import { createLogger } from '../../electron/core/infra/log.ts';
import { Writable } from 'node:stream';
import { simulatedDevices } from '../../electron/core/devices/simulated-devices.ts';
import type { PaymentDevices } from '../../electron/core/devices/payment-devices.ts';
import { TEST_NOW } from './clock.ts';

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
    const core = await startCore({ dataDir: dir, settings: testSettings(), logger: silentLogger(), now: () => TEST_NOW });
    core.close();
    return dir;
  })();
  return template;
}

export async function freshDataDir(): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'onebill-test-'));
  const template = await templateDir();
  cpSync(template, dir, { recursive: true });
  // Its keys too (beside it, not in it): the copy is the same kiosk.
  cpSync(keyDirFor(template), keyDirFor(dir), { recursive: true });
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
    // A clock stopped at the suite's instant unless the test brings its own.
    now: now ?? (() => TEST_NOW),
  });
  return { core, dataDir: dir };
}

/** Reads the demo ledger the tests start from: what it holds depends on the suite's date. */
export async function readDemoLedger<T>(read: (db: BetterSqlite3.Database) => T): Promise<T> {
  const db = openKioskLedger(await templateDir(), { readonly: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

/** The demo ledger's bills of an account, newest first. */
export function demoBills(accountNo: string): Promise<{ billNo: string; billDate: string }[]> {
  return readDemoLedger(
    (db) =>
      db
        .prepare(`SELECT b.bill_no AS billNo, b.bill_date AS billDate FROM bills b JOIN billing_accounts a ON a.id = b.account_id WHERE a.account_no = ? ORDER BY b.bill_date DESC`)
        .all(accountNo) as { billNo: string; billDate: string }[],
  );
}

/** An account's credit limit in the demo ledger. */
export function demoCreditLimit(accountNo: string): Promise<number> {
  return readDemoLedger((db) => db.prepare(`SELECT credit_limit_minor FROM billing_accounts WHERE account_no = ?`).pluck().get(accountNo) as number);
}
