import { addDays, daysBetween } from '../../../shared/calendar.ts';
import type { UsageDaily } from '../../../shared/contract/bills.ts';

export type DailyMeter = UsageDaily['meters'][number];

export interface MeterSeries {
  /** Every day of the cycle, first to last (days still to come included, so the chart shows where in the cycle we are). */
  dates: string[];
  /** Use on each day so far; null for days still to come. */
  daily: (number | null)[];
  /** Running total so far; null for days still to come. */
  cumulative: (number | null)[];
  /** The days the core reported, each with its running total (the table's rows). */
  rows: { date: string; used: number; total: number }[];
  total: number;
  /** Days of the cycle reported so far, and in all. */
  daysSoFar: number;
  cycleDays: number;
  /** Allowance left (never negative), and how far over it; both null unless there is an allowance. */
  left: number | null;
  over: number | null;
}

/** Sums without floating-point crumbs (the core sends tenths of a unit). */
function add(a: number, b: number): number {
  return Math.round((a + b) * 1000) / 1000;
}

/** One meter's day-by-day figures, laid over the whole cycle. */
export function meterSeries(meter: DailyMeter, cycle: UsageDaily['cycle']): MeterSeries {
  const cycleDays = daysBetween(cycle.start, cycle.end) + 1;
  const byDate = new Map(meter.days.map((d) => [d.date, d.used]));
  const dates: string[] = [];
  for (let i = 0; i < cycleDays; i++) dates.push(addDays(cycle.start, i));
  const lastReported = meter.days.reduce<string | null>((last, d) => (last === null || d.date > last ? d.date : last), null);

  let running = 0;
  const daily: (number | null)[] = [];
  const cumulative: (number | null)[] = [];
  const rows: MeterSeries['rows'] = [];
  for (const date of dates) {
    if (lastReported === null || date > lastReported) {
      daily.push(null);
      cumulative.push(null);
      continue;
    }
    const used = byDate.get(date) ?? 0;
    running = add(running, used);
    daily.push(used);
    cumulative.push(running);
    rows.push({ date, used, total: running });
  }
  const allowance = meter.allowance;
  const limited = allowance !== null && allowance > 0;
  return {
    dates,
    daily,
    cumulative,
    rows,
    total: running,
    daysSoFar: rows.length,
    cycleDays,
    left: limited ? Math.max(0, add(allowance, -running)) : null,
    over: limited ? Math.max(0, add(running, -allowance)) : null,
  };
}
