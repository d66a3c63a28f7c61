import { adjustmentEvent, inReplayOrder, type AccountEvent } from '../billing/allocation.ts';
import type { CalendarDate } from '../calendar.ts';

/**
 * One row of an account's money as both ledgers store it (the kiosk's SQLite replica and the hub's
 * PostgreSQL each read it with their own SQL into this shape): a bill at the instant of its journal
 * entry, a payment that is done, or a staff adjustment (signed as posted to the receivable).
 */
export interface LedgerRow {
  kind: 'bill' | 'payment' | 'adjustment';
  /** A bill's number; a payment's or an adjustment's id. */
  id: string;
  /** A bill's number, the bill a payment names, or a fee waiver's bill; null otherwise. */
  billNo: string | null;
  /** An ISO instant. */
  at: string;
  /** A bill's; null otherwise. */
  paymentDueDate: CalendarDate | null;
  amountMinor: number;
}

/** The account's rows as the allocation engine's events, in replay order: the one reading of the journal every layer uses. */
export function accountEvents(rows: readonly LedgerRow[]): AccountEvent[] {
  return rows.map(toEvent).sort(inReplayOrder);
}

function toEvent(row: LedgerRow): AccountEvent {
  switch (row.kind) {
    case 'bill':
      return { type: 'bill', billNo: row.id, at: row.at, paymentDueDate: row.paymentDueDate as CalendarDate, amountMinor: row.amountMinor };
    case 'payment':
      return { type: 'payment', paymentId: row.id, at: row.at, amountMinor: row.amountMinor, ...(row.billNo === null ? {} : { targetBillNo: row.billNo }) };
    case 'adjustment':
      return adjustmentEvent(row.id, row.at, row.amountMinor, row.billNo);
  }
}
