import type { AccountOverview, BillSummary, ServiceCard, UsageMeter } from '../../../shared/contract/schemas.ts';

/** Country calling codes are prefix-free: 1 and 7 are one digit, these are two, the rest three. */
const TWO_DIGIT_CODES = new Set([
  20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, 43, 44, 45, 46, 47, 48, 49, 51, 52, 53, 54, 55, 56, 57, 58, 60, 61, 62, 63,
  64, 65, 66, 81, 82, 84, 86, 90, 91, 92, 93, 94, 95, 98,
]);

function countryCodeLength(digits: string): number {
  if (digits.startsWith('1') || digits.startsWith('7')) return 1;
  return TWO_DIGIT_CODES.has(Number(digits.slice(0, 2))) ? 2 : 3;
}

function groupNational(national: string): string {
  const n = national.length;
  const sizes =
    n <= 6 ? [n] : n === 7 ? [3, 4] : n === 8 ? [4, 4] : n === 9 ? [3, 3, 3] : n === 10 ? [3, 3, 4] : n === 11 ? [3, 4, 4] : [n - 8, 4, 4];
  const groups: string[] = [];
  let at = 0;
  for (const size of sizes) {
    groups.push(national.slice(at, at + size));
    at += size;
  }
  return groups.join(' ');
}

/** +353871234567 → "+353 871 234 567": readable digit groups, no per-country metadata needed. */
export function formatE164(e164: string): string {
  if (!/^\+\d{6,15}$/.test(e164)) return e164;
  const digits = e164.slice(1);
  const cc = countryCodeLength(digits);
  return `+${digits.slice(0, cc)} ${groupNational(digits.slice(cc))}`;
}

/** Lines show their number, broadband and TV their installation address. */
export function serviceIdentifier(service: Pick<ServiceCard, 'kind' | 'identifier'>): { text: string; isNumber: boolean } {
  const isNumber = /^\+\d{6,15}$/.test(service.identifier);
  return { text: isNumber ? formatE164(service.identifier) : service.identifier, isNumber };
}

/** Share of the allowance used, 0..1 (capped); null when unlimited. */
export function usageFraction(meter: UsageMeter): number | null {
  if (meter.allowance === null) return null;
  if (meter.allowance === 0) return meter.used > 0 ? 1 : 0;
  return Math.min(1, meter.used / meter.allowance);
}

export type DueTone = 'overdue' | 'due' | 'inCredit' | 'paidUp';

/** How the total due should read: overdue and credit are called out, nothing due is calm. */
export function dueTone(overview: Pick<AccountOverview, 'paymentStatus' | 'totalDue' | 'balance' | 'overdueAmount'>): DueTone {
  if (overview.paymentStatus === 'overdue' || overview.overdueAmount.amountMinor > 0) return 'overdue';
  if (overview.paymentStatus === 'inCredit' || overview.balance.amountMinor < 0) return 'inCredit';
  if (overview.paymentStatus === 'due' || overview.totalDue.amountMinor > 0) return 'due';
  return 'paidUp';
}

export type BillPaidState = 'settled' | 'partiallyPaid' | 'unpaid';

export function billPaidState(bill: Pick<BillSummary, 'state' | 'remainingAmount' | 'amountDue'>): BillPaidState {
  if (bill.state === 'settled' || bill.remainingAmount.amountMinor <= 0) return 'settled';
  if (bill.state === 'partiallyPaid' || bill.remainingAmount.amountMinor < bill.amountDue.amountMinor) return 'partiallyPaid';
  return 'unpaid';
}

/** Share of the credit limit still available, 0..1; null when there is no limit. */
export function creditFraction(overview: Pick<AccountOverview, 'creditLimit' | 'creditAvailable'>): number | null {
  const limit = overview.creditLimit.amountMinor;
  if (limit <= 0) return null;
  return Math.max(0, Math.min(1, overview.creditAvailable.amountMinor / limit));
}
