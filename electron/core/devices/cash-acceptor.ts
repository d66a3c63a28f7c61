import { z } from 'zod';

/**
 * The note and coin acceptor as the core sees it. Two-phase like the card terminal (docs/architecture.md §3):
 * the core stores the intent first, then collects with its id, and after a crash asks the
 * acceptor what it holds for that id.
 *
 * Money rule: cash that went into the machine is never lost from the books. When a collection
 * ends without reaching the amount due and the customer did not cancel (timeout, lost link,
 * restart), the acceptor keeps what was inserted and reports it as `insertedMinor`; the core
 * credits it (to the account, or to suspense for staff to resolve). Only a customer's cancel
 * hands notes back, and `returnedMinor` says how much actually came back out.
 */

const Minor = z.number().int().nonnegative();

export const CashOutcome = z.discriminatedUnion('status', [
  /**
   * The amount due was reached. `changeMinor = insertedMinor - amountDue` is the overpayment: the
   * caller decides whether to dispense it or credit it to the account.
   */
  z.object({ status: z.literal('collected'), insertedMinor: Minor, changeMinor: Minor }).strict(),
  /** The customer cancelled; `returnedMinor` went back out, `insertedMinor - returnedMinor` (normally 0) stayed in. */
  z.object({ status: z.literal('cancelled'), insertedMinor: Minor, returnedMinor: Minor }).strict(),
  /** The customer stopped inserting before the amount due; what was inserted is kept (see the rule above). */
  z.object({ status: z.literal('timedOut'), insertedMinor: Minor }).strict(),
]);
export type CashOutcome = z.infer<typeof CashOutcome>;

export const CashLookup = z.union([
  CashOutcome,
  /** Still collecting; ask again later. */
  z.object({ status: z.literal('pending'), insertedMinor: Minor }).strict(),
  /** The link dropped or the acceptor restarted mid-collection; what was inserted is kept, like a timeout. */
  z.object({ status: z.literal('interrupted'), insertedMinor: Minor }).strict(),
  /** The acceptor never received this intent: no cash was taken for it. */
  z.object({ status: z.literal('unknown') }).strict(),
]);
export type CashLookup = z.infer<typeof CashLookup>;

export type CashProgress =
  /** A note or coin was accepted; `insertedMinor` is the running total. */
  | { type: 'inserted'; intentId: string; denominationMinor: number; insertedMinor: number; remainingMinor: number }
  /** A note or coin the acceptor does not take was handed back. */
  | { type: 'rejected'; intentId: string; denominationMinor: number };

export interface CollectRequest {
  intentId: string;
  amountDueMinor: number;
  currency: string;
  /** Aborting is the same as `cancel(intentId)`: the customer's cancel, escrow returned. */
  signal?: AbortSignal;
}

export interface CashAcceptor {
  /** Denominations accepted for a currency, in minor units, smallest first; empty when the currency is not taken. */
  acceptedDenominations(currency: string): readonly number[];
  /**
   * Collects cash toward `amountDueMinor`. Throws DeviceError (`disconnected`: call `lookup`, cash
   * may be held; `busy`; `unsupported` currency; `intentConflict`). Collecting an intent the
   * acceptor already finished returns that outcome again and takes nothing more.
   */
  collect(request: CollectRequest): Promise<CashOutcome>;
  lookup(intentId: string): Promise<CashLookup>;
  cancel(intentId: string): Promise<void>;
  onProgress(listener: (progress: CashProgress) => void): () => void;
}

export function assertCollectRequest(request: CollectRequest): void {
  if (!request.intentId) throw new RangeError('an intent id is required');
  if (!Number.isSafeInteger(request.amountDueMinor) || request.amountDueMinor <= 0) throw new RangeError(`not a positive amount of minor units: ${request.amountDueMinor}`);
  if (!/^[A-Z]{3}$/.test(request.currency)) throw new RangeError(`not an ISO 4217 currency: ${request.currency}`);
}
