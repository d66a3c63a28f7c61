import { z } from 'zod';
import { MaxAmounts } from '../../shared/money-bounds.ts';

/** What headquarters refuses to hold, from its settings (HUB_MAX_AMOUNTS, HUB_PAYMENT_MAX_AGE_DAYS). */
export interface HubLimits {
  /** Per-currency maxima of one amount, in minor units; a currency not named gets the shared default. */
  maxAmounts: MaxAmounts;
  /** How far back an operator system's paymentDate may lie: older is a back-dated payment, refused. */
  paymentMaxAgeDays: number;
}

export const DEFAULT_LIMITS: HubLimits = { maxAmounts: {}, paymentMaxAgeDays: 90 };

/** HUB_MAX_AMOUNTS is JSON: `{"EUR":100000000}` (minor units). */
export const MaxAmountsText = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'JSON such as {"EUR":100000000} (minor units per currency)' });
      return z.NEVER;
    }
  })
  .pipe(MaxAmounts);
