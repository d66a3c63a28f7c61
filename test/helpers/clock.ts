import { dateInZone, type CalendarDate } from '../../shared/calendar.ts';

/**
 * The instant the suite runs "at". No test reads the wall clock: cores, the demo generator and
 * the billing calendar get this (or a clock a test moves on from it). CI runs the suites at
 * several fixed instants by setting ONEBILL_TEST_NOW (today's date, a 29 February, a 31
 * December, the night the branch's clocks change); without it the suite runs at one fixed instant.
 */
export const TEST_NOW: Date = parseTestNow(process.env.ONEBILL_TEST_NOW);

/** The demo branch's time zone (Madrid), where the suite's "today" is a calendar day. */
export const TEST_TIME_ZONE = 'Europe/Madrid';

/** The suite's calendar date in the branch's time zone. */
export const TEST_TODAY: CalendarDate = dateInZone(TEST_NOW, TEST_TIME_ZONE);

function parseTestNow(value: string | undefined): Date {
  const instant = new Date(value || '2026-11-26T10:00:00.000Z');
  if (Number.isNaN(instant.getTime())) throw new Error(`ONEBILL_TEST_NOW is not an instant: ${value}`);
  return instant;
}

/** A clock stopped `days` after the suite's instant: weeks later, with nothing new in the ledger. */
export function daysLater(days: number): () => Date {
  const at = new Date(TEST_NOW.getTime() + days * 86_400_000);
  return () => at;
}

/** A clock stopped at `start` (TEST_NOW by default) that a test moves on by hand. */
export class TestClock {
  #ms: number;

  constructor(start: Date | string = TEST_NOW) {
    this.#ms = new Date(start).getTime();
  }

  /** The clock as the core takes it. */
  readonly now = (): Date => new Date(this.#ms);

  advance(ms: number): this {
    this.#ms += ms;
    return this;
  }

  set(instant: Date | string): this {
    this.#ms = new Date(instant).getTime();
    return this;
  }
}
