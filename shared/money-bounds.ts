import { z } from 'zod';
import { minorDigits } from './money.ts';

/**
 * The most any one money amount may be, per currency, on every way into a ledger (the kiosk's
 * payments, the hub's TMF API, a kiosk's push, a mediation file, the feed a kiosk pulls). A
 * hostile or mistyped amount is refused where it arrives, so that no account ever holds a figure
 * its readers cannot sum exactly: with every amount at most 1,000,000.00, an account would need
 * some ninety million of them before a sum in minor units left the integers a JavaScript number
 * holds exactly (2^53). Settings (HUB_MAX_AMOUNTS) may lower the maximum of a currency, never
 * raise it: kiosks check what they pull against the default, so the hub never sends them a fact
 * they would refuse.
 */
export const DEFAULT_MAX_MAJOR_UNITS = 1_000_000;

const defaultMax = (currency: string) => DEFAULT_MAX_MAJOR_UNITS * 10 ** minorDigits(currency);

const CurrencyCode = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 currency code');
/** Per-currency maxima in minor units (`{"EUR": 100000000}` is 1,000,000.00 EUR), each at most the default. */
export const MaxAmounts = z.record(CurrencyCode, z.number().int().positive()).superRefine((maxima, ctx) => {
  for (const [currency, max] of Object.entries(maxima)) {
    if (max > defaultMax(currency)) ctx.addIssue({ code: 'custom', path: [currency], message: `at most ${defaultMax(currency)} (${DEFAULT_MAX_MAJOR_UNITS} ${currency})` });
  }
});
export type MaxAmounts = Readonly<Record<string, number>>;

export function maxAmountMinor(currency: string, maxima: MaxAmounts = {}): number {
  return Math.min(maxima[currency] ?? Infinity, defaultMax(currency));
}

/** The one bound check: an amount (either sign) that is not a whole number of minor units within `maxMinor`. */
export function beyondBound(amountMinor: number, maxMinor: number): boolean {
  return !Number.isSafeInteger(amountMinor) || Math.abs(amountMinor) > maxMinor;
}

/** Why an amount in `currency` is refused (null: it is not), naming the maximum. */
export function amountBoundProblem(what: string, amountMinor: number, currency: string, maxima: MaxAmounts = {}): string | null {
  const max = maxAmountMinor(currency, maxima);
  if (!beyondBound(amountMinor, max)) return null;
  return `${what} is beyond the most this ledger takes in one amount (${max / 10 ** minorDigits(currency)} ${currency}).`;
}
