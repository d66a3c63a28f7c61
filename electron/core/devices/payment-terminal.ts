import { z } from 'zod';

/**
 * The card payment terminal (PIN pad) as the core sees it. Two-phase, as docs/architecture.md §3: the core
 * stores the payment intent with its id first, then asks the terminal with that id; after a crash
 * or a lost connection it asks the terminal what became of the id. The terminal is the source of
 * truth for whether a card was charged.
 *
 * Card data never reaches the kiosk beyond the brand and the last four digits: no full card
 * number (PAN), no expiry, no cardholder name.
 */

export const DeclineReason = z.enum(['insufficientFunds', 'doNotHonour', 'expiredCard', 'wrongPin', 'cardNotSupported']);
export type DeclineReason = z.infer<typeof DeclineReason>;

export const CardLast4 = z.string().regex(/^\d{4}$/, 'the last four digits of the card, never more');
export const CardBrand = z.string().regex(/^[A-Za-z0-9 ]{1,24}$/, 'a brand name such as VISA');
/** ISO 8583 field 38 is six characters; some acquirers send fewer. */
export const AuthorizationCode = z.string().regex(/^[A-Za-z0-9]{1,8}$/);

export const TerminalOutcome = z.discriminatedUnion('status', [
  z.object({ status: z.literal('approved'), authorizationCode: AuthorizationCode, cardLast4: CardLast4, cardBrand: CardBrand }).strict(),
  z.object({ status: z.literal('declined'), reason: DeclineReason }).strict(),
  /** Nobody presented a card in time. Nothing was charged. */
  z.object({ status: z.literal('timedOut') }).strict(),
  /** Cancelled on the terminal's keypad, on the screen (`cancel`, AbortSignal), or abandoned by a terminal restart. Nothing was charged. */
  z.object({ status: z.literal('cancelled') }).strict(),
]);
export type TerminalOutcome = z.infer<typeof TerminalOutcome>;

export const TerminalLookup = z.union([
  TerminalOutcome,
  /** The terminal is still working on it: ask again later, do not settle the intent yet. */
  z.object({ status: z.literal('pending') }).strict(),
  /** The terminal never received this intent: nothing was charged, the intent can be closed as failed. */
  z.object({ status: z.literal('unknown') }).strict(),
]);
export type TerminalLookup = z.infer<typeof TerminalLookup>;

export const TerminalStage = z.enum(['presentCard', 'processing', 'removeCard']);
export type TerminalStage = z.infer<typeof TerminalStage>;

/** What the screen shows while the customer deals with the terminal. */
export interface TerminalProgress {
  intentId: string;
  stage: TerminalStage;
}

export interface AuthorizeRequest {
  /** The payment intent's id, stored by the core before this call; the terminal keeps it as its reference. */
  intentId: string;
  amountMinor: number;
  currency: string;
  /** Aborting is the same as `cancel(intentId)`. */
  signal?: AbortSignal;
}

export interface PaymentTerminal {
  /**
   * Takes a card payment. Resolves with the outcome the terminal reached; throws DeviceError
   * (`disconnected`: outcome unknown, call `lookup`; `busy`: nothing done; `intentConflict`: the
   * id was used for another amount). Sending an intent id the terminal already finished returns
   * that outcome again and charges nothing: retries are safe.
   *
   * Cancelling works until the card is read; after that the authorization is with the card
   * issuer and its answer stands, so an aborted call may still resolve `approved`.
   */
  authorize(request: AuthorizeRequest): Promise<TerminalOutcome>;
  /** What the terminal knows of an intent; used to settle intents left open by a crash or a lost connection. */
  lookup(intentId: string): Promise<TerminalLookup>;
  /** Asks the terminal to stop waiting for the card of an intent in progress; no effect otherwise. */
  cancel(intentId: string): Promise<void>;
  /** Progress of transactions in progress, for the screen. Returns the unsubscribe function. */
  onProgress(listener: (progress: TerminalProgress) => void): () => void;
}

/** Programming errors are thrown at once, before the terminal is involved. */
export function assertAuthorizeRequest(request: AuthorizeRequest): void {
  if (!request.intentId) throw new RangeError('an intent id is required');
  if (!Number.isSafeInteger(request.amountMinor) || request.amountMinor <= 0) throw new RangeError(`not a positive amount of minor units: ${request.amountMinor}`);
  if (!/^[A-Z]{3}$/.test(request.currency)) throw new RangeError(`not an ISO 4217 currency: ${request.currency}`);
}
