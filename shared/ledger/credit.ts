import { creditExposure, type CreditProfileInput } from '../billing/credit-risk.ts';

type CreditUse = Pick<CreditProfileInput, 'creditLimitMinor' | 'balanceMinor' | 'unbilledUsageMinor' | 'pendingOrdersFirstBillMinor'>;

/**
 * What a customer can still spend against the credit limit: the limit less the exposure the risk
 * engine counts (credit-risk.ts `creditExposure`), never below zero. The overview's meter, the
 * credit screen and the engine's order headroom all start from that one exposure.
 */
export function creditAvailable(use: CreditUse): number {
  return Math.max(use.creditLimitMinor - creditExposure(use), 0);
}
