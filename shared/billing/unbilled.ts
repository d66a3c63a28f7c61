import { rateUsage, type RatingInput } from './rating.ts';
import { applyBps } from './rounding.ts';
import type { RatedUsage, RejectedUsage } from './usage.ts';

export interface UnbilledCharges {
  rated: RatedUsage[];
  rejected: RejectedUsage[];
  /** Tax-excluded usage charges per product. */
  byProduct: Map<string, number>;
  taxExcludedMinor: number;
  taxMinor: number;
  taxIncludedMinor: number;
}

/**
 * What this cycle's usage has cost so far, rated exactly as the bill run will rate it, with tax
 * per the catalog's categories. Recurring fees are billed in advance, so they are not in here.
 */
export function unbilledCharges(input: RatingInput): UnbilledCharges {
  const { rated, rejected } = rateUsage(input);
  const byProduct = new Map<string, number>();
  const byTax = new Map<string, number>();
  for (const r of rated) {
    if (r.amountMinor === 0) continue;
    byProduct.set(r.productId, (byProduct.get(r.productId) ?? 0) + r.amountMinor);
    const category = input.catalog.requireOffering(r.offeringId).taxCategory;
    byTax.set(category, (byTax.get(category) ?? 0) + r.amountMinor);
  }
  let net = 0;
  let tax = 0;
  for (const [category, amount] of byTax) {
    net += amount;
    tax += applyBps(amount, input.catalog.taxRateBps(category));
  }
  return { rated, rejected, byProduct, taxExcludedMinor: net, taxMinor: tax, taxIncludedMinor: net + tax };
}
