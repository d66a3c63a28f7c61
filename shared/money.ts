import { z } from 'zod';

/** Money is an integer count of minor units of an ISO 4217 currency; never a float. */
export const Money = z.object({
  amountMinor: z.number().int().refine(Number.isSafeInteger, 'amount must be a safe integer'),
  currency: z.string().regex(/^[A-Z]{3}$/, 'ISO 4217 currency code'),
});
export type Money = z.infer<typeof Money>;

export function money(amountMinor: number, currency: string): Money {
  if (!Number.isSafeInteger(amountMinor)) throw new RangeError(`not an integer amount of minor units: ${amountMinor}`);
  return { amountMinor, currency };
}

// A formatter per call is slow and heavy, and amounts are checked per usage record of a mediation file: once per currency.
const digitsOf = new Map<string, number>();

export function minorDigits(currency: string): number {
  let digits = digitsOf.get(currency);
  if (digits === undefined) {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    digitsOf.set(currency, digits);
  }
  return digits;
}

export function formatMoney(value: Money, locale: string): string {
  const digits = minorDigits(value.currency);
  return new Intl.NumberFormat(locale, { style: 'currency', currency: value.currency }).format(value.amountMinor / 10 ** digits);
}
