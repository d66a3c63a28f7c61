import { z } from 'zod';
import { BillLine } from '../billing/bill.ts';
import { Money } from '../money.ts';
import { CalendarDate, ProductKind, UsageType, UsageUnit } from './schemas.ts';

const Id = z.string().trim().min(1).max(64);

/** What a customer can ask for on their services (TMF622 ProductOrder items). */
export const OrderAction = z.discriminatedUnion('action', [
  /** A new service, or an add-on riding on one of theirs (`parentProductId`). */
  z.object({ action: z.literal('add'), offeringId: Id, parentProductId: Id.nullable() }).strict(),
  z.object({ action: z.literal('change'), productId: Id, offeringId: Id }).strict(),
  /** Ends the service after `effectiveDate`'s day before: the last day in service is the day before. */
  z.object({ action: z.literal('remove'), productId: Id, effectiveDate: CalendarDate }).strict(),
  /** Stops the service from `effectiveDate` (a lost phone): the monthly fee still applies. */
  z.object({ action: z.literal('suspend'), productId: Id, effectiveDate: CalendarDate }).strict(),
]);
export type OrderAction = z.infer<typeof OrderAction>;

export const OrderSubmit = z.object({ requestId: z.uuid('Not a request id'), order: OrderAction }).strict();

const Reason = z.object({ code: z.string(), text: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])) });

export const SellableOffering = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  kind: ProductKind,
  category: z.enum(['plan', 'addOn']),
  /** For add-ons: the services of this account it can ride on. */
  addOnToProductIds: z.array(z.string()),
  monthly: Money,
  activationFee: Money,
  commitmentMonths: z.number().int().nonnegative(),
  downloadMbps: z.number().nullable(),
  channels: z.number().nullable(),
  allowances: z.array(z.object({ type: UsageType, unit: UsageUnit, allowance: z.number().nullable() })),
});
export type SellableOffering = z.infer<typeof SellableOffering>;

export const ServicesCatalog = z.object({ offerings: z.array(SellableOffering) });

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

export const ProductOrderView = z.object({
  id: z.string(),
  /** TMF622: acknowledged (on its way), held (staff must approve first); then as headquarters decided it (a retry may see that). */
  state: z.enum(['acknowledged', 'held', 'inProgress', 'completed', 'failed', 'cancelled']),
  createdAt: z.string(),
  preview: OrderPreview,
});
export type ProductOrderView = z.infer<typeof ProductOrderView>;

export const OfferView = z.object({
  id: z.string(),
  kind: z.enum(['changePlan', 'addService']),
  productId: z.string().nullable(),
  serviceKind: ProductKind,
  fromOfferingId: z.string().nullable(),
  toOfferingId: z.string(),
  title: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number()])),
  currentMonthly: Money,
  newMonthly: Money,
  monthlySaving: Money,
  gives: z.array(z.string()),
  reasons: z.array(z.string()),
  cyclesCompared: z.number().int().nonnegative(),
});
export type OfferView = z.infer<typeof OfferView>;

export const OfferList = z.object({ offers: z.array(OfferView) });

/** The order that accepting an offer places: the same one the Services screen would. */
export function orderForOffer(offer: Pick<OfferView, 'kind' | 'productId' | 'toOfferingId'>): OrderAction {
  return offer.kind === 'changePlan' && offer.productId !== null
    ? { action: 'change', productId: offer.productId, offeringId: offer.toOfferingId }
    : { action: 'add', offeringId: offer.toOfferingId, parentProductId: null };
}
export const OfferAccept = z.object({ requestId: z.uuid('Not a request id'), offerId: z.string().trim().min(1).max(200) }).strict();
