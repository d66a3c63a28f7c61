import { fileKeyStore, keyDirFor } from '../../electron/core/security/key-store.ts';
import { openKioskLedger } from '../helpers/ledger-file.ts';
import { TEST_NOW } from '../helpers/clock.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { ledgerAccounts } from '../../shared/sync/changes.ts';
import { demoBranch } from '../../shared/demo/branch.ts';
import { enrolWithHub, FileCredentialStore } from '../../electron/core/sync/enrolment.ts';
import { openPgDb } from '../../hub/db/pg.ts';
import { openPgliteDb } from '../../hub/db/pglite.ts';
import type { HubDb } from '../../hub/db/hub-db.ts';
import { issueEnrolmentCode } from '../../hub/security/enrolment.ts';
import { JAMES } from '../helpers/customers.ts';
import { until } from '../helpers/until.ts';

/** Payments the kiosk takes offline: three push batches of 500, so a kill can land between them. */
const PAYMENTS = 1_500;
/** The customer's sign-in waits as an audit event; each payment as two: the payment and its audit event. */
const AUDITED = 1 + PAYMENTS;
const EVENTS = 1 + 2 * PAYMENTS;
const fixture = (name: string) => path.resolve('test/process/fixtures', name);
const children = new Set<ChildProcess>();
const t0 = Date.now();
const step = (what: string) => console.log(`[sync-kill +${((Date.now() - t0) / 1000).toFixed(1)} s] ${what}`);
afterEach(() => children.forEach((c) => c.kill('SIGKILL')));

/** Starts a fixture as its own Node process; resolves with it and its first JSON line that `ready` accepts. */
async function start(script: string, args: string[], ready: (line: Record<string, unknown>) => boolean): Promise<{ child: ChildProcess; line: Record<string, unknown> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture(script), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout! });
  return new Promise((resolve, reject) => {
    lines.on('line', (text) => {
      const line = JSON.parse(text) as Record<string, unknown>;
      if (ready(line)) resolve({ child, line });
    });
    child.once('exit', (code, signal) => reject(new Error(`${script} exited (${code ?? signal}) before it was ready:\n${stderr}`)));
  });
}

const kill9 = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });

interface HubPlace {
  args(port: number): string[];
  /** The test's own connection, for reading what the hub holds (and issuing the enrolment code). */
  open(): Promise<HubDb>;
}

async function postgresPlace(): Promise<HubPlace> {
  const url = process.env.HUB_TEST_DATABASE_URL as string;
  const schema = `hub_kill_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  return { args: (port) => ['postgres', url, schema, String(port)], open: async () => openPgDb({ connectionString: url, schema, max: 2 }) };
}

function pglitePlace(): HubPlace {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'onebill-hub-kill-'));
  // PGlite is one process's database: the test reads it only while no hub process holds it.
  return { args: (port) => ['pglite', dir, '-', String(port)], open: () => openPgliteDb(dir) };
}

const places: [string, () => Promise<HubPlace>][] = [['pglite', async () => pglitePlace()]];
if (process.env.HUB_TEST_DATABASE_URL) places.push(['postgres', postgresPlace]);

/**
 * docs/architecture.md §4 with real processes: a kiosk that took 1,500 card payments offline reconnects; while
 * its sync worker is pushing them, both the kiosk (and so its worker thread) and the hub are
 * killed with SIGKILL. Both restart, and they converge: every payment on the hub exactly once,
 * the kiosk's outbox all acknowledged, and the same balance on both sides.
 */
describe.each(places)('kill -9 of the kiosk and the hub mid-sync (hub on %s)', (engine, place) => {
  it('restarted, they converge with nothing lost or doubled', async () => {
    const hubPlace = await place();
    const first = await start('hub-process.ts', hubPlace.args(0), (l) => typeof l.url === 'string');
    step('hub up');
    const hubUrl = first.line.url as string;
    const port = Number(new URL(hubUrl).port);

    // Enrol the kiosk while the hub runs (its code straight from the hub's database for PostgreSQL; over the operator path it is the same).
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'onebill-kiosk-kill-'));
    let code: string;
    if (engine === 'postgres') {
      const db = await hubPlace.open();
      code = (await issueEnrolmentCode(db, { branchId: demoBranch.id, now: TEST_NOW })).code;
      await db.close();
    } else {
      await kill9(first.child); // PGlite is single-process: issue the code with the hub down, then start it again
      children.delete(first.child);
      const db = await hubPlace.open();
      code = (await issueEnrolmentCode(db, { branchId: demoBranch.id, now: TEST_NOW })).code;
      await db.close();
      children.add((await start('hub-process.ts', hubPlace.args(port), (l) => typeof l.url === 'string')).child);
    }
    const credential = await enrolWithHub({ hubUrl, code, deviceName: 'Kiosk kill -9', branchId: demoBranch.id, store: new FileCredentialStore(keyDirFor(dataDir)), keys: fileKeyStore(keyDirFor(dataDir)), auditKeyedFrom: 1 });
    step('enrolled');
    for (const child of children) await kill9(child);
    children.clear();

    // A week offline: the payments wait in the outbox.
    await start('kiosk-process.ts', [dataDir, 'pay', String(PAYMENTS)], (l) => l.paid === PAYMENTS);
    step('paid offline');
    const kiosk = openKioskLedger(dataDir, { readonly: true });
    const waiting = () => kiosk.prepare('SELECT COUNT(*) FROM outbox WHERE acked_at IS NULL').pluck().get() as number;
    expect(waiting()).toBe(EVENTS);

    // The link comes back; kill both while the worker is part-way through.
    const hub = await start('hub-process.ts', hubPlace.args(port), (l) => typeof l.url === 'string');
    step('hub restarted');
    const syncing = await start('kiosk-process.ts', [dataDir, 'sync'], (l) => l.state === 'syncing');
    await until(() => waiting() < EVENTS, 60_000);
    step('kiosk syncing; waiting to kill');
    await Promise.all([kill9(syncing.child), kill9(hub.child)]);
    const leftAtKill = waiting();
    expect(leftAtKill).toBeGreaterThan(0); // the kill came mid-sync, not after it
    expect(leftAtKill).toBeLessThan(EVENTS);

    step('killed');
    // Both restart and converge.
    await start('hub-process.ts', hubPlace.args(port), (l) => typeof l.url === 'string');
    await start('kiosk-process.ts', [dataDir, 'sync'], (l) => l.state === 'online' && l.waiting === 0);
    step('converged');
    expect(waiting()).toBe(0);
    const kioskPayments = kiosk.prepare(`SELECT id FROM payments WHERE channel = 'kiosk' ORDER BY id`).pluck().all() as string[];
    const accountId = kiosk.prepare('SELECT id FROM billing_accounts WHERE account_no = ?').pluck().get(JAMES.identifier) as string;
    const kioskBalance = kiosk.prepare('SELECT SUM(amount_minor) FROM postings WHERE ledger_account = ?').pluck().get(ledgerAccounts.receivable(accountId)) as number;
    const outcomes = kiosk.prepare('SELECT outcome, COUNT(*) AS n FROM outbox GROUP BY outcome').all();
    kiosk.close();
    for (const child of children) await kill9(child);
    children.clear();

    const db = await hubPlace.open();
    try {
      const events = await db.query<{ n: number; distinct_seq: number; max_seq: number }>(
        'SELECT COUNT(*)::int AS n, COUNT(DISTINCT device_seq)::int AS distinct_seq, MAX(device_seq)::int AS max_seq FROM device_events WHERE device_id = $1',
        [credential.deviceId],
      );
      expect(events).toEqual([{ n: EVENTS, distinct_seq: EVENTS, max_seq: EVENTS }]);
      const hubPayments = (await db.query<{ id: string }>(`SELECT id FROM payments WHERE channel = 'kiosk' ORDER BY id`)).map((r) => r.id);
      expect(kioskPayments).toHaveLength(PAYMENTS);
      expect(hubPayments).toEqual(kioskPayments);
      const [unbalanced] = await db.query<{ n: number }>(
        'SELECT COUNT(*)::int AS n FROM (SELECT entry_id FROM postings GROUP BY entry_id HAVING SUM(amount_minor) <> 0) AS e',
      );
      expect(unbalanced?.n).toBe(0);
      const [hubBalance] = await db.query<{ b: number }>('SELECT SUM(amount_minor)::bigint AS b FROM postings WHERE ledger_account = $1', [ledgerAccounts.receivable(accountId)]);
      expect(hubBalance?.b).toBe(kioskBalance);
      expect(outcomes).toEqual([{ outcome: 'accepted', n: EVENTS }]);
      // The sign-in's and every payment's audit event reached the hub once, its chain whole.
      expect(await db.query('SELECT COUNT(*)::int AS n, bool_and(chain_ok) AS whole FROM audit_events WHERE device_id = $1', [credential.deviceId])).toEqual([{ n: AUDITED, whole: true }]);
      console.log(`kill -9 on ${engine}: killed with ${leftAtKill} of ${EVENTS} events (a sign-in, ${PAYMENTS} payments and their audit events) still to push; after restarts the hub holds ${hubPayments.length}, once each`);
    } finally {
      await db.close();
    }
  }, 300_000);
});
