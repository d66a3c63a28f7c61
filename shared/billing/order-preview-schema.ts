import { z } from 'zod';
import { OrderAction } from '../domain/order-action.ts';
import { CalendarDate } from '../domain/time.ts';
import { Money } from '../money.ts';
import { BillLine } from './bill.ts';

const Reason = z.object({ code: z.string(), text: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])) });

/** What the order would do: allowed or not and why, the monthly bill before and after, and the next bill's lines for it. */
export const OrderPreview = z.object({
  order: OrderAction,
  effectiveDate: CalendarDate,
  decision: z.enum(['eligible', 'refer', 'decline']),
  reasons: z.array(Reason),
  /** A month's bill, tax included, once the change has settled in (no usage, no one-offs). */
  monthlyBefore: Money,
  monthlyAfter: Money,
  nextBill: z.object({
    billDate: CalendarDate,
    withoutOrder: Money,
    withOrder: Money,
    /** The next bill's lines that the order adds or changes (prorations, fees, discounts). */
    lines: z.array(BillLine),
  }),
});
export type OrderPreview = z.infer<typeof OrderPreview>;
