import type { KioskErrorData } from '../../../../shared/errors.ts';

/**
 * What the Services and Offers journeys share about placing an order: why one was not asked for
 * or not placed.
 */
export type OrderProblem =
  /** "Another date" was chosen but none given. */
  | { kind: 'dateMissing' }
  /** The date is before today, after the furthest it can be booked, or not a date. */
  | { kind: 'dateOutOfRange'; from: string; to: string }
  /** The core refused the details (VALIDATION): nothing was placed. */
  | { kind: 'validation' }
  /** The service or plan is no longer there. */
  | { kind: 'notFound' }
  /** Confirmed, but the core's decision is now "not allowed": nothing was placed. */
  | { kind: 'refused' }
  /** The offer is no longer available. */
  | { kind: 'offerGone' }
  /** No answer, or an error: not known to have been placed, so the retry keeps its request id. */
  | { kind: 'failed' };

/** True when an error means the order was certainly not placed (so the next try is a new request). */
export function refusedForSure(error: KioskErrorData): boolean {
  return error.code === 'VALIDATION' || error.code === 'FORBIDDEN' || error.code === 'NOT_FOUND' || error.code === 'CONFLICT';
}

/** An error from `order.preview` or `order.submit` as a problem to show. */
export function problemFrom(error: KioskErrorData): OrderProblem {
  switch (error.code) {
    case 'VALIDATION':
      return { kind: 'validation' };
    case 'NOT_FOUND':
      return { kind: 'notFound' };
    case 'FORBIDDEN':
      return { kind: 'refused' };
    default:
      return { kind: 'failed' };
  }
}
