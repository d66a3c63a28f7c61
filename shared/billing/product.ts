import { z } from 'zod';
import { CalendarDate } from '../domain/time.ts';
import { ProductKind } from '../domain/product.ts';
import type { CalendarDate as Day } from '../calendar.ts';

/**
 * A product instance (TMF637) as billing sees it: which offering it was on from when to when.
 * A plan change ends one term and starts the next; removal ends the last term. Days are
 * inclusive: a term `to` 2026-03-14 was in service on the 14th and not on the 15th.
 */
export const ProductTerm = z
  .object({ offeringId: z.string().min(1), from: CalendarDate, to: CalendarDate.nullable() })
  .strict()
  .refine((t) => t.to === null || t.to >= t.from, 'a term cannot end before it starts');
export type ProductTerm = z.infer<typeof ProductTerm>;

export const BillableProduct = z
  .object({
    id: z.string().min(1).max(64),
    kind: ProductKind,
    /** MSISDN (E.164) for lines, the installation address otherwise. */
    identifier: z.string().min(1),
    /** Add-ons ride on a base product and are billed in its section. */
    parentId: z.string().min(1).max(64).nullable(),
    terms: z.array(ProductTerm).min(1),
  })
  .strict()
  .refine((p) => p.terms.every((t, i) => i === 0 || (p.terms[i - 1]?.to ?? '9999-12-31') < t.from), 'terms must be in order and must not overlap');
export type BillableProduct = z.infer<typeof BillableProduct>;

export function termOn(product: BillableProduct, date: Day): ProductTerm | undefined {
  return product.terms.find((t) => t.from <= date && (t.to === null || date <= t.to));
}

export function startedOn(product: BillableProduct): Day {
  return (product.terms[0] as ProductTerm).from;
}
