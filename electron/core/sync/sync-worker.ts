// The sync worker thread: pushes and pulls on a ledger connection of its own, so a week's catch-up
// never holds up the screens. The main thread starts it (sync-worker-host.ts) and hears its status.
import { parentPort, workerData } from 'node:worker_threads';
import { openLedger } from '../ledger/db.ts';
import { runSyncLoop, type SyncLog } from './sync-runner.ts';
import { SyncWorkerData, type FromSyncWorker, type ToSyncWorker } from './sync-worker-messages.ts';
import { HttpTransport } from './transport.ts';

if (!parentPort) throw new Error('sync-worker runs as a worker thread');
const port = parentPort;
const data = SyncWorkerData.parse(workerData);
const post = (message: FromSyncWorker) => port.postMessage(message);
const forward =
  (level: 'info' | 'warn' | 'error') =>
  (details: object, message: string): void =>
    post({ type: 'log', level, details: { ...details }, message });
const log: SyncLog = { info: forward('info'), warn: forward('warn'), error: forward('error') };

const db = await openLedger(data.ledgerFile, Buffer.from(data.ledgerKey, 'hex'));
const runner = runSyncLoop({
  db,
  transport: new HttpTransport({ baseUrl: data.credential.hubUrl, credential: data.credential.credential, timeoutMs: data.timeoutMs }),
  log,
  // The real clock: in the worker it only stamps sync bookkeeping (when a page was applied, the last round).
  now: () => new Date(),
  intervalMs: data.intervalMs,
  onStatus: (status) => post({ type: 'status', status }),
});
port.on('message', (message: ToSyncWorker) => {
  if (message.type === 'wake') runner.wake();
});
