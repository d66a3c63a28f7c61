import { openKioskLedger } from '../helpers/ledger-file.ts';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { SyncStatusView } from '../../shared/contract/sync.ts';
import { type KioskCore } from '../../electron/core/kiosk-core.ts';
import type { CredentialStore, HubCredential } from '../../electron/core/sync/enrolment.ts';
import { freshDataDir, startTestCore } from '../helpers/demo-ledger.ts';
import { FakeHub } from '../helpers/fake-hub.ts';
import { JAMES, ok } from '../helpers/signed-in.ts';
import { until } from '../helpers/until.ts';

const running: KioskCore[] = [];
afterEach(() => running.splice(0).forEach((c) => c.close()));

const enrolled: HubCredential = { hubUrl: 'https://hub.example', deviceId: 'dev-1', branchId: 'MAD-01', credential: 'dev-1.secret-secret-secret-secret' };
const memoryStore = (credential: HubCredential | null): CredentialStore => ({ read: () => credential, write: () => {} });


describe('the core’s link to headquarters', () => {
  it('without an enrolment the kiosk works alone and says so, signed in or not', async () => {
    const { core } = await startTestCore({}, undefined, undefined, undefined, { credentials: memoryStore(null) });
    running.push(core);
    expect(await ok(core, 'sync.status', {})).toEqual({ state: 'off', lastSyncAt: null, waiting: 0, parked: 0 });
  });

  it('an unreadable credential does not stop the kiosk: it serves customers and says staff must enrol it again', async () => {
    const broken: CredentialStore = {
      read: () => {
        throw new Error('hub-credential.json is not a hub credential');
      },
      write: () => {},
    };
    // A change parked while the kiosk still synced stays counted on the badge.
    const dataDir = await freshDataDir();
    const ledger = openKioskLedger(dataDir);
    ledger.prepare(`INSERT INTO parked_changes (server_seq, change, reason, parked_at) VALUES (7, '{}', 'unknown type', '2026-11-26T08:00:00.000Z')`).run();
    ledger.close();
    const { core } = await startTestCore({}, dataDir, undefined, undefined, { credentials: broken });
    running.push(core);
    expect(await ok(core, 'sync.status', {})).toEqual({ state: 'stopped', lastSyncAt: null, waiting: 0, parked: 1 });
    await ok(core, 'session.signIn', JAMES);
    await ok(core, 'help.call', { screen: 'overview' });
    // The sign-in's audit event and the call wait.
    expect(await ok(core, 'sync.status', {})).toMatchObject({ state: 'stopped', waiting: 2 });
  });

  it('enrolled: a payment reaches the hub at once, and the screens hear the status change', async () => {
    const hub = new FakeHub();
    const statuses: SyncStatusView[] = [];
    const { core } = await startTestCore({}, undefined, undefined, undefined, { credentials: memoryStore(enrolled), hubTransport: () => hub });
    running.push(core);
    core.events.on('sync.status', (s) => statuses.push(s));
    await until(async () => (await ok(core, 'sync.status', {})).state === 'online'); // the first round, at start
    expect(await ok(core, 'session.signIn', JAMES)).toMatchObject({ customerName: 'James Taylor' });
    await ok(core, 'payment.start', { requestId: randomUUID(), amountMinor: 1_000, billNo: null, method: 'card', language: 'en' });
    // The sign-in's audit event, the payment and its audit event.
    await until(() => hub.events.size === 3);
    expect([...hub.events.values()].map((e) => [e.deviceSeq, e.eventType])).toEqual([
      [1, 'audit.recorded'],
      [2, 'payment.recorded'],
      [3, 'audit.recorded'],
    ]);
    await until(async () => (await ok(core, 'sync.status', {})).waiting === 0);
    expect(statuses.map((s) => s.state)).toContain('syncing');
    expect(statuses.at(-1)).toMatchObject({ state: 'online', waiting: 0 });

    // The hub goes away: the kiosk keeps serving, and the badge says what waits.
    hub.offline = true;
    await ok(core, 'help.call', { screen: 'overview' });
    await until(async () => (await ok(core, 'sync.status', {})).state === 'offline');
    expect(await ok(core, 'sync.status', {})).toMatchObject({ state: 'offline', waiting: 1 });
    // Backing off, a new item does not knock on the hub, but the screens hear that two wait now.
    await ok(core, 'help.call', { screen: 'bill' });
    expect(statuses.at(-1)).toMatchObject({ state: 'offline', waiting: 2 });
    expect((await ok(core, 'payment.quote', {})).balance.currency).toBe('EUR');
  });
});
