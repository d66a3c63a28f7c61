import { z } from 'zod';

/** Calendar date in the operator's time zone (billing periods, due dates); arithmetic in shared/calendar.ts. */
export const CalendarDate = z.iso.date();
/** Instant, stored and sent as UTC ISO-8601. */
export const Instant = z.iso.datetime();
