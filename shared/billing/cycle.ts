import { addDays, daysBetween, type CalendarDate } from '../calendar.ts';

/**
 * Bill cycles. An account's cycle starts on its bill cycle day each month; in months too short
 * for that day (29–31) it starts on the month's last day instead, and the next month goes back
 * to the chosen day, so a day-31 account bills on 31 Jan, 28 (or 29) Feb, 31 Mar, 30 Apr.
 */
export interface Cycle {
  start: CalendarDate;
  /** Last day of the cycle, inclusive. */
  end: CalendarDate;
  days: number;
}

function startIn(year: number, monthIndex: number, cycleDay: number): CalendarDate {
  const y = year + Math.floor(monthIndex / 12);
  const m = ((monthIndex % 12) + 12) % 12;
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, m, Math.min(cycleDay, last))).toISOString().slice(0, 10);
}

function assertCycleDay(cycleDay: number): void {
  if (!Number.isInteger(cycleDay) || cycleDay < 1 || cycleDay > 31) throw new RangeError(`bill cycle day must be 1–31: ${cycleDay}`);
}

/** Bill runs ask for the same few cycles again and again; a small cache of frozen answers. */
const cache = new Map<string, Readonly<Cycle>>();
const CACHE_LIMIT = 20_000;

/** The cycle that contains `date`. */
export function cycleContaining(date: CalendarDate, cycleDay: number): Readonly<Cycle> {
  const key = `${date}|${cycleDay}`;
  let cycle = cache.get(key);
  if (!cycle) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cycle = Object.freeze(computeCycle(date, cycleDay));
    cache.set(key, cycle);
  }
  return cycle;
}

function computeCycle(date: CalendarDate, cycleDay: number): Cycle {
  assertCycleDay(cycleDay);
  const [y, m] = date.split('-').map(Number) as [number, number];
  let start = startIn(y, m - 1, cycleDay);
  let monthIndex = m - 1;
  if (start > date) {
    monthIndex -= 1;
    start = startIn(y, monthIndex, cycleDay);
  }
  const next = startIn(y, monthIndex + 1, cycleDay);
  return { start, end: addDays(next, -1), days: daysBetween(start, next) };
}

/** The cycle `offset` cycles after (or before, when negative) the one containing `date`. */
export function cycleAt(date: CalendarDate, cycleDay: number, offset: number): Readonly<Cycle> {
  let cycle = cycleContaining(date, cycleDay);
  for (let i = 0; i < Math.abs(offset); i++) {
    cycle = cycleContaining(offset > 0 ? addDays(cycle.end, 1) : addDays(cycle.start, -1), cycleDay);
  }
  return cycle;
}

/** Days of [from, to] (inclusive) that fall inside `cycle`. */
export function overlapDays(cycle: Cycle, from: CalendarDate, to: CalendarDate | null): number {
  const start = from > cycle.start ? from : cycle.start;
  const end = to === null || to > cycle.end ? cycle.end : to;
  return end < start ? 0 : daysBetween(start, end) + 1;
}
