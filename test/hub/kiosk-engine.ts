import { TEST_NOW } from '../helpers/clock.ts';
import type { Database } from 'better-sqlite3';
import { ChangeApplier } from '../../electron/core/ledger/apply-changes.ts';
import { OutboxQueue } from '../../electron/core/sync/outbox-queue.ts';
import { PullApplier } from '../../electron/core/sync/pull-applier.ts';
import { SyncEngine } from '../../electron/core/sync/sync-engine.ts';
import { HttpTransport } from '../../electron/core/sync/transport.ts';

/**
 * A kiosk ledger's sync engine against a hub over real HTTP. A replica that already holds the seed
 * starts pulling at `cursor` (the feed's head).
 */
export function kioskEngine(ledger: Database, hub: { baseUrl: string; credential: string; cursor: number; pushBatch?: number }): SyncEngine {
  ledger.prepare(`INSERT INTO sync_state (key, value) VALUES ('pull.cursor', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`).run(String(hub.cursor));
  return new SyncEngine({
    outbox: new OutboxQueue(ledger),
    pull: new PullApplier(ledger, new ChangeApplier(ledger)),
    transport: new HttpTransport({ baseUrl: hub.baseUrl, credential: hub.credential, timeoutMs: 10_000 }),
    now: () => TEST_NOW,
    ...(hub.pushBatch === undefined ? {} : { pushBatch: hub.pushBatch }),
  });
}
