import { z } from 'zod';
import { CalendarDate } from '../domain/time.ts';
import { ProductKind } from '../domain/product.ts';

/**
 * The product catalog, shaped after TM Forum TMF620 (ProductOffering + ProductOfferingPrice):
 * what can be sold, at what price from when to when, with which allowances and usage rates.
 * Every amount is tax-excluded minor units; every rate is minor units per billing unit
 * (per MB, per minute, per SMS) so rating stays in integers.
 */
const Id = z.string().regex(/^[A-Z0-9][A-Z0-9-]{0,39}$/, 'catalog ids are upper-case letters, digits and dashes');
const Minor = z.number().int().nonnegative();
const Bps = z.number().int().min(0).max(10_000);

/** Inclusive date range; no end date means open-ended. */
export const ValidFor = z
  .object({ startDate: CalendarDate, endDate: CalendarDate.optional() })
  .strict()
  .refine((v) => v.endDate === undefined || v.endDate >= v.startDate, 'validFor ends before it starts');
export type ValidFor = z.infer<typeof ValidFor>;

export const TaxCategory = z.object({ id: Id, name: z.string().min(1), rateBps: Bps }).strict();
export type TaxCategory = z.infer<typeof TaxCategory>;

export const RoamingZone = z.object({ id: Id, name: z.string().min(1), roamLikeAtHome: z.boolean() }).strict();
export type RoamingZone = z.infer<typeof RoamingZone>;

/** Overage rates by band of cumulative overage, in billing units (MB, min, SMS); the last band is open. */
export const Tier = z.object({ upTo: z.number().int().positive().nullable(), rateMinor: Minor }).strict();
export const Tiers = z
  .array(Tier)
  .min(1)
  .refine((ts) => ts.at(-1)?.upTo === null, 'the last tier must be open (upTo: null)')
  .refine((ts) => ts.slice(0, -1).every((t, i) => t.upTo !== null && (i === 0 || t.upTo > (ts[i - 1]?.upTo ?? 0))), 'tier bounds must increase');
export type Tier = z.infer<typeof Tier>;

export const DestinationClass = z.enum(['local', 'national', 'mobile', 'international']);
export type DestinationClass = z.infer<typeof DestinationClass>;

export const UsageTariff = z
  .object({
    data: z
      .object({
        /** null: unlimited. */
        allowanceMB: z.number().int().nonnegative().nullable(),
        rounding: z.enum(['perKB', 'perMB']),
        overage: Tiers,
        /** Service tags whose data neither counts nor costs (e.g. 'messaging'). */
        zeroRated: z.array(z.string().min(1)).default([]),
      })
      .strict()
      .optional(),
    voice: z
      .object({
        allowanceMin: z.number().int().nonnegative().nullable(),
        rounding: z.enum(['perSecond', 'perMinute']),
        overage: Tiers,
        /** Destination classes outside the allowance, each with its own per-minute rate. */
        destinations: z.partialRecord(DestinationClass, Minor).default({}),
      })
      .strict()
      .optional(),
    sms: z.object({ allowance: z.number().int().nonnegative().nullable(), overage: Tiers }).strict().optional(),
    /** Per-zone rates for zones that are not roam-like-at-home; a zone missing here cannot be used. */
    roaming: z.record(Id, z.object({ dataPerMB: Minor, voicePerMin: Minor, smsPerSms: Minor }).strict()).default({}),
  })
  .strict();
export type UsageTariff = z.infer<typeof UsageTariff>;
export type UsageTariffInput = z.input<typeof UsageTariff>;

export const ProductOfferingPrice = z.discriminatedUnion('priceType', [
  z.object({ priceType: z.literal('recurring'), recurringChargePeriod: z.literal('month'), amountMinor: Minor, validFor: ValidFor }).strict(),
  z.object({ priceType: z.literal('oneTime'), chargeEvent: z.literal('activation'), amountMinor: Minor, validFor: ValidFor }).strict(),
]);
export type ProductOfferingPrice = z.infer<typeof ProductOfferingPrice>;

export const ProductOffering = z
  .object({
    '@type': z.literal('ProductOffering'),
    id: Id,
    name: z.string().min(1),
    description: z.string(),
    kind: ProductKind,
    /** A plan is the service itself; an add-on rides on one of `addOnTo`. */
    category: z.enum(['plan', 'addOn']),
    addOnTo: z.array(Id).default([]),
    lifecycleStatus: z.enum(['Active', 'Retired']),
    validFor: ValidFor,
    taxCategory: Id,
    commitmentMonths: z.number().int().min(0).max(36).default(0),
    productOfferingPrice: z.array(ProductOfferingPrice).min(1),
    usage: UsageTariff.optional(),
    downloadMbps: z.number().int().positive().optional(),
    channels: z.number().int().positive().optional(),
  })
  .strict();
export type ProductOffering = z.infer<typeof ProductOffering>;

/** Account-level price alterations: the best matching bundle applies, loyalty and promotions stack. */
export const Discount = z
  .object({
    id: Id,
    name: z.string().min(1),
    validFor: ValidFor,
    /** No tax category of its own: a discount lowers the taxable base of the fees it discounts. */
    benefit: z.discriminatedUnion('type', [
      z.object({ type: z.literal('percent'), bps: Bps }).strict(),
      z.object({ type: z.literal('fixed'), amountMinor: Minor }).strict(),
    ]),
    condition: z.discriminatedUnion('type', [
      /** Holds at least these services (a kind listed twice needs two of it); applies to their fees. */
      z.object({ type: z.literal('bundle'), kinds: z.array(ProductKind).min(2) }).strict(),
      /** Account open this many months; applies to every recurring fee. */
      z.object({ type: z.literal('loyalty'), minTenureMonths: z.number().int().positive() }).strict(),
      /** The first `months` bills of each product on one of these offerings; applies to its fee. */
      z.object({ type: z.literal('promotion'), offeringIds: z.array(Id).min(1), months: z.number().int().positive() }).strict(),
    ]),
  })
  .strict();
export type Discount = z.infer<typeof Discount>;

export const Catalog = z
  .object({
    id: Id,
    currency: z.string().regex(/^[A-Z]{3}$/),
    taxCategories: z.array(TaxCategory).min(1),
    roamingZones: z.array(RoamingZone),
    fees: z.object({ latePayment: z.object({ amountMinor: Minor, taxCategory: Id, graceDays: z.number().int().nonnegative() }).strict() }).strict(),
    productOffering: z.array(ProductOffering).min(1),
    discounts: z.array(Discount),
  })
  .strict()
  .superRefine((catalog, ctx) => {
    const taxIds = new Set(catalog.taxCategories.map((t) => t.id));
    const offeringIds = new Set<string>();
    const zones = new Set(catalog.roamingZones.map((z) => z.id));
    const uses = [
      ...catalog.productOffering.map((o) => ({ tax: o.taxCategory, where: `offering ${o.id}` })),
      { tax: catalog.fees.latePayment.taxCategory, where: 'late payment fee' },
    ];
    for (const use of uses) if (!taxIds.has(use.tax)) ctx.addIssue({ code: 'custom', message: `${use.where}: unknown tax category ${use.tax}` });
    for (const o of catalog.productOffering) {
      if (offeringIds.has(o.id)) ctx.addIssue({ code: 'custom', message: `duplicate offering id ${o.id}` });
      offeringIds.add(o.id);
      if (!o.productOfferingPrice.some((p) => p.priceType === 'recurring')) ctx.addIssue({ code: 'custom', message: `offering ${o.id} has no recurring price` });
      for (const zone of Object.keys(o.usage?.roaming ?? {})) {
        if (!zones.has(zone)) ctx.addIssue({ code: 'custom', message: `offering ${o.id}: unknown roaming zone ${zone}` });
      }
    }
    for (const o of catalog.productOffering) {
      for (const base of o.addOnTo) if (!offeringIds.has(base)) ctx.addIssue({ code: 'custom', message: `offering ${o.id}: add-on to unknown ${base}` });
    }
    for (const d of catalog.discounts) {
      if (d.condition.type !== 'promotion') continue;
      for (const id of d.condition.offeringIds) if (!offeringIds.has(id)) ctx.addIssue({ code: 'custom', message: `discount ${d.id}: unknown offering ${id}` });
    }
  });
export type Catalog = z.infer<typeof Catalog>;
export type CatalogInput = z.input<typeof Catalog>;

function within(validFor: ValidFor, date: string): boolean {
  return validFor.startDate <= date && (validFor.endDate === undefined || date <= validFor.endDate);
}

/** Read access to a validated catalog, with lookups indexed once. */
export class CatalogIndex {
  readonly catalog: Catalog;
  readonly #offerings: Map<string, ProductOffering>;
  readonly #taxRates: Map<string, number>;
  readonly #zones: Map<string, RoamingZone>;

  constructor(catalog: Catalog) {
    this.catalog = catalog;
    this.#offerings = new Map(catalog.productOffering.map((o) => [o.id, o]));
    this.#taxRates = new Map(catalog.taxCategories.map((t) => [t.id, t.rateBps]));
    this.#zones = new Map(catalog.roamingZones.map((z) => [z.id, z]));
  }

  static parse(input: unknown): CatalogIndex {
    return new CatalogIndex(Catalog.parse(input));
  }

  offering(id: string): ProductOffering | undefined {
    return this.#offerings.get(id);
  }

  requireOffering(id: string): ProductOffering {
    const o = this.#offerings.get(id);
    if (!o) throw new RangeError(`offering ${id} is not in catalog ${this.catalog.id}`);
    return o;
  }

  zone(id: string): RoamingZone | undefined {
    return this.#zones.get(id);
  }

  taxRateBps(category: string): number {
    const rate = this.#taxRates.get(category);
    if (rate === undefined) throw new RangeError(`unknown tax category ${category}`);
    return rate;
  }

  /** The monthly fee in force on `date` (the price with the latest start wins an overlap). */
  recurringPrice(offeringId: string, date: string): number {
    return this.#price(offeringId, 'recurring', date);
  }

  activationFee(offeringId: string, date: string): number {
    return this.#price(offeringId, 'oneTime', date, 0);
  }

  #price(offeringId: string, type: ProductOfferingPrice['priceType'], date: string, fallback?: number): number {
    let best: ProductOfferingPrice | undefined;
    for (const p of this.requireOffering(offeringId).productOfferingPrice) {
      if (p.priceType === type && within(p.validFor, date) && (!best || p.validFor.startDate > best.validFor.startDate)) best = p;
    }
    if (best) return best.amountMinor;
    if (fallback !== undefined) return fallback;
    throw new RangeError(`offering ${offeringId} has no ${type} price on ${date}`);
  }

  /** Plans a customer could take on `date`. */
  sellable(date: string): ProductOffering[] {
    return this.catalog.productOffering.filter((o) => o.lifecycleStatus === 'Active' && within(o.validFor, date));
  }

  discountsOn(date: string) {
    return this.catalog.discounts.filter((d) => within(d.validFor, date));
  }
}
