import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatMoney, money } from '../../shared/money.ts';
import { addDays, addMonths, daysBetween, dateInZone, startOfDayInZone } from '../../shared/calendar.ts';

describe('money', () => {
  it('formats minor units with Intl in the customer language', () => {
    expect(formatMoney(money(4250, 'EUR'), 'en')).toBe('€42.50');
    expect(formatMoney(money(-4250, 'EUR'), 'es')).toBe('-42,50\u00a0€');
    expect(formatMoney(money(1500, 'JPY'), 'en')).toBe('¥1,500');
  });
  it('refuses fractional minor units', () => {
    expect(() => money(10.5, 'EUR')).toThrow(RangeError);
  });
});

describe('calendar dates', () => {
  it('clamps month arithmetic to the end of the month', () => {
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2026-03-15', -3)).toBe('2025-12-15');
  });
  it('adds days across years', () => {
    expect(addDays('2026-12-25', 10)).toBe('2027-01-04');
    fc.assert(fc.property(fc.integer({ min: -2000, max: 2000 }), (n) => daysBetween('2026-06-01', addDays('2026-06-01', n)) === n));
  });
  it('finds the instant a day starts in a time zone, across daylight-saving changes', () => {
    expect(new Date(startOfDayInZone('2026-11-26', 'Europe/Madrid')).toISOString()).toBe('2026-11-25T23:00:00.000Z');
    expect(new Date(startOfDayInZone('2026-07-01', 'Europe/Madrid')).toISOString()).toBe('2026-06-30T22:00:00.000Z');
    expect(new Date(startOfDayInZone('2026-03-29', 'Europe/Madrid')).toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(new Date(startOfDayInZone('2026-03-30', 'Europe/Madrid')).toISOString()).toBe('2026-03-29T22:00:00.000Z');
    expect(new Date(startOfDayInZone('2026-11-26', 'America/New_York')).toISOString()).toBe('2026-11-26T05:00:00.000Z');
  });
  it('takes the date in the operator time zone, not UTC', () => {
    expect(dateInZone(new Date('2026-11-26T23:30:00Z'), 'Europe/Madrid')).toBe('2026-11-27');
    expect(dateInZone(new Date('2026-11-26T23:30:00Z'), 'America/New_York')).toBe('2026-11-26');
  });
});
