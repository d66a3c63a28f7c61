import { z } from 'zod';
import { OrderPreview } from '../billing/order-preview-schema.ts';
import { OrderAction } from '../domain/order-action.ts';
import { ProductKind } from '../domain/product.ts';
import { UsageType, UsageUnit } from '../domain/usage.ts';
import { Money } from '../money.ts';

export const OrderSubmit = z.object({ requestId: z.uuid('Not a request id'), order: OrderAction }).strict();

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
