// Runs a TypeScript worker entry (workerData.sourceEntry) from source (development, tests, benches): Node 20 does not pass
// `--import tsx` on to worker threads, so the worker registers tsx itself before loading it.
// Bundled builds start the bundled worker directly and never load this file.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.sourceEntry);
