import { z } from 'zod';
import { Money } from '../money.ts';
import { BillState, PaymentStatus } from '../domain/account-states.ts';
import { ProductKind, ProductStatus } from '../domain/product.ts';
import { CalendarDate } from '../domain/time.ts';
import { UsageType, UsageUnit } from '../domain/usage.ts';
import { Language } from '../locales.ts';


export const Empty = z.object({}).strict();

export const IdleSettings = z.object({
  timeoutSeconds: z.number().int().min(5).max(3600),
  warningSeconds: z.number().int().min(3).max(600),
});
export type IdleSettings = z.infer<typeof IdleSettings>;

export const KioskInfo = z.object({
  kioskId: z.string(),
  branchId: z.string(),
  branchName: z.string(),
  defaultLanguage: Language,
  languages: z.array(Language),
  currency: z.string(),
  idle: IdleSettings,
});
export type KioskInfo = z.infer<typeof KioskInfo>;

export const SignInInput = z
  .object({
    identifier: z
      .string()
      .trim()
      .min(1, 'Enter your account number or phone number')
      .max(32)
      .regex(/^\+?[\d\s\-().]+$/, 'Only digits are allowed in an account or phone number'),
    pin: z.string().regex(/^\d{4}$/, 'The PIN is 4 digits'),
  })
  .strict();
export type SignInInput = z.infer<typeof SignInInput>;

export const SessionInfo = z.object({
  customerName: z.string(),
  language: Language,
  idle: IdleSettings,
});
export type SessionInfo = z.infer<typeof SessionInfo>;


export const UsageMeter = z.object({
  type: UsageType,
  unit: UsageUnit,
  used: z.number().nonnegative(),
  /** null means unlimited. */
  allowance: z.number().nonnegative().nullable(),
});
export type UsageMeter = z.infer<typeof UsageMeter>;

export const ServiceCard = z.object({
  id: z.string(),
  kind: ProductKind,
  /** MSISDN in E.164 for mobile and fixed lines, the installation address otherwise. */
  identifier: z.string(),
  planName: z.string(),
  status: ProductStatus,
  recurringCharge: Money,
  /** Extras riding on this service (TV packages, phone insurance), each with its monthly fee. */
  addOns: z.array(z.object({ name: z.string(), recurringCharge: Money })),
  usage: z.array(UsageMeter),
});
export type ServiceCard = z.infer<typeof ServiceCard>;


export const BillSummary = z.object({
  billNo: z.string(),
  billDate: CalendarDate,
  periodStart: CalendarDate,
  periodEnd: CalendarDate,
  paymentDueDate: CalendarDate,
  amountDue: Money,
  remainingAmount: Money,
  state: BillState,
});
export type BillSummary = z.infer<typeof BillSummary>;


export const AccountOverview = z.object({
  asOf: CalendarDate,
  customerName: z.string(),
  accountNo: z.string(),
  paymentStatus: PaymentStatus,
  /** Derived from the journal: positive means the customer owes, negative means credit. */
  balance: Money,
  totalDue: Money,
  overdueAmount: Money,
  /** Due date of the oldest bill not yet paid in full; null when nothing is due. */
  dueDate: CalendarDate.nullable(),
  creditLimit: Money,
  /** What counts against the limit: owed now plus usage not yet billed (the same as credit.status). */
  creditUsed: Money,
  creditAvailable: Money,
  cycle: z.object({ start: CalendarDate, end: CalendarDate }),
  /** Usage charged so far this cycle (over allowance, roaming, priced calls), tax included, not yet on a bill. */
  unbilledCharges: Money,
  services: z.array(ServiceCard),
  lastBill: BillSummary.nullable(),
});
export type AccountOverview = z.infer<typeof AccountOverview>;
