import { z } from 'zod';
import { Money } from '../money.ts';
import { Instant } from '../domain/time.ts';

const Reason = z.object({ code: z.string(), text: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])) });

export const CreditStatus = z.object({
  creditLimit: Money,
  /** What counts against the limit: owed now, usage not yet billed, first bills of pending orders. */
  exposure: Money,
  available: Money,
  /** How much more this kiosk may grant on its own while it cannot reach headquarters. */
  offlineAllowance: Money,
  pendingRequest: z.object({ requestedLimit: Money, requestedAt: Instant }).nullable(),
});
export type CreditStatus = z.infer<typeof CreditStatus>;

export const CreditLimitRequest = z
  .object({
    /** Chosen by the screen once per request, so a retry never files it twice. */
    requestId: z.uuid('Not a request id'),
    requestedLimitMinor: z.number().int('Whole amounts only').positive('Ask for more than zero').max(10_000_000, 'That is more than any account can have'),
  })
  .strict();

export const CreditDecisionView = z.object({
  requestId: z.string(),
  decision: z.enum(['approve', 'refer', 'decline']),
  /** The limit now in force (raised when approved). */
  creditLimit: Money,
  /** Part of the request sent to staff: all of it on `refer`, the rest above an offline approval. */
  referred: Money.nullable(),
  reasons: z.array(Reason),
});
export type CreditDecisionView = z.infer<typeof CreditDecisionView>;
