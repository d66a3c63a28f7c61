import { randomBytes } from 'node:crypto';

/** Benchmarks run on an encrypted ledger, as the kiosk does: a key of their own per run. */
export const BENCH_LEDGER_KEY = randomBytes(32);
