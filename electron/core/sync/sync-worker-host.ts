import { Worker } from 'node:worker_threads';
import type { SyncStatusView } from '../../../shared/contract/sync.ts';
import type { Database } from '../ledger/db.ts';
import type { Logger } from '../infra/log.ts';
import type { HubCredential } from './enrolment.ts';
import { OutboxQueue } from './outbox-queue.ts';
import { parkedCounter } from './pull-applier.ts';
import type { SyncRunner } from './sync-runner.ts';
import { FromSyncWorker, type SyncWorkerData, type ToSyncWorker } from './sync-worker-messages.ts';

/**
 * Where the worker's code is: next to the bundle in a build (dist/electron/sync-worker.mjs, the
 * same for the browser host), or the TypeScript source through a tsx boot file when the core
 * runs from source.
 */
export function syncWorkerScript(moduleUrl: string = import.meta.url): { file: URL; sourceEntry?: string } {
  if (moduleUrl.endsWith('.ts')) {
    return { file: new URL('./source-worker-boot.mjs', moduleUrl), sourceEntry: new URL('./sync-worker.ts', moduleUrl).href };
  }
  return { file: new URL('./sync-worker.mjs', moduleUrl) };
}

export interface SyncWorkerHostOptions {
  /** The main thread's connection, for the counts the badge shows at once. */
  db: Database;
  ledgerFile: string;
  ledgerKey: Buffer;
  credential: HubCredential;
  log: Logger;
  onStatus: (status: SyncStatusView) => void;
  intervalMs: number;
  timeoutMs: number;
  /** After the worker dies unexpectedly, it is started again this much later. */
  restartMs?: number;
  script?: { file: URL; sourceEntry?: string };
}

/**
 * Runs the sync loop in a worker thread with a ledger connection of its own, so pushing and
 * pulling (a week of changes after an outage) never blocks the customer's screens; SQLite's WAL
 * and busy timeout let the two connections take turns writing. The worker's status reaches the
 * screens through `onStatus`; if the worker dies it is logged and started again.
 */
export function startSyncWorker(options: SyncWorkerHostOptions): SyncRunner {
  const outbox = new OutboxQueue(options.db);
  const parked = parkedCounter(options.db);
  const script = options.script ?? syncWorkerScript();
  let last: SyncStatusView = { state: 'offline', lastSyncAt: null, waiting: outbox.waiting(), parked: parked() };
  let worker: Worker | null = null;
  let restartTimer: NodeJS.Timeout | null = null;
  let stopped = false;
  const fresh = (): SyncStatusView => ({ ...last, waiting: outbox.waiting(), parked: parked() });

  const spawn = (): void => {
    const workerData: SyncWorkerData & { sourceEntry?: string } = {
      ledgerFile: options.ledgerFile,
      ledgerKey: options.ledgerKey.toString('hex'),
      credential: options.credential,
      intervalMs: options.intervalMs,
      timeoutMs: options.timeoutMs,
      ...(script.sourceEntry ? { sourceEntry: script.sourceEntry } : {}),
    };
    const started = new Worker(script.file, { workerData, name: 'onebill-sync' });
    worker = started;
    started.on('message', (raw: unknown) => {
      const message = FromSyncWorker.safeParse(raw);
      if (!message.success) return options.log.error({ problems: message.error.issues.length }, 'the sync worker sent a message the kiosk cannot read');
      if (message.data.type === 'log') return options.log[message.data.level]({ ...message.data.details, thread: 'sync' }, message.data.message);
      last = message.data.status;
      options.onStatus(last);
    });
    started.on('error', (err) => options.log.error({ err }, 'the sync worker failed'));
    started.on('exit', (code) => {
      if (worker !== started || stopped) return;
      worker = null;
      options.log.error({ code }, 'the sync worker stopped; starting it again');
      last = { ...last, state: 'offline' };
      options.onStatus(fresh());
      restartTimer = setTimeout(spawn, options.restartMs ?? 5_000);
      restartTimer.unref();
    });
  };
  spawn();

  return {
    status: fresh,
    wake: () => {
      options.onStatus(fresh()); // one more item waits: the badge says so at once, online or not
      worker?.postMessage({ type: 'wake' } satisfies ToSyncWorker);
    },
    stop: () => {
      stopped = true;
      if (restartTimer) clearTimeout(restartTimer);
      // Whatever the worker was doing commits per batch and per page, so cutting it off mid-round loses nothing.
      void worker?.terminate();
      worker = null;
    },
  };
}
