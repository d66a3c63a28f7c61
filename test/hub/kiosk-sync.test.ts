import path from 'node:path';
import { randomUUID } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { dateInZone } from '../../shared/calendar.ts';
import { ledgerAccounts } from '../../shared/changes.ts';
import { demoBranch } from '../../shared/demo/branch.ts';
import { generateDemo } from '../../shared/demo/generator.ts';
import { LEDGER_FILE } from '../../electron/core/kiosk-core.ts';
import { ChangeApplier } from '../../electron/core/ledger/apply-changes.ts';
import { OutboxQueue } from '../../electron/core/sync/outbox-queue.ts';
import { PullApplier } from '../../electron/core/sync/pull-applier.ts';
import { SyncEngine } from '../../electron/core/sync/sync-engine.ts';
import { HttpTransport } from '../../electron/core/sync/transport.ts';
import { HubChangeWriter } from '../../hub/ledger/change-writer.ts';
import { issueEnrolmentCode } from '../../hub/security/enrolment.ts';
import { buildHub } from '../../hub/server.ts';
import { TEST_DEMO } from '../helpers/demo-ledger.ts';
import { JAMES, ok, useCores } from '../helpers/signed-in.ts';
import { engines, freshDatabases } from './databases.ts';
import { paymentFact } from '../helpers/payments.ts';

const cores = useCores();

/** The kiosk's sync worker (HttpTransport over real HTTP) against a real hub, both seeded with the same demo branch. */
describe.each(engines)('a kiosk syncing with the hub on %s', (engine) => {
  const databases = freshDatabases(engine);

  it('pushes its payments once, gets them back harmlessly, and ends with the hub’s balance', async () => {
    const { db } = await databases.fresh();
    const { core, dataDir } = await cores.signedIn(JAMES);
    // The kiosk's demo ledger was made today (in the branch's zone): the hub seeds the same one, PINs aside.
    const asOf = dateInZone(new Date(), demoBranch.timeZone);
    await db.query(`INSERT INTO branches (id, name, currency, country_calling_code, time_zone) VALUES ($1, $2, 'EUR', '34', $3)`, [demoBranch.id, demoBranch.name, demoBranch.timeZone]);
    const demo = { ...TEST_DEMO, asOf, branchId: demoBranch.id, currency: demoBranch.currency, countryCallingCode: demoBranch.countryCallingCode, timeZone: demoBranch.timeZone };
    await new HubChangeWriter(db).write([...generateDemo(demo, () => 'unhashed')].flat());

    const app = await buildHub({ db });
    const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const { code } = await issueEnrolmentCode(db, { branchId: demoBranch.id, now: new Date() });
      const { credential } = (await app.inject({ method: 'POST', url: '/sync/v1/enrol', payload: { code, deviceName: 'Kiosk 1' } })).json<{ credential: string }>();

      const ledger = new BetterSqlite3(path.join(dataDir, LEDGER_FILE));
      const accountId = ledger.prepare(`SELECT id FROM billing_accounts WHERE account_no = ?`).pluck().get(JAMES.identifier) as string;
      const hubBalance = async () =>
        (await db.query<{ b: number }>('SELECT sum(amount_minor)::bigint AS b FROM postings WHERE ledger_account = $1', [ledgerAccounts.receivable(accountId)]))[0]?.b;
      const kioskBalance = async () => (await ok(core, 'payment.quote', {})).balance.amountMinor;
      expect(await kioskBalance()).toBe(await hubBalance());

      // A replica that already holds the seed starts pulling at the feed's head.
      const [head] = await db.query<{ seq: number }>('SELECT max(server_seq) AS seq FROM changes');
      ledger.prepare(`INSERT INTO sync_state (key, value) VALUES ('pull.cursor', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`).run(String(head?.seq));
      const engine = new SyncEngine({
        outbox: new OutboxQueue(ledger),
        pull: new PullApplier(ledger, new ChangeApplier(ledger)),
        transport: new HttpTransport({ baseUrl, credential, timeoutMs: 10_000 }),
        now: () => new Date(),
        pushBatch: 1,
      });

      for (const amountMinor of [1_000, 2_500]) await ok(core, 'payment.start', { requestId: randomUUID(), amountMinor, billNo: null, method: 'card', language: 'en' });
      const before = await hubBalance();
      expect(await engine.round()).toEqual({ pushed: 2, pulled: 2 });
      expect(await hubBalance()).toBe((before as number) - 3_500);
      expect(await kioskBalance()).toBe(await hubBalance());
      expect(ledger.prepare(`SELECT outcome FROM outbox ORDER BY device_seq`).pluck().all()).toEqual(['accepted', 'accepted']);

      // A payment recorded at headquarters reaches the kiosk; a quiet round changes nothing.
      const bank = paymentFact(accountId, 700, { channel: 'bank', method: 'bankTransfer', cash: 'bank', origin: 'hub', occurredAt: new Date().toISOString() });
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
});
