import type { SyncStatusView } from '../../../shared/contract/sync.ts';
import { ChangeApplier } from '../ledger/apply-changes.ts';
import type { Database } from '../ledger/db.ts';
import { OutboxQueue } from './outbox-queue.ts';
import { PullApplier } from './pull-applier.ts';
import { SyncEngine, type SyncStatus } from './sync-engine.ts';
import { SyncLoop } from './sync-loop.ts';
import type { SyncTransport } from './transport.ts';

/** The few log calls the sync loop makes: a pino logger, or the worker's messages to the main thread. */
export interface SyncLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface SyncRunner {
  status(): SyncStatusView;
  wake(): void;
  stop(): void;
}

export const statusView = (s: SyncStatus): SyncStatusView => ({ state: s.state, lastSyncAt: s.lastSyncAt, waiting: s.waiting, parked: s.parked });

/**
 * Pushes the outbox and pulls the branch's changes in rounds for as long as it runs, backing off
 * with jitter while the hub cannot be reached. The same runner serves the sync worker thread
 * (production) and an in-thread transport (tests and the simulation).
 */
export function runSyncLoop(options: {
  db: Database;
  transport: SyncTransport;
  log: SyncLog;
  now: () => Date;
  intervalMs: number;
  onStatus: (status: SyncStatusView) => void;
}): SyncRunner {
  // Logged once when the link goes and once when it comes back, not on every retry.
  let failing = false;
  const engine = new SyncEngine({
    outbox: new OutboxQueue(options.db),
    pull: new PullApplier(options.db, new ChangeApplier(options.db)),
    transport: options.transport,
    now: options.now,
    onStatus: (status) => {
      if ((status.state === 'offline' || status.state === 'stopped') && !failing) {
        failing = true;
        options.log.warn({ state: status.state, error: status.lastError }, 'sync with headquarters failed; retrying with backoff');
      } else if (status.state === 'online' && failing) {
        failing = false;
        options.log.info({ waiting: status.waiting }, 'sync with headquarters restored');
      }
      options.onStatus(statusView(status));
    },
  });
  const loop = new SyncLoop(engine, {
    intervalMs: options.intervalMs,
    baseMs: 1_000,
    maxMs: 60_000,
    random: Math.random,
    setTimer: (fn, ms) => setTimeout(fn, ms).unref(),
    clearTimer: (timer) => clearTimeout(timer as NodeJS.Timeout),
  });
  loop.start();
  return { status: () => statusView(engine.status), wake: () => loop.wake(), stop: () => loop.stop() };
}
