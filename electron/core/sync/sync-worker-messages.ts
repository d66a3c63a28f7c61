import { z } from 'zod';
import { SyncStatusView } from '../../../shared/contract/sync.ts';
import { HubCredential } from './enrolment.ts';

/** What the sync worker is started with: its own connection to the ledger, and the hub credential the main thread read. */
export const SyncWorkerData = z.object({
  ledgerFile: z.string().min(1),
  /** The ledger's key in hex (a worker's data is copied, never written anywhere). */
  ledgerKey: z.string().regex(/^[0-9a-f]{64}$/),
  credential: HubCredential,
  intervalMs: z.number().int().positive(),
  timeoutMs: z.number().int().positive(),
});
export type SyncWorkerData = z.infer<typeof SyncWorkerData>;

/** Something new waits in the outbox. (Stopping is `terminate()`: every batch and page commits on its own.) */
export type ToSyncWorker = { type: 'wake' };

/** Checked on arrival: the worker is our code, but a message is still a boundary. */
export const FromSyncWorker = z.discriminatedUnion('type', [
  z.object({ type: z.literal('status'), status: SyncStatusView }),
  z.object({ type: z.literal('log'), level: z.enum(['info', 'warn', 'error']), details: z.record(z.string(), z.unknown()), message: z.string() }),
]);
export type FromSyncWorker = z.infer<typeof FromSyncWorker>;
