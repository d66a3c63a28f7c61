import { addDays, startOfDayInZone, type CalendarDate } from '../../shared/calendar.ts';
import { minorDigits } from '../../shared/money.ts';

/**
 * TMF value types from the ledger's: Money `{ unit, value }` from integer minor units, and
 * date-times from calendar dates (days in the branch's time zone) and instants.
 */
export interface TmfMoney {
  unit: string;
  value: number;
}

/**
 * `value` is the decimal amount. One IEEE division is correctly rounded, so 1234 / 100 is the
 * double nearest 12.34, the same number `JSON.parse("12.34")` gives: the client reads back
 * exactly the decimal the ledger holds. Sums are never made from these values, only from minor units.
 */
export function tmfMoney(amountMinor: number, currency: string): TmfMoney {
  return { unit: currency, value: amountMinor / 10 ** minorDigits(currency) };
}

/**
 * Minor units from a TMF Money value, or null when the value has more decimals than the currency
 * (0.1 + 0.2 arrives as 0.30000000000000004 and is refused, not rounded) or is not a safe amount.
 * Read from the number's shortest decimal text, so no float arithmetic touches the amount.
 */
export function minorFromTmfValue(value: number, currency: string): number | null {
  const digits = minorDigits(currency);
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(String(value));
  if (!match) return null;
  const [, sign, whole = '', fraction = ''] = match;
  if (fraction.length > digits) return null;
  const minor = Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
  if (!Number.isSafeInteger(minor)) return null;
  return sign === '-' ? -minor : minor;
}

function offsetText(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** Minutes the zone is ahead of UTC at the start of `date`. */
function offsetAtStart(date: CalendarDate, timeZone: string): number {
  return Math.round((Date.parse(`${date}T00:00:00Z`) - startOfDayInZone(date, timeZone)) / 60_000);
}

/**
 * The start of a calendar day as a TMF date-time, with the zone's offset (`2026-11-01T00:00:00+01:00`):
 * an instant a client can compare, that still shows the day the bill says.
 */
export function startOfDay(date: CalendarDate, timeZone: string): string {
  return `${date}T00:00:00${offsetText(offsetAtStart(date, timeZone))}`;
}

/**
 * The last millisecond of a calendar day (billing periods include their end day). Its offset is
 * the one in force when the next day starts: daylight saving changes in the small hours, not at midnight.
 */
export function endOfDay(date: CalendarDate, timeZone: string): string {
  return `${date}T23:59:59.999${offsetText(offsetAtStart(addDays(date, 1), timeZone))}`;
}

export function timePeriod(start: CalendarDate, end: CalendarDate, timeZone: string): { startDateTime: string; endDateTime: string } {
  return { startDateTime: startOfDay(start, timeZone), endDateTime: endOfDay(end, timeZone) };
}
