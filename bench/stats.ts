import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface Timing {
  p50_us: number;
  p99_us: number;
  mean_us: number;
  n: number;
}

function elapsedUs(fn: () => unknown): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1_000;
}

/**
 * Times the figure and its baseline alternately, one call each per item, so both see the same
 * machine (disk flushes, other load) and the ratio is fair. Percentiles in microseconds.
 */
export function timePair<T>(items: readonly T[], figure: (item: T) => unknown, baseline: (item: T) => unknown): { figure: Timing; baseline: Timing } {
  const f = new Float64Array(items.length);
  const b = new Float64Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as T;
    f[i] = elapsedUs(() => figure(item));
    b[i] = elapsedUs(() => baseline(item));
  }
  return { figure: summarise(f), baseline: summarise(b) };
}

export function summarise(samples: Float64Array): Timing {
  samples.sort();
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] as number;
  const mean = samples.reduce((s, x) => s + x, 0) / samples.length;
  return { p50_us: round(at(0.5)), p99_us: round(at(0.99)), mean_us: round(mean), n: samples.length };
}

const round = (x: number) => Math.round(x * 10) / 10;

export interface BenchResult {
  name: string;
  figure: Timing;
  baseline: { name: string } & Timing;
  ratio_p50: number;
  ratio_p99: number;
  target: string;
  meta: Record<string, unknown>;
}

export function compare(name: string, figure: Timing, baselineName: string, baseline: Timing, target: string, meta: Record<string, unknown>): BenchResult {
  return {
    name,
    figure,
    baseline: { name: baselineName, ...baseline },
    ratio_p50: round(figure.p50_us / baseline.p50_us),
    ratio_p99: round(figure.p99_us / baseline.p99_us),
    target,
    meta,
  };
}

export function report(result: BenchResult): void {
  const f = result.figure;
  const b = result.baseline;
  console.log(`\n${result.name}`);
  console.log(`  figure    p50 ${f.p50_us} µs   p99 ${f.p99_us} µs   (n=${f.n})`);
  console.log(`  baseline  p50 ${b.p50_us} µs   p99 ${b.p99_us} µs   — ${b.name}`);
  console.log(`  ratio     p50 ${result.ratio_p50}×   p99 ${result.ratio_p99}×   target: ${result.target}`);
  const dir = path.resolve('bench/results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${result.name}.json`), JSON.stringify({ ...result, at: new Date().toISOString() }, null, 2));
}
