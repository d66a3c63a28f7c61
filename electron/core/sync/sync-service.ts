import type { SyncStatusView } from '../../../shared/contract/sync.ts';
import type { Database } from '../ledger/db.ts';
import type { Logger } from '../infra/log.ts';
import type { CredentialStore, HubCredential } from './enrolment.ts';
import { OutboxQueue } from './outbox-queue.ts';
import { parkedCounter } from './pull-applier.ts';
import { runSyncLoop, type SyncRunner } from './sync-runner.ts';
import { startSyncWorker } from './sync-worker-host.ts';
import type { SyncTransport } from './transport.ts';

export type SyncService = SyncRunner;

export interface SyncServiceOptions {
  db: Database;
  /** The ledger's file, which the sync worker opens a connection of its own to. */
  ledgerFile: string;
  ledgerKey: Buffer;
  store: CredentialStore;
  log: Logger;
  now: () => Date;
  onStatus: (status: SyncStatusView) => void;
  /** A hub in this thread instead of the worker's HTTP one (tests and the simulation). */
  transport?: (credential: HubCredential) => SyncTransport;
  intervalMs?: number;
}

/** No hub to talk to (never enrolled, or its credential is unreadable): the kiosk works on its own ledger. */
function standalone(db: Database, state: 'off' | 'stopped'): SyncService {
  const outbox = new OutboxQueue(db);
  const parked = parkedCounter(db);
  return { status: () => ({ state, lastSyncAt: null, waiting: outbox.waiting(), parked: parked() }), wake: () => {}, stop: () => {} };
}

/**
 * The kiosk's link to headquarters: with a credential from enrolment, a sync worker thread pushes
 * the outbox and pulls the branch's changes for as long as the core runs, and reports its status
 * to the screens; without one the kiosk works on its own ledger (demo mode) and says so.
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
  options.log.info({ hubUrl: credential.hubUrl, deviceId: credential.deviceId, branchId: credential.branchId }, 'syncing with headquarters');
  const intervalMs = options.intervalMs ?? 15_000;
  if (options.transport) {
    const runner = runSyncLoop({ db: options.db, transport: options.transport(credential), log: options.log, now: options.now, intervalMs, onStatus: options.onStatus });
    return {
      ...runner,
      wake: () => {
        options.onStatus(runner.status()); // one more item waits: the badge says so at once, online or not
        runner.wake();
      },
    };
  }
  return startSyncWorker({ db: options.db, ledgerFile: options.ledgerFile, ledgerKey: options.ledgerKey, credential, log: options.log, onStatus: options.onStatus, intervalMs, timeoutMs: 15_000 });
}
