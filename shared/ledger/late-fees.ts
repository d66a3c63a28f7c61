import { lateFeeDue, type AccountEvent } from '../billing/allocation.ts';
import type { CatalogIndex } from '../billing/catalog.ts';
import type { CalendarDate } from '../calendar.ts';

/**
 * The bills a new bill dated `billDate` charges a late fee for (the catalog's grace days, the
 * window since the previous bill), judged at the end of each day in the branch's time zone: the
 * same call for the hub's bill run and the demo generator, so both put the same fees on a bill.
 */
export function lateFeesOnBill(
  events: readonly AccountEvent[],
  bill: { catalog: CatalogIndex; previousBillDate: CalendarDate | null; billDate: CalendarDate; timeZone: string },
): string[] {
  if (bill.previousBillDate === null) return [];
  return lateFeeDue(events, { since: bill.previousBillDate, until: bill.billDate, graceDays: bill.catalog.catalog.fees.latePayment.graceDays, timeZone: bill.timeZone });
}
