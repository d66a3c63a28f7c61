import { summarise, type Timing } from '../stats.ts';

/** A size from the environment (quick checks run smaller), or the default. */
export function envInt(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new RangeError(`${name} must be an integer ≥ ${min}, not ${raw}`);
  return value;
}

/** One whole run as a Timing (n = 1: p50 = p99 = the run), so it reports and compares like the other benches. */
export function wholeRun(ms: number): Timing {
  return summarise(Float64Array.of(ms * 1000));
}

/** Latencies in milliseconds as a Timing in microseconds. */
export function latencies(ms: readonly number[]): Timing {
  return summarise(Float64Array.from(ms, (x) => x * 1000));
}

export const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
export const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
export const perSecond = (count: number, ms: number): number => Math.round(count / (ms / 1000));
export const sum = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0);
export const verdict = (met: boolean): string => (met ? 'met' : 'MISSED');

/** Fails the bench loudly when a run did not do what it claims: a figure of a failed run is worse than none. */
export function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`bench check failed: ${message}`);
}
