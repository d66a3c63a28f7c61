import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cycleAt, cycleContaining, overlapDays } from '../../shared/billing/cycle.ts';
import { addDays, daysBetween, startOfDayInZone } from '../../shared/calendar.ts';
import { TEST_NOW, TEST_TIME_ZONE, TEST_TODAY } from '../helpers/clock.ts';

describe('bill cycles', () => {
  it('cycle day 1 follows the calendar months', () => {
    expect(cycleContaining('2026-11-15', 1)).toEqual({ start: '2026-11-01', end: '2026-11-30', days: 30 });
    expect(cycleContaining('2026-11-01', 1)).toEqual({ start: '2026-11-01', end: '2026-11-30', days: 30 });
    expect(cycleContaining('2026-12-31', 1)).toEqual({ start: '2026-12-01', end: '2026-12-31', days: 31 });
    expect(cycleContaining('2028-02-29', 1)).toEqual({ start: '2028-02-01', end: '2028-02-29', days: 29 });
  });

  it('cycle day 31 clamps to the end of short months and goes back to the 31st after', () => {
    expect(cycleContaining('2026-01-31', 31)).toEqual({ start: '2026-01-31', end: '2026-02-27', days: 28 });
    expect(cycleContaining('2026-02-27', 31)).toEqual({ start: '2026-01-31', end: '2026-02-27', days: 28 });
    expect(cycleContaining('2026-02-28', 31)).toEqual({ start: '2026-02-28', end: '2026-03-30', days: 31 });
    expect(cycleContaining('2026-03-31', 31)).toEqual({ start: '2026-03-31', end: '2026-04-29', days: 30 });
    expect(cycleContaining('2026-04-30', 31)).toEqual({ start: '2026-04-30', end: '2026-05-30', days: 31 });
    // Leap year: 31 Jan → 29 Feb → 31 Mar.
    expect(cycleContaining('2028-02-15', 31)).toEqual({ start: '2028-01-31', end: '2028-02-28', days: 29 });
    expect(cycleContaining('2028-02-29', 31)).toEqual({ start: '2028-02-29', end: '2028-03-30', days: 31 });
  });

  it('cycle days 29 and 30 around February', () => {
    expect(cycleContaining('2026-02-10', 29)).toEqual({ start: '2026-01-29', end: '2026-02-27', days: 30 });
    expect(cycleContaining('2026-02-28', 29)).toEqual({ start: '2026-02-28', end: '2026-03-28', days: 29 });
    expect(cycleContaining('2028-02-29', 29)).toEqual({ start: '2028-02-29', end: '2028-03-28', days: 29 });
    expect(cycleContaining('2026-02-28', 30)).toEqual({ start: '2026-02-28', end: '2026-03-29', days: 30 });
    expect(cycleContaining('2028-02-10', 30)).toEqual({ start: '2028-01-30', end: '2028-02-28', days: 30 });
  });

  it('crosses the year', () => {
    expect(cycleContaining('2026-01-05', 15)).toEqual({ start: '2025-12-15', end: '2026-01-14', days: 31 });
    expect(cycleContaining('2026-01-30', 31)).toEqual({ start: '2025-12-31', end: '2026-01-30', days: 31 });
  });

  it('steps forwards and backwards by whole cycles', () => {
    expect(cycleAt('2026-02-28', 31, 0)).toEqual(cycleContaining('2026-02-28', 31));
    expect(cycleAt('2026-02-28', 31, 1).start).toBe('2026-03-31');
    expect(cycleAt('2026-02-28', 31, 2).start).toBe('2026-04-30');
    expect(cycleAt('2026-02-28', 31, -1)).toEqual({ start: '2026-01-31', end: '2026-02-27', days: 28 });
    expect(cycleAt('2026-02-28', 31, -2)).toEqual({ start: '2025-12-31', end: '2026-01-30', days: 31 });
    expect(cycleAt('2026-11-20', 1, -11).start).toBe('2025-12-01');
    expect(cycleAt('2026-11-20', 1, 14).start).toBe('2028-01-01');
  });

  it('refuses a cycle day outside 1–31', () => {
    for (const day of [0, 32, -1, 1.5, Number.NaN]) expect(() => cycleContaining('2026-11-01', day)).toThrow(RangeError);
  });

  it('counts the days of a range inside a cycle', () => {
    const nov = cycleContaining('2026-11-15', 1);
    expect(overlapDays(nov, '2020-01-01', null)).toBe(30);
    expect(overlapDays(nov, '2026-11-10', null)).toBe(21);
    expect(overlapDays(nov, '2026-11-10', '2026-11-10')).toBe(1);
    expect(overlapDays(nov, '2026-10-01', '2026-11-03')).toBe(3);
    expect(overlapDays(nov, '2026-10-01', '2026-10-31')).toBe(0);
    expect(overlapDays(nov, '2026-12-01', null)).toBe(0);
  });

  it('overlap of adjacent ranges adds up to the cycle (200 runs)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 31 }), fc.integer({ min: 0, max: 40_000 }), fc.integer({ min: 0, max: 30 }), (cycleDay, offset, split) => {
        const cycle = cycleContaining(addDays('1990-01-01', offset), cycleDay);
        const cut = addDays(cycle.start, Math.min(split, cycle.days - 1));
        return overlapDays(cycle, '1900-01-01', cut) + overlapDays(cycle, addDays(cut, 1), null) === cycle.days;
      }),
      { numRuns: 200 },
    );
  });
});

describe('at the suite’s date (CI runs it on a 29 February, a 31 December and the night clocks change)', () => {
  it('the day holds the suite’s instant in the branch’s zone, and lasts 23, 24 or 25 hours', () => {
    const start = startOfDayInZone(TEST_TODAY, TEST_TIME_ZONE);
    const next = startOfDayInZone(addDays(TEST_TODAY, 1), TEST_TIME_ZONE);
    expect(start).toBeLessThanOrEqual(TEST_NOW.getTime());
    expect(TEST_NOW.getTime()).toBeLessThan(next);
    expect([23, 24, 25]).toContain((next - start) / 3_600_000);
  });

  it('for every cycle day, exactly one cycle holds the day, and the cycles before and after meet it', () => {
    for (let cycleDay = 1; cycleDay <= 31; cycleDay++) {
      const cycle = cycleContaining(TEST_TODAY, cycleDay);
      expect(cycle.start <= TEST_TODAY && TEST_TODAY <= cycle.end).toBe(true);
      expect(cycle.days).toBe(daysBetween(cycle.start, cycle.end) + 1);
      expect(cycleAt(TEST_TODAY, cycleDay, -1).end).toBe(addDays(cycle.start, -1));
      expect(cycleAt(TEST_TODAY, cycleDay, 1).start).toBe(addDays(cycle.end, 1));
      expect(cycleContaining(cycle.end, cycleDay)).toEqual(cycle);
      expect(cycleContaining(addDays(cycle.end, 1), cycleDay)).not.toEqual(cycle);
    }
  });
});
