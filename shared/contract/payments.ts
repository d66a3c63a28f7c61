import { z } from 'zod';
import { Money } from '../money.ts';
import { Language } from '../locales.ts';
import { CalendarDate } from '../domain/time.ts';

export const PaymentMethod = z.enum(['card', 'cash']);
export type PaymentMethod = z.infer<typeof PaymentMethod>;

/** What the customer can pay now: the whole balance, one open bill, or another amount up to the cap. */
export const PaymentQuote = z.object({
  balance: Money,
  totalDue: Money,
  openBills: z.array(z.object({ billNo: z.string(), billDate: CalendarDate, paymentDueDate: CalendarDate, remaining: Money })),
  /** The most one payment at this kiosk may be. */
  maxAmount: Money,
  /** Notes and coins the cash acceptor takes, smallest first (minor units). */
  cashDenominations: z.array(z.number().int().positive()),
});
export type PaymentQuote = z.infer<typeof PaymentQuote>;

export const PaymentStart = z
  .object({
    /** Chosen by the screen once per payment, so a retried request can never charge twice. */
    requestId: z.uuid('Not a request id'),
    amountMinor: z.number().int('Whole cents only').positive('Enter an amount above zero').max(10_000_000, 'That amount is too large'),
    /** Pay this bill first; null pays the oldest bills first. */
    billNo: z.string().trim().min(1).max(40).regex(/^[A-Z0-9-]+$/i, 'Not a bill number').nullable(),
    method: PaymentMethod,
    /** The language on screen: the receipt is printed and shown in it. */
    language: Language,
  })
  .strict();

export const PaymentCancel = z.object({ intentId: z.string().min(1).max(64) }).strict();

/** A receipt as the screen shows it: the same facts as the paper one and the same QR payload. */
export const ReceiptView = z.object({
  transactionNo: z.string(),
  kioskId: z.string(),
  branchName: z.string(),
  issuedAt: z.string(),
  accountNoLast4: z.string(),
  amount: Money,
  method: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('card'), cardBrand: z.string(), cardLast4: z.string(), authorizationCode: z.string() }),
    z.object({ kind: z.literal('cash'), inserted: Money, change: Money }),
  ]),
  paidBills: z.array(z.object({ billNo: z.string(), amount: Money })),
  creditOnAccount: Money,
  balanceAfter: Money,
  qrPayload: z.string(),
  /** The member of staff who assisted (assist mode), or null. */
  staffId: z.string().nullable(),
  printed: z.boolean(),
});
export type ReceiptView = z.infer<typeof ReceiptView>;

export const PaymentResult = z.object({
  intentId: z.string(),
  /** approved: money taken (for cash, possibly less than asked: see `amountTaken`); pending: the device's answer is not known yet. */
  status: z.enum(['approved', 'declined', 'timedOut', 'cancelled', 'failed', 'pending']),
  method: PaymentMethod,
  amountAsked: Money,
  amountTaken: Money,
  /** Why it did not go through, for the screen to say in words. */
  reason: z.string().nullable(),
  receipt: ReceiptView.nullable(),
});
export type PaymentResult = z.infer<typeof PaymentResult>;

export const PaymentProgress = z.object({
  intentId: z.string(),
  stage: z.enum(['presentCard', 'processing', 'removeCard', 'insertCash']),
  inserted: Money.optional(),
  remaining: Money.optional(),
});
