// Starts a TypeScript worker entry (workerData.entry, a file URL): Node 20 does not pass
// `--import tsx` on to worker threads, so the worker registers tsx itself before loading it.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
