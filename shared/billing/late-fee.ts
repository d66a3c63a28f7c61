import { allLines, type CustomerBill } from './bill.ts';
import { applyBps } from './rounding.ts';

/** The late payment fee a bill charged: its lines' net amount, the tax they added, and the bills they were for. */
export interface LateFeeCharged {
  netMinor: number;
  taxMinor: number;
  /** What the fee added to the bill's total: what waiving it takes off. */
  totalMinor: number;
  /** The bills that were late (one fee line each). */
  forBills: string[];
}

/**
 * The late fee on `bill` as it was charged, or null when the bill has none. Tax is charged per tax
 * category on the category's whole taxable amount, so the fee's tax is what the fee added to its
 * category's tax: the category's tax with the fee less the tax without it, at the rate the bill
 * used. Waiving that total leaves the bill exactly as if the fee had never been on it.
 */
export function lateFeeCharged(bill: Pick<CustomerBill, 'services' | 'accountItems' | 'taxItems'>): LateFeeCharged | null {
  const fees = allLines(bill).filter((l) => l.cause === 'lateFee');
  if (fees.length === 0) return null;
  const byCategory = new Map<string, number>();
  for (const line of fees) byCategory.set(line.taxCategory, (byCategory.get(line.taxCategory) ?? 0) + line.amountMinor);
  let taxMinor = 0;
  for (const [category, net] of byCategory) {
    const item = bill.taxItems.find((t) => t.taxCategory === category);
    if (item) taxMinor += item.taxMinor - applyBps(item.taxableMinor - net, item.rateBps);
  }
  const netMinor = fees.reduce((s, l) => s + l.amountMinor, 0);
  return { netMinor, taxMinor, totalMinor: netMinor + taxMinor, forBills: fees.map((l) => String(l.params.billNo ?? '')).filter((b) => b !== '') };
}
