import { z } from 'zod';
import { CalendarDate, Instant } from '../domain/time.ts';
import { ProductKind, ProductStatus } from '../domain/product.ts';
import { CustomerBill } from '../billing/bill.ts';
import { Catalog } from '../billing/catalog.ts';
import { ProductTerm } from '../billing/product.ts';
import { UsageRecord } from '../billing/usage.ts';
import { Language } from '../locales.ts';
import { amountBoundProblem, type MaxAmounts } from '../money-bounds.ts';

/**
 * Changes are how data reaches a kiosk's ledger: the demo-data generator on first start and
 * the sync worker's pull both go through the one `applyChanges` path. Reference data is upserted;
 * money facts (bills, payments, adjustments) carry a journal entry with an idempotency key, so applying the
 * same fact twice changes nothing.
 */
const Currency = z.string().regex(/^[A-Z]{3}$/);
const Id = z.string().min(1).max(64);
const MinorUnits = z.number().int().refine(Number.isSafeInteger);

export const Posting = z.object({
  ledgerAccount: z.string().min(1).max(100),
  amountMinor: MinorUnits,
});
export type Posting = z.infer<typeof Posting>;

export const JournalEntry = z
  .object({
    id: Id,
    idempotencyKey: z.string().min(1).max(200),
    entryType: z.enum(['bill', 'payment', 'adjustment']),
    accountId: Id,
    currency: Currency,
    occurredAt: Instant,
    origin: z.string().min(1).max(64),
    postings: z.array(Posting).min(2),
  })
  .refine((e) => e.postings.reduce((sum, p) => sum + p.amountMinor, 0) === 0, {
    message: 'postings of a journal entry must sum to zero',
    path: ['postings'],
  });
export type JournalEntry = z.infer<typeof JournalEntry>;

/** Why a request was decided as it was: a stable code, an English sentence, and the figures a screen may format. */
export const DecisionReason = z.object({
  code: z.string().min(1).max(64),
  text: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number()])),
});
export type DecisionReason = z.infer<typeof DecisionReason>;

export const Change = z.discriminatedUnion('type', [
  /** The operator's catalog, whole: prices, allowances, discounts and tax categories travel together. */
  z.object({ type: z.literal('catalog.published'), catalog: Catalog }),
  z.object({
    type: z.literal('customer.upsert'),
    id: Id,
    branchId: z.string(),
    name: z.string().min(1),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    language: Language,
    pinHash: z.string().min(1),
    createdAt: Instant,
  }),
  z.object({
    type: z.literal('account.upsert'),
    id: Id,
    accountNo: z.string(),
    customerId: Id,
    currency: Currency,
    billCycleDay: z.number().int().min(1).max(31),
    creditLimitMinor: MinorUnits.nonnegative(),
    openedOn: CalendarDate,
  }),
  z.object({
    type: z.literal('product.upsert'),
    id: Id,
    accountId: Id,
    kind: ProductKind,
    identifier: z.string().min(1),
    parentId: Id.nullable(),
    status: ProductStatus,
    /** The offerings it has been on, oldest first: what billing prorates. */
    terms: z.array(ProductTerm).min(1),
  }),
  /** A usage record (TMF635) as received, or already rated and billed by the hub. */
  UsageRecord.extend({
    type: z.literal('usage.recorded'),
    status: z.enum(['received', 'rated', 'billed']),
    ratedMinor: MinorUnits.nullable(),
    billId: Id.nullable(),
  }),
  z.object({
    type: z.literal('bill.issued'),
    bill: CustomerBill,
    entry: JournalEntry,
  }),
  z.object({
    type: z.literal('payment.recorded'),
    id: Id,
    accountId: Id,
    currency: Currency,
    amountMinor: MinorUnits.positive(),
    paymentMethod: z.enum(['card', 'cash', 'directDebit', 'bankTransfer']),
    channel: z.enum(['kiosk', 'store', 'online', 'bank']),
    pointOfInteraction: z.string().nullable(),
    authorizationCode: z.string().nullable(),
    correlatorId: z.string().nullable(),
    /** The bill the customer chose to pay; allocation pays it first, then the oldest. */
    targetBillNo: z.string().min(1).max(40).nullable().default(null),
    entry: JournalEntry,
  }),
  /**
   * Staff at a kiosk waived a bill's late fee or adjusted an account, with a reason, within their
   * authority (`approvedBy`: the supervisor who confirmed it above it). A fact, like a payment: its
   * journal entry posts `amountMinor` to the account's receivable (negative: a credit, which lowers
   * what is owed). A waiver names the bill that charged the fee, and pays that bill first.
   */
  z.object({
    type: z.literal('adjustment.posted'),
    id: Id,
    accountId: Id,
    currency: Currency,
    kind: z.enum(['feeWaiver', 'adjustment']),
    amountMinor: MinorUnits.refine((n) => n !== 0, 'an adjustment is never zero'),
    /** The bill whose late fee is waived; null for any other adjustment. */
    billNo: z.string().min(1).max(40).nullable(),
    reason: z.string().min(1).max(300),
    staffId: Id,
    approvedBy: Id.nullable(),
    entry: JournalEntry,
  }),
  /**
   * Headquarters' decision on a credit-limit request a kiosk sent (docs/architecture.md §4: requests are decided
   * centrally, a kiosk only within its branch's offline allowance). `id` is the request's id.
   */
  z.object({
    type: z.literal('credit.decided'),
    id: Id,
    accountId: Id,
    /** What the risk engine decided on the central ledger. */
    decision: z.enum(['approve', 'refer', 'decline']),
    /** Where the request stands: `referred` waits for staff. */
    status: z.enum(['approved', 'referred', 'declined']),
    /** The account's credit limit in force after the decision. */
    creditLimitMinor: MinorUnits.nonnegative(),
    /** What became of the raise the kiosk granted on its own, if it granted one. */
    offline: z.enum(['agreed', 'keptForReview', 'reduced']).nullable(),
    reasons: z.array(DecisionReason),
    decidedAt: Instant,
  }),
  /** Headquarters' decision on a product order (TMF622 state); a completed order's products travel as product.upsert before it. */
  z.object({
    type: z.literal('order.decided'),
    id: Id,
    accountId: Id,
    /** `cancelled`: staff declined an order that was held for them. */
    state: z.enum(['completed', 'failed', 'held', 'inProgress', 'cancelled']),
    reasons: z.array(DecisionReason),
    decidedAt: Instant,
  }),
]);
export type Change = z.infer<typeof Change>;
export type ChangeOf<T extends Change['type']> = Extract<Change, { type: T }>;

/** Ledger account names, so the same strings are used by every writer and reader. */
export const ledgerAccounts = {
  receivable: (accountId: string) => `receivable:${accountId}`,
  revenue: 'revenue:services',
  taxPayable: 'tax:payable',
  cash: (channel: string) => `cash:${channel}`,
  /** The other side of staff's adjustments: `adjustments:fee-waivers` (waived late fees, net of tax), `adjustments:staff`. */
  adjustments: (what: 'fee-waivers' | 'staff') => `adjustments:${what}`,
} as const;

/** The money facts: each carries a journal entry, deduplicated by its idempotency key. */
export type MoneyFact = ChangeOf<'bill.issued'> | ChangeOf<'payment.recorded'> | ChangeOf<'adjustment.posted'>;
export const moneyFactTypes: ReadonlySet<Change['type']> = new Set(['bill.issued', 'payment.recorded', 'adjustment.posted']);
export const isMoneyFact = (change: Change): change is MoneyFact => moneyFactTypes.has(change.type);

/** Why a money fact carries an amount beyond the bound (its own amount, a bill's totals, any posting), or null. */
function moneyFactBoundProblem(fact: MoneyFact, maxima: MaxAmounts = {}): string | null {
  const amounts = fact.type === 'bill.issued' ? [fact.bill.taxIncludedAmountMinor, fact.bill.amountDueMinor] : [fact.amountMinor];
  const label = fact.type === 'bill.issued' ? `Bill ${fact.bill.billNo}` : `${fact.type === 'payment.recorded' ? 'Payment' : 'Adjustment'} ${fact.id}`;
  for (const amount of [...amounts, ...fact.entry.postings.map((p) => p.amountMinor)]) {
    const problem = amountBoundProblem(`${label}: an amount of ${amount} minor units`, amount, fact.entry.currency, maxima);
    if (problem) return problem;
  }
  return null;
}

/**
 * Why a money fact's journal entry does not post what the fact says to the fact's account, or
 * carries an amount beyond the bound (money-bounds.ts; `maxima`: the ledger's per-currency
 * settings), or null when neither. Every ledger (kiosk and hub) checks this before writing the fact.
 */
export function moneyFactMismatch(fact: MoneyFact, maxima: MaxAmounts = {}): string | null {
  const beyond = moneyFactBoundProblem(fact, maxima);
  if (beyond) return beyond;
  if (fact.type === 'bill.issued') {
    const { bill, entry } = fact;
    const charged = postedTo(entry, ledgerAccounts.receivable(bill.accountId));
    return entry.accountId === bill.accountId && charged === bill.taxIncludedAmountMinor
      ? null
      : `Bill ${bill.billNo}: its journal entry does not charge the bill's total to its account`;
  }
  if (fact.type === 'adjustment.posted') return adjustmentMismatch(fact);
  const credited = -postedTo(fact.entry, ledgerAccounts.receivable(fact.accountId));
  return fact.entry.accountId === fact.accountId && credited === fact.amountMinor
    ? null
    : `Payment ${fact.id}: its journal entry does not credit the amount to its account`;
}

function postedTo(entry: JournalEntry, ledgerAccount: string): number {
  return entry.postings.filter((p) => p.ledgerAccount === ledgerAccount).reduce((sum, p) => sum + p.amountMinor, 0);
}

function adjustmentMismatch(fact: ChangeOf<'adjustment.posted'>): string | null {
  const { entry } = fact;
  if (entry.accountId !== fact.accountId || entry.entryType !== 'adjustment' || entry.currency !== fact.currency) {
    return `Adjustment ${fact.id}: its journal entry is not an adjustment of its account in ${fact.currency}`;
  }
  if (postedTo(entry, ledgerAccounts.receivable(fact.accountId)) !== fact.amountMinor) {
    return `Adjustment ${fact.id}: its journal entry does not post the amount to its account`;
  }
  if (fact.kind === 'feeWaiver' && (fact.billNo === null || fact.amountMinor > 0)) return `Adjustment ${fact.id}: a fee waiver credits the account and names the bill`;
  if (fact.kind === 'adjustment' && fact.billNo !== null) return `Adjustment ${fact.id}: only a fee waiver names a bill`;
  return null;
}
