import { z } from 'zod';
import { CalendarDate } from '../domain/time.ts';
import { ProductKind } from '../domain/product.ts';
import { UsageType } from '../domain/usage.ts';

/**
 * One convergent bill (TMF678 CustomerBill) for one account and one cycle: recurring fees for the
 * coming cycle in advance, last cycle's prorations and usage in arrears, grouped per service, then
 * account-level items, then tax per tax category. Amounts are tax-excluded minor units unless
 * named otherwise. A schema, not just a type: bills cross the sync boundary and are stored whole.
 */
const Minor = z.number().int().refine(Number.isSafeInteger, 'amount must be a safe integer');
const Id = z.string().min(1).max(64);

export const LineCause = z.enum([
  'recurring',
  'newService',
  'removedService',
  'planChange',
  'usageOverAllowance',
  'roaming',
  'destination',
  'activationFee',
  'lateFee',
  'bundleDiscount',
  'loyaltyDiscount',
  'promotion',
]);
export type LineCause = z.infer<typeof LineCause>;

export const LineType = z.enum(['recurring', 'proration', 'usage', 'oneTime', 'discount']);
export type LineType = z.infer<typeof LineType>;

export const Period = z.object({ start: CalendarDate, end: CalendarDate }).strict();
export type Period = z.infer<typeof Period>;

export const BillLine = z
  .object({
    id: z.string().min(1).max(80),
    /** null for account-level items. */
    productId: Id.nullable(),
    lineType: LineType,
    cause: LineCause,
    /** English text; `params` lets a screen say it in the customer's language. */
    description: z.string(),
    params: z.record(z.string(), z.union([z.string(), z.number()])),
    period: Period.nullable(),
    quantity: z.object({ amount: z.number().nonnegative(), unit: z.enum(['MB', 'min', 'SMS', 'day']) }).strict().nullable(),
    amountMinor: Minor,
    taxCategory: z.string().min(1),
    /** The offering, discount or fee the line prices. */
    sourceId: z.string().min(1),
  })
  .strict();
export type BillLine = z.infer<typeof BillLine>;

export const ServiceSection = z
  .object({
    productId: Id,
    kind: ProductKind,
    identifier: z.string(),
    offeringId: z.string(),
    offeringName: z.string(),
    lines: z.array(BillLine),
    subtotalMinor: Minor,
  })
  .strict();
export type ServiceSection = z.infer<typeof ServiceSection>;

export const TaxItem = z
  .object({ taxCategory: z.string(), name: z.string(), rateBps: z.number().int().min(0).max(10_000), taxableMinor: Minor, taxMinor: Minor })
  .strict();
export type TaxItem = z.infer<typeof TaxItem>;

export const CustomerBillState = z.enum(['new', 'validated', 'sent', 'partiallyPaid', 'settled']);
export type CustomerBillState = z.infer<typeof CustomerBillState>;

export const CustomerBill = z
  .object({
    '@type': z.literal('CustomerBill'),
    id: Id,
    billNo: z.string().min(1).max(40),
    accountId: Id,
    currency: z.string().regex(/^[A-Z]{3}$/),
    billDate: CalendarDate,
    /** The cycle charged in advance. */
    billingPeriod: Period,
    /** The cycle whose usage and changes are charged in arrears. */
    usagePeriod: Period,
    paymentDueDate: CalendarDate,
    services: z.array(ServiceSection),
    accountItems: z.array(BillLine),
    taxItems: z.array(TaxItem),
    taxExcludedAmountMinor: Minor,
    taxMinor: Minor,
    taxIncludedAmountMinor: Minor,
    /** What the previous bill asked for (negative: credit). */
    previousBalanceMinor: Minor,
    paymentsReceivedMinor: Minor,
    adjustmentsMinor: Minor,
    /** previous balance − payments + adjustments. */
    balanceForwardMinor: Minor,
    /** balance forward + this bill's charges, never below zero. */
    amountDueMinor: Minor,
    /** Credit left over after this bill, carried to the next. */
    creditCarriedMinor: Minor,
    /** Of this bill's own charges, what was not yet paid when it was issued (existing credit pays first). */
    remainingAmountMinor: Minor,
    state: CustomerBillState,
  })
  .strict()
  .superRefine((bill, ctx) => {
    const lines = allLines(bill);
    const net = lines.reduce((s, l) => s + l.amountMinor, 0);
    const tax = bill.taxItems.reduce((s, t) => s + t.taxMinor, 0);
    if (net !== bill.taxExcludedAmountMinor) ctx.addIssue({ code: 'custom', message: 'taxExcludedAmount is not the sum of the lines' });
    if (tax !== bill.taxMinor) ctx.addIssue({ code: 'custom', message: 'tax is not the sum of the tax items' });
    if (bill.taxIncludedAmountMinor !== net + tax) ctx.addIssue({ code: 'custom', message: 'taxIncludedAmount is not net + tax' });
  });
export type CustomerBill = z.infer<typeof CustomerBill>;

/** The usage type a line prices: its quantity's unit says it, else `params.usageType`. */
export function lineUsageType(line: BillLine): UsageType | undefined {
  switch (line.quantity?.unit) {
    case 'MB':
      return 'data';
    case 'min':
      return 'voice';
    case 'SMS':
      return 'sms';
  }
  const parsed = UsageType.safeParse(line.params.usageType);
  return parsed.success ? parsed.data : undefined;
}

export function allLines(bill: Pick<CustomerBill, 'services' | 'accountItems'>): BillLine[] {
  return [...bill.services.flatMap((s) => s.lines), ...bill.accountItems];
}
