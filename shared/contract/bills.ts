import { z } from 'zod';
import { CustomerBill } from '../billing/bill.ts';
import { BillExplanation } from '../billing/explain.ts';
import { Money } from '../money.ts';
import { Language } from '../locales.ts';
import { BillSummary } from './schemas.ts';
import { BillState } from '../domain/account-states.ts';
import { CalendarDate } from '../domain/time.ts';
import { ProductKind } from '../domain/product.ts';
import { UsageType, UsageUnit } from '../domain/usage.ts';

const BillNo = z.string().trim().min(1, 'Choose a bill').max(40).regex(/^[A-Z0-9-]+$/i, 'Not a bill number');

export const BillQuery = z.object({ billNo: BillNo.optional() }).strict();

/** One bill as the engine composed it, with what is left to pay now and what changed since the bill before. */
export const BillView = z.object({
  bill: CustomerBill,
  remainingAmount: Money,
  state: BillState,
  previousBillNo: z.string().nullable(),
  /** null for the first bill: nothing to compare with. */
  explanation: BillExplanation.nullable(),
});
export type BillView = z.infer<typeof BillView>;

export const BillHistory = z.object({ bills: z.array(BillSummary).max(12) });
export type BillHistory = z.infer<typeof BillHistory>;

/** Prints the bill's summary on the receipt printer, in the language on screen. */
export const BillPrint = z.object({ billNo: BillNo, language: Language }).strict();

export const UsageQuery = z.object({ productId: z.string().trim().min(1, 'Choose a service').max(64) }).strict();

/** This cycle's usage of one service, day by day, in billing units (MB, minutes, SMS). */
export const UsageDaily = z.object({
  productId: z.string(),
  kind: ProductKind,
  identifier: z.string(),
  planName: z.string(),
  cycle: z.object({ start: CalendarDate, end: CalendarDate }),
  meters: z.array(
    z.object({
      type: UsageType,
      unit: UsageUnit,
      /** null: unlimited; 0: paid per use. */
      allowance: z.number().nonnegative().nullable(),
      days: z.array(z.object({ date: CalendarDate, used: z.number().nonnegative() })),
    }),
  ),
});
export type UsageDaily = z.infer<typeof UsageDaily>;
