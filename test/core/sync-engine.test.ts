import { openKioskLedger } from '../helpers/ledger-file.ts';
import { TEST_NOW } from '../helpers/clock.ts';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChangeApplier } from '../../electron/core/ledger/apply-changes.ts';
import { OutboxQueue } from '../../electron/core/sync/outbox-queue.ts';
import { PullApplier } from '../../electron/core/sync/pull-applier.ts';
import { SyncEngine, type SyncStatus } from '../../electron/core/sync/sync-engine.ts';
import { backoffDelay } from '../../electron/core/sync/backoff.ts';
import { FakeHub } from '../helpers/fake-hub.ts';
import { bankPayment } from '../helpers/payments.ts';
import { JAMES, ok, useCores } from '../helpers/signed-in.ts';
import { freshDataDir, startTestCore } from '../helpers/demo-ledger.ts';
import { SCHEMA_VERSION } from '../../shared/sync/protocol.ts';

const cores = useCores();

async function kiosk(hub: FakeHub, options: { pullPage?: number } = {}) {
  const { core, dataDir } = await cores.signedIn();
  const db = openKioskLedger(dataDir);
  const statuses: SyncStatus[] = [];
  const engine = new SyncEngine({
    outbox: new OutboxQueue(db),
    pull: new PullApplier(db, new ChangeApplier(db)),
    transport: hub,
    now: () => new Date('2026-11-26T12:00:00.000Z'),
    onStatus: (s) => statuses.push(s),
    pushBatch: 2,
    ...options,
  });
  const pay = (amountMinor: number) => ok(core, 'payment.start', { requestId: randomUUID(), amountMinor, billNo: null, method: 'card', language: 'en' });
  const balance = async () => (await ok(core, 'payment.quote', {})).balance.amountMinor;
  const outbox = () => db.prepare(`SELECT device_seq, outcome, outcome_reason, acked_at IS NOT NULL AS acked FROM outbox ORDER BY device_seq`).all();
  const accountId = db.prepare(`SELECT id FROM billing_accounts WHERE account_no = '4000000002'`).pluck().get() as string;
  return { core, db, engine, statuses, pay, balance, outbox, accountId };
}


describe('sync engine: push', () => {
  it('drains the outbox in device order, in batches, and keeps the hub’s answer on each row', async () => {
    const hub = new FakeHub();
    const k = await kiosk(hub);
    // The sign-in is an audit event; each payment is two events: the payment, and its audit event.
    for (const amount of [1000, 2000, 3000]) await k.pay(amount);
    expect(k.engine.status.waiting).toBe(7);
    expect(await k.engine.round()).toEqual({ pushed: 7, pulled: 0 });
    expect([...hub.events.values()].map((e) => [e.deviceSeq, e.eventType])).toEqual(
      [1, 2, 3, 4, 5, 6, 7].map((seq) => [seq, seq % 2 === 0 ? 'payment.recorded' : 'audit.recorded']),
    );
    expect(k.outbox()).toEqual([1, 2, 3, 4, 5, 6, 7].map((device_seq) => ({ device_seq, outcome: 'accepted', outcome_reason: null, acked: 1 })));
    expect(k.engine.status).toMatchObject({ state: 'online', waiting: 0, lastSyncAt: '2026-11-26T12:00:00.000Z', lastError: null });
    // A status as the round starts, one per batch of 2, and online at the end.
    expect(k.statuses.map((s) => s.state)).toEqual(['syncing', 'syncing', 'syncing', 'syncing', 'syncing', 'online']);
  });

  it('a reply lost after the hub committed: the events go again, the hub keeps each once', async () => {
    const hub = new FakeHub();
    const k = await kiosk(hub);
    await k.pay(1000);
    await k.pay(2000);
    hub.loseNextReply = true;
    await expect(k.engine.round()).rejects.toThrow('the reply was lost');
    expect(k.engine.status).toMatchObject({ state: 'offline', waiting: 5, lastError: 'the reply was lost' });
    await k.engine.round();
    expect(hub.events.size).toBe(5);
    // The first batch (the sign-in's audit event and the first payment) was committed before its reply was lost.
    expect(k.outbox().map((r) => (r as { outcome: string }).outcome)).toEqual(['duplicate', 'duplicate', 'accepted', 'accepted', 'accepted']);
    expect(k.engine.status.waiting).toBe(0);
  });

  it('a rejected event is acknowledged with its reason and kept for staff', async () => {
    const hub = new FakeHub();
    const k = await kiosk(hub);
    await k.pay(1000);
    const eventId = k.db.prepare(`SELECT event_id FROM outbox WHERE event_type = 'payment.recorded'`).pluck().get() as string;
    hub.reject.set(eventId, 'same id, different amount');
    await k.engine.round();
    expect(k.outbox()).toEqual([
      { device_seq: 1, outcome: 'accepted', outcome_reason: null, acked: 1 },
      { device_seq: 2, outcome: 'rejected', outcome_reason: 'same id, different amount', acked: 1 },
      { device_seq: 3, outcome: 'accepted', outcome_reason: null, acked: 1 },
    ]);
  });

  it('events written before an update go first, under the schema version they were written in, then the rest under the current one', async () => {
    const hub = new FakeHub();
    const dataDir = await freshDataDir();
    // What a kiosk of schema version 1 left waiting: a credit request with its reasons as JSON text (as 0018 keeps such rows, version 1).
    const before = openKioskLedger(dataDir);
    const old = { id: randomUUID(), accountId: 'acct-1', previous: 30_000, requested: 55_000, decision: 'refer', granted: 30_000, referred: 25_000, status: 'open', score: 900, band: 'A', reasons: '[]', createdAt: '2026-11-25T10:00:00.000Z' };
    const insert = before.prepare(`INSERT INTO outbox (event_id, event_type, payload, created_at) VALUES (?, 'credit.requested', ?, '2026-11-25T10:00:00.000Z')`);
    insert.run(old.id, JSON.stringify(old));
    insert.run(randomUUID(), JSON.stringify({ ...old, id: randomUUID() }));
    before.close();
    const { core } = await startTestCore({}, dataDir);
    cores.adopt(core);
    await ok(core, 'session.signIn', JAMES);
    const db = openKioskLedger(dataDir);
    const engine = new SyncEngine({ outbox: new OutboxQueue(db), pull: new PullApplier(db, new ChangeApplier(db)), transport: hub, now: () => TEST_NOW, onStatus: () => {} });
    expect(await engine.round()).toEqual({ pushed: 3, pulled: 0 });
    expect(hub.pushes).toEqual([
      { schemaVersion: 1, deviceSeqs: [1, 2] },
      { schemaVersion: SCHEMA_VERSION, deviceSeqs: [3] },
    ]);
    expect(hub.events.get(old.id)?.payload).toEqual(old);
    db.close();
  });

  it('offline keeps everything waiting; a refused credential stops the worker', async () => {
    const hub = new FakeHub();
    const k = await kiosk(hub);
    await k.pay(1000);
    hub.offline = true;
    await expect(k.engine.round()).rejects.toMatchObject({ kind: 'offline' });
    expect(k.engine.status).toMatchObject({ state: 'offline', waiting: 3 });
    hub.offline = false;
    hub.refuse = true;
    await expect(k.engine.round()).rejects.toMatchObject({ kind: 'unauthorized' });
    expect(k.engine.status.state).toBe('stopped');
    expect(hub.events.size).toBe(0);
  });
});

describe('sync engine: pull', () => {
  it('applies the hub’s changes page by page with the cursor; a change it cannot read is parked, not lost', async () => {
    const hub = new FakeHub();
    const k = await kiosk(hub, { pullPage: 2 });
    const before = await k.balance();
    const payment = bankPayment(k.accountId, 2500);
    hub.publish(payment);
    hub.publish({ type: 'loyalty.points', accountId: k.accountId, points: 40 }); // a type from a newer hub
    hub.publish(bankPayment(k.accountId, 500));
    // The sign-in's audit event goes up; three changes come down.
    expect(await k.engine.round()).toEqual({ pushed: 1, pulled: 3 });
    expect(await k.balance()).toBe(before - 3000);
    expect(k.db.prepare(`SELECT value FROM sync_state WHERE key = 'pull.cursor'`).pluck().get()).toBe('3');
    expect(k.db.prepare(`SELECT server_seq, reason FROM parked_changes`).all()).toEqual([{ server_seq: 2, reason: expect.stringContaining('loyalty.points') }]);
    expect(k.engine.status.parked).toBe(1);

    // The same page again (a retried request) and a later round change nothing.
    const pull = new PullApplier(k.db, new ChangeApplier(k.db));
    expect(pull.apply({ protocolVersion: 1, schemaVersion: 1, changes: hub.changes.slice(0, 2), cursor: 2, hasMore: true }, TEST_NOW)).toEqual({ applied: 0, duplicates: 0, parked: 0 });
    expect(pull.cursor()).toBe(3);
    await k.engine.round();
    expect(await k.balance()).toBe(before - 3000);
  });

  it('a fact whose postings contradict it is parked, and the rest of the page applies', async () => {
    const hub = new FakeHub();
    const k = await kiosk(hub);
    const before = await k.balance();
    const bad = bankPayment(k.accountId, 1000);
    hub.publish({ ...bad, amountMinor: 9000 });
    hub.publish(bankPayment(k.accountId, 700));
    await k.engine.round();
    expect(await k.balance()).toBe(before - 700);
    expect(k.db.prepare(`SELECT server_seq FROM parked_changes`).pluck().all()).toEqual([1]);
  });
});

describe('backoff', () => {
  it('waits a random time under a cap that doubles per failure up to the maximum', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (failures, r) => {
        const delay = backoffDelay(failures, { baseMs: 500, maxMs: 60_000, random: () => r });
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(Math.min(60_000, 500 * 2 ** (failures - 1)));
      }),
    );
    expect(backoffDelay(0, { baseMs: 500, maxMs: 60_000, random: () => 0.5 })).toBe(0);
    expect(backoffDelay(3, { baseMs: 500, maxMs: 60_000, random: () => 0.5 })).toBe(1000);
  });
});
