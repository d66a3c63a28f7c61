import type { SyncStatusView } from '../../../shared/contract/sync.ts';
import { ChangeApplier } from '../ledger/apply-changes.ts';
import type { Database } from '../ledger/db.ts';
import type { Logger } from '../log.ts';
import type { CredentialStore, HubCredential } from './enrolment.ts';
import { OutboxQueue } from './outbox-queue.ts';
import { PullApplier } from './pull-applier.ts';
import { SyncEngine, type SyncStatus } from './sync-engine.ts';
import { SyncLoop } from './sync-loop.ts';
import { HttpTransport, type SyncTransport } from './transport.ts';

export interface SyncService {
  status(): SyncStatusView;
  /** A fact or request was just written: push it soon. */
  wake(): void;
  stop(): void;
}

export interface SyncServiceOptions {
  db: Database;
  store: CredentialStore;
  log: Logger;
  now: () => Date;
  onStatus: (status: SyncStatusView) => void;
  /** The hub for a credential (HTTP by default; tests pass their own). */
  transport?: (credential: HubCredential) => SyncTransport;
  intervalMs?: number;
}

/** No hub to talk to (never enrolled, or its credential is unreadable): the kiosk works on its own ledger. */
function standalone(db: Database, state: 'off' | 'stopped'): SyncService {
  const outbox = new OutboxQueue(db);
  return { status: () => ({ state, lastSyncAt: null, waiting: outbox.waiting(), parked: 0 }), wake: () => {}, stop: () => {} };
}

const view = (s: SyncStatus): SyncStatusView => ({ state: s.state, lastSyncAt: s.lastSyncAt, waiting: s.waiting, parked: s.parked });

/**
 * The kiosk's link to headquarters: with a credential from enrolment, a sync loop pushes the
 * outbox and pulls the branch's changes for as long as the core runs, and reports its status to
 * the screens; without one the kiosk works on its own ledger (demo mode) and says so.
 */
export function startSync(options: SyncServiceOptions): SyncService {
  let credential: HubCredential | null;
  try {
    credential = options.store.read();
  } catch (err) {
    // An unreadable credential must not keep the kiosk from serving customers: it works alone and says staff must enrol it again.
    options.log.error({ err }, 'the hub credential cannot be read; enrol this kiosk again');
    return standalone(options.db, 'stopped');
  }
  if (!credential) return standalone(options.db, 'off');
  const transport = options.transport?.(credential) ?? new HttpTransport({ baseUrl: credential.hubUrl, credential: credential.credential, timeoutMs: 15_000 });
  // Logged once when the link goes and once when it comes back, not on every retry.
  let failing = false;
  const engine = new SyncEngine({
    outbox: new OutboxQueue(options.db),
    pull: new PullApplier(options.db, new ChangeApplier(options.db)),
    transport,
    now: options.now,
    onStatus: (status) => {
      if ((status.state === 'offline' || status.state === 'stopped') && !failing) {
        failing = true;
        options.log.warn({ state: status.state, error: status.lastError }, 'sync with headquarters failed; retrying with backoff');
      } else if (status.state === 'online' && failing) {
        failing = false;
        options.log.info({ waiting: status.waiting }, 'sync with headquarters restored');
      }
      options.onStatus(view(status));
    },
  });
  const loop = new SyncLoop(engine, {
    intervalMs: options.intervalMs ?? 15_000,
    baseMs: 1_000,
    maxMs: 60_000,
    random: Math.random,
    setTimer: (fn, ms) => setTimeout(fn, ms).unref(),
    clearTimer: (timer) => clearTimeout(timer as NodeJS.Timeout),
  });
  options.log.info({ hubUrl: credential.hubUrl, deviceId: credential.deviceId, branchId: credential.branchId }, 'syncing with headquarters');
  loop.start();
  return {
    status: () => view(engine.status),
    wake: () => {
      options.onStatus(view(engine.status)); // one more item waits: the badge says so at once, online or not
      loop.wake();
    },
    stop: () => loop.stop(),
  };
}
