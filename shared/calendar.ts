/**
 * Calendar dates (YYYY-MM-DD) for billing periods and due dates. They are days in the operator's
 * time zone, not instants, so arithmetic is done on the date alone (UTC midnight as a carrier).
 */
export type CalendarDate = string;

const DAY_MS = 86_400_000;

function toUtc(date: CalendarDate): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d);
}
function fromUtc(ms: number): CalendarDate {
  return new Date(ms).toISOString().slice(0, 10);
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  return fromUtc(toUtc(date) + days * DAY_MS);
}

/** Same day `months` later, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(date: CalendarDate, months: number): CalendarDate {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(y, m - 1 + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d, lastDay));
  return fromUtc(target.getTime());
}

export function daysBetween(from: CalendarDate, to: CalendarDate): number {
  return Math.round((toUtc(to) - toUtc(from)) / DAY_MS);
}

/** The calendar date of an instant in a time zone. */
export function dateInZone(instant: Date, timeZone: string): CalendarDate {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}

/** The most recent date on or before `onOrBefore` that falls on `day` of its month. */
export function lastCycleDate(onOrBefore: CalendarDate, day: number): CalendarDate {
  const [y, m, d] = onOrBefore.split('-').map(Number) as [number, number, number];
  const thisMonth = fromUtc(Date.UTC(y, m - 1, day));
  return d >= day ? thisMonth : addMonths(thisMonth, -1);
}
