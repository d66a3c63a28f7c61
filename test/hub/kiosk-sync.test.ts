import { fileKeyStore, keyDirFor } from '../../electron/core/security/key-store.ts';
import { openKioskLedger, testEnrolment } from '../helpers/ledger-file.ts';
import { TEST_NOW } from '../helpers/clock.ts';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ledgerAccounts } from '../../shared/sync/changes.ts';
import { demoBranch } from '../../shared/demo/branch.ts';
import { enrolWithHub, FileCredentialStore } from '../../electron/core/sync/enrolment.ts';
import type { SyncStatusView } from '../../shared/contract/sync.ts';
import { HubChangeWriter } from '../../hub/ledger/change-writer.ts';
import { issueEnrolmentCode } from '../../hub/security/enrolment.ts';
import { buildHub } from '../../hub/server.ts';
import { freshDataDir, startTestCore } from '../helpers/demo-ledger.ts';
import { until } from '../helpers/until.ts';
import { JAMES, ok, useCores } from '../helpers/signed-in.ts';
import { engines, freshDatabases } from './databases.ts';
import { kioskEngine } from './kiosk-engine.ts';
import { seedTestBranch } from './demo-branch.ts';
import { paymentFact } from '../helpers/payments.ts';

const cores = useCores();

/** The kiosk's sync worker (HttpTransport over real HTTP) against a real hub, both seeded with the same demo branch. */
describe.each(engines)('a kiosk syncing with the hub on %s', (engine) => {
  const databases = freshDatabases(engine);

  it('pushes its payments once, gets them back harmlessly, and ends with the hub’s balance', async () => {
    const { db } = await databases.fresh();
    const { core, dataDir } = await cores.signedIn(JAMES);
    await seedTestBranch(db);

    const app = await buildHub({ db, now: () => TEST_NOW });
    const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const { code } = await issueEnrolmentCode(db, { branchId: demoBranch.id, now: TEST_NOW });
      const { credential } = (await app.inject({ method: 'POST', url: '/sync/v1/enrol', payload: { code, deviceName: 'Kiosk 1', ...testEnrolment(dataDir) } })).json<{ credential: string }>();

      const ledger = openKioskLedger(dataDir);
      const accountId = ledger.prepare(`SELECT id FROM billing_accounts WHERE account_no = ?`).pluck().get(JAMES.identifier) as string;
      const hubBalance = async () =>
        (await db.query<{ b: number }>('SELECT sum(amount_minor)::bigint AS b FROM postings WHERE ledger_account = $1', [ledgerAccounts.receivable(accountId)]))[0]?.b;
      const kioskBalance = async () => (await ok(core, 'payment.quote', {})).balance.amountMinor;
      expect(await kioskBalance()).toBe(await hubBalance());

      // A replica that already holds the seed starts pulling at the feed's head.
      const [head] = await db.query<{ seq: number }>('SELECT max(server_seq) AS seq FROM changes');
      const engine = kioskEngine(ledger, { baseUrl, credential, cursor: head?.seq ?? 0, pushBatch: 1 });

      for (const amountMinor of [1_000, 2_500]) await ok(core, 'payment.start', { requestId: randomUUID(), amountMinor, billNo: null, method: 'card', language: 'en' });
      const before = await hubBalance();
      // James's sign-in, then each payment and its audit event.
      expect(await engine.round()).toEqual({ pushed: 5, pulled: 2 });
      expect(await hubBalance()).toBe((before as number) - 3_500);
      expect(await kioskBalance()).toBe(await hubBalance());
      expect(ledger.prepare(`SELECT event_type, outcome FROM outbox ORDER BY device_seq`).raw().all()).toEqual([
        ['audit.recorded', 'accepted'],
        ['payment.recorded', 'accepted'],
        ['audit.recorded', 'accepted'],
        ['payment.recorded', 'accepted'],
        ['audit.recorded', 'accepted'],
      ]);
      // The hub holds the kiosk's audit trail, its chain intact.
      expect(await db.query(`SELECT seq, action, chain_ok FROM audit_events ORDER BY seq`)).toEqual([
        { seq: 1, action: 'customer.signedIn', chain_ok: true },
        { seq: 2, action: 'payment.taken', chain_ok: true },
        { seq: 3, action: 'payment.taken', chain_ok: true },
      ]);

      // A payment recorded at headquarters reaches the kiosk; a quiet round changes nothing.
      const bank = paymentFact(accountId, 700, { channel: 'bank', method: 'bankTransfer', cash: 'bank', origin: 'hub', occurredAt: TEST_NOW.toISOString() });
      await new HubChangeWriter(db).write([bank]);
      expect(await engine.round()).toEqual({ pushed: 0, pulled: 1 });
      expect(await engine.round()).toEqual({ pushed: 0, pulled: 0 });
      expect(await kioskBalance()).toBe(await hubBalance());
      expect(engine.status).toMatchObject({ state: 'online', waiting: 0, parked: 0, lastError: null });
      ledger.close();
    } finally {
      await app.close();
    }
  }, 60_000);

  it('in the kiosk core, the sync worker thread pushes a payment at once and the screens hear it; stopping the hub leaves the kiosk serving', async () => {
    const { db } = await databases.fresh();
    // PINs hashed: the kiosk pulls the customers back from the hub, and James signs in after that.
    await seedTestBranch(db, 'hashed');
    const app = await buildHub({ db, now: () => TEST_NOW });
    const hubUrl = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const dataDir = await freshDataDir();
      const store = new FileCredentialStore(keyDirFor(dataDir));
      const { code } = await issueEnrolmentCode(db, { branchId: demoBranch.id, now: TEST_NOW });
      await enrolWithHub({ hubUrl, code, deviceName: 'Kiosk 1', branchId: demoBranch.id, store, keys: fileKeyStore(keyDirFor(dataDir)), auditKeyedFrom: 1 });
      // No transport given: the core starts its worker thread on the enrolled credential.
      const { core } = await startTestCore({}, dataDir);
      cores.adopt(core);
      const statuses: SyncStatusView[] = [];
      core.events.on('sync.status', (status) => statuses.push(status));
      await until(async () => (await ok(core, 'sync.status', {})).state === 'online', 30_000);

      await ok(core, 'session.signIn', JAMES);
      const paid = await ok(core, 'payment.start', { requestId: randomUUID(), amountMinor: 1_234, billNo: null, method: 'card', language: 'en' });
      const onHub = async () => (await db.query<{ id: string }>(`SELECT id FROM payments WHERE amount_minor = 1234`)).map((r) => r.id);
      await until(async () => (await onHub()).length === 1, 20_000);
      expect(paid.status).toBe('approved');
      await until(() => statuses.at(-1)?.state === 'online' && statuses.at(-1)?.waiting === 0, 20_000);
      // The wake said "2 waiting" (the payment and its audit event) at once, then the worker's round reported syncing and online.
      expect(statuses.some((s) => s.waiting === 2)).toBe(true);
      expect(statuses.map((s) => s.state)).toEqual(expect.arrayContaining(['syncing', 'online']));
      expect(statuses.at(-1)).toMatchObject({ state: 'online', waiting: 0, parked: 0 });
      expect((await ok(core, 'sync.status', {})).lastSyncAt).not.toBeNull();

      // The hub goes away: the kiosk keeps taking requests, the worker notices, and the badge counts what waits.
      await app.close();
      await ok(core, 'help.call', { screen: 'overview' });
      await until(async () => (await ok(core, 'sync.status', {})).state === 'offline', 20_000);
      expect(await ok(core, 'sync.status', {})).toMatchObject({ state: 'offline', waiting: 1 });
      expect((await ok(core, 'payment.quote', {})).balance.currency).toBe('EUR');
    } finally {
      await app.close();
    }
  }, 90_000);
});
