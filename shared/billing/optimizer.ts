import { addDays, addMonths, startOfDayInZone, type CalendarDate } from '../calendar.ts';
import { ProductKind } from '../domain/product.ts';
import { allLines } from './bill.ts';
import type { CatalogIndex, Discount, ProductOffering, UsageTariff } from './catalog.ts';
import { composeBill, type BillAccount } from './compose.ts';
import { cycleAt, overlapDays, type Cycle } from './cycle.ts';
import { termOn, type BillableProduct, type ProductTerm } from './product.ts';
import { rateUsage } from './rating.ts';
import { roundHalfUp, sum } from './rounding.ts';
import type { UsageRecord } from './usage.ts';

/**
 * The plan optimizer: which plan changes and added services would make this customer's bill
 * smaller (or give more for the same money), judged on the customer's own last three complete
 * cycles of usage rather than on list prices.
 *
 * How a setup is costed (the current one and every candidate the same way, so re-rating the
 * current plan saves exactly zero):
 *
 * - **Fixed part**: the recurring fees less the bundle and loyalty discounts, taken from
 *   `composeBill` itself on a synthetic product set billed on the next bill date. Prices are the
 *   ones in force on that date because that is when a change would first be billed. Promotions
 *   are left out: they end after a few months, and a saving that vanishes is not a monthly
 *   saving. Prorations, activation and late fees are one-off and left out too.
 * - **Usage part**: every compared cycle's records re-rated with `rateUsage`, each product's
 *   terms replaced by one term on the offering being costed that covers the whole cycle, then
 *   averaged over the compared cycles (one half-up rounding of the total).
 * - Monthly = fixed + average usage, tax excluded, for the whole account (discounts are
 *   account-level, so only the account total can be compared honestly).
 *
 * The compared cycles are the (up to) three complete cycles before the current one in which the
 * changed product was in service on every day; an added service is compared over the cycles in
 * which every plan now held was. `cyclesCompared` says how many there were. "Today's setup" is
 * every product with a term on `asOf`, on that term's offering.
 *
 * What is offered (each candidate must also pass every `EligibilityCode` rule):
 * - `changePlan` to every sellable plan of the product's kind: when it saves money
 *   (`SAVES_MONEY`), or when the monthly total is exactly the same and the new plan has strictly
 *   more of something and less of nothing (`MORE_FOR_SAME_PRICE`, see `gives`).
 * - `addService` of a plan of a kind whose addition newly qualifies the account for a bundle
 *   discount that then applies (`COMPLETES_BUNDLE`), when the bundle makes it cost less than
 *   its list price. It usually costs more (a negative saving, shown as "for X more a month");
 *   with a percentage bundle it can even lower the bill (then also `SAVES_MONEY`).
 */

export type RiskBand = 'A' | 'B' | 'C' | 'D' | 'E';

export interface OfferContext {
  catalog: CatalogIndex;
  account: BillAccount;
  products: readonly BillableProduct[];
  timeZone: string;
  /** Today, in the operator's time zone. */
  asOf: CalendarDate;
  /**
   * The account's usage records of the last three complete cycles. Records outside those cycles
   * (the current cycle, older ones) are ignored, so callers may pass more.
   */
  usage: readonly UsageRecord[];
  riskBand: RiskBand;
}

/** `changePlan`: a product moves to another plan of its kind. `addService`: a new plan product is added. */
export type OfferKind = 'changePlan' | 'addService';

export interface Candidate {
  kind: OfferKind;
  /** The product that changes plan; null for `addService`. */
  productId: string | null;
  toOfferingId: string;
}

/** Why an offer is worth making. */
export type OfferReason = 'SAVES_MONEY' | 'MORE_FOR_SAME_PRICE' | 'COMPLETES_BUNDLE';

/** What the new plan has that the current one has not. */
export type Give =
  | 'moreData'
  | 'unlimitedData'
  | 'moreMinutes'
  | 'unlimitedMinutes'
  | 'moreSms'
  | 'unlimitedSms'
  | 'moreZeroRated'
  | 'cheaperRoaming'
  | 'cheaperCalls'
  | 'fasterSpeed'
  | 'moreChannels'
  | 'newService';

/** Why a candidate may not be offered. */
export type EligibilityCode =
  /** The candidate offering is not in the catalog. */
  | 'OFFERING_NOT_FOUND'
  /** Offers are plans; add-ons are sold elsewhere. */
  | 'NOT_A_PLAN'
  /** Retired offerings are never offered, even where they would save money. */
  | 'RETIRED'
  /** Not valid on `asOf`, or has no monthly price on the next bill date. */
  | 'NOT_SELLABLE'
  | 'PRODUCT_NOT_FOUND'
  /** Suspended or terminated: no term on `asOf`. Such products get nothing. */
  | 'PRODUCT_NOT_ACTIVE'
  /** An add-on rides on its base plan; only the base plan changes. */
  | 'ADD_ON_PRODUCT'
  | 'KIND_MISMATCH'
  | 'SAME_PLAN'
  /** A plan change is already ordered (a later term exists). */
  | 'CHANGE_PENDING'
  /** The current term ends with no successor: the product is being removed. */
  | 'PRODUCT_ENDING'
  /** Inside the current offering's commitment months: no move to a cheaper plan (upgrades allowed). */
  | 'IN_COMMITMENT'
  /** An add-on on the product cannot ride on the candidate plan. */
  | 'ADDON_INCOMPATIBLE'
  /** No complete cycle since the product started, and the plans price usage: nothing to re-rate. */
  | 'NO_USAGE_HISTORY'
  /** The candidate cannot rate some of the usage the current plan rates (a roaming zone, a usage type). */
  | 'USAGE_NOT_SUPPORTED'
  /** Risk band D or E: nothing that raises the committed monthly charge (fees less discounts). */
  | 'RISK_RAISES_BILL'
  /** Risk band E: no new services. */
  | 'RISK_NO_NEW_SERVICE'
  /** An added service is offered only where it completes a bundle discount the account lacks. */
  | 'NO_BUNDLE_COMPLETED';

/**
 * The rules about what can be sold at all, as opposed to the offer-only policies (usage history,
 * risk, bundles): these stop a customer's own order too, and each is said in one sentence.
 * `IN_COMMITMENT` stops an order as well, but its sentence depends on the order.
 */
export const saleRules = [
  'OFFERING_NOT_FOUND',
  'NOT_A_PLAN',
  'RETIRED',
  'NOT_SELLABLE',
  'PRODUCT_NOT_FOUND',
  'KIND_MISMATCH',
  'SAME_PLAN',
  'PRODUCT_NOT_ACTIVE',
  'ADD_ON_PRODUCT',
  'CHANGE_PENDING',
  'PRODUCT_ENDING',
  'ADDON_INCOMPATIBLE',
  'USAGE_NOT_SUPPORTED',
] as const satisfies readonly EligibilityCode[];

export interface Eligibility {
  eligible: boolean;
  /** Every rule the candidate fails; empty when eligible. */
  reasons: EligibilityCode[];
}

export interface Comparison {
  /** The account's monthly cost as it is now, tax excluded. */
  currentMonthlyMinor: number;
  /** The same with the candidate applied. */
  newMonthlyMinor: number;
  /** current − new: positive saves money. */
  monthlySavingMinor: number;
  /** Fees less bundle and loyalty discounts, now and with the candidate: what the customer commits to. */
  currentFixedMinor: number;
  newFixedMinor: number;
  /** Average usage charges over the compared cycles. */
  currentUsageMinor: number;
  newUsageMinor: number;
  cyclesCompared: number;
}

export interface Offer {
  /** Stable: `changePlan:<productId>:<offeringId>` or `addService:<kind>:<offeringId>`. */
  id: string;
  kind: OfferKind;
  productId: string | null;
  /** The kind of service changed or added. */
  serviceKind: ProductKind;
  fromOfferingId: string | null;
  toOfferingId: string;
  /** What the offer is about, unformatted (offering, identifier or bundle, amounts): a screen says it in the customer's language. */
  params: Record<string, string | number>;
  currentMonthlyMinor: number;
  newMonthlyMinor: number;
  /** current − new, averaged over the compared cycles, tax excluded; negative only for a bundle completion. */
  monthlySavingMinor: number;
  gives: Give[];
  reasons: OfferReason[];
  cyclesCompared: number;
}

/** How many complete cycles of usage are re-rated. */
export const COMPARED_CYCLES = 3;
/** Bands that may not be offered a higher committed monthly charge. */
const NO_RAISE_BANDS: ReadonlySet<RiskBand> = new Set(['D', 'E']);
/** Bands that may not be offered new services. */
const NO_NEW_SERVICE_BANDS: ReadonlySet<RiskBand> = new Set(['E']);

/**
 * Every eligible offer worth making, sorted by `compareOffers`: money-saving ones by saving,
 * then more-for-the-same-price ones, then bundle completions (by what they add to the bill, least
 * first). All are returned, several per product; `topOffers` keeps the best one per product (or
 * per added kind of service) and kind for a short list.
 */
export function findOffers(ctx: OfferContext): Offer[] {
  const p = prepare(ctx);
  const offers: Offer[] = [];
  for (const candidate of candidates(p)) {
    const assessment = assess(p, candidate);
    if (assessment.reasons.length > 0 || !assessment.comparison) continue;
    const offer = toOffer(p, candidate, assessment);
    if (offer) offers.push(offer);
  }
  return offers.sort(compareOffers);
}

/** The rules over the account (risk band, services held, contract state) for one candidate. */
export function eligibility(ctx: OfferContext, candidate: Candidate): Eligibility {
  const { reasons } = assess(prepare(ctx), candidate);
  return { eligible: reasons.length === 0, reasons };
}

/**
 * Costs a candidate against the current setup whether or not it is eligible (the same plan
 * gives a saving of exactly zero). Throws a RangeError for a candidate that cannot be costed at
 * all: an unknown or inactive product, an add-on, another kind, an unpriced offering.
 */
export function compareCandidate(ctx: OfferContext, candidate: Candidate): Comparison {
  const assessment = assess(prepare(ctx), candidate);
  if (!assessment.comparison) throw new RangeError(`cannot cost ${candidate.kind} to ${candidate.toOfferingId}: ${assessment.reasons.join(', ')}`);
  return assessment.comparison;
}

/** Ranking: larger saving first; on a tie more-for-the-same-price before bundle completions; then by id. */
export function compareOffers(a: Offer, b: Offer): number {
  return b.monthlySavingMinor - a.monthlySavingMinor || rank(a) - rank(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function rank(o: Offer): number {
  if (o.reasons.includes('SAVES_MONEY')) return 0;
  if (o.reasons.includes('MORE_FOR_SAME_PRICE')) return 1;
  return 2;
}

/** The short list: the first (best) offer per product, or per added kind of service, and offer kind. */
export function topOffers(offers: readonly Offer[]): Offer[] {
  const seen = new Set<string>();
  return [...offers].sort(compareOffers).filter((o) => {
    const key = `${o.kind}:${o.productId ?? `new-${o.serviceKind}`}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// ---- preparation and costing ----

interface Held {
  product: BillableProduct;
  term: ProductTerm;
}

interface Fixed {
  totalMinor: number;
  bundleMinor: number;
  bundleId: string | null;
}

interface Prepared {
  ctx: OfferContext;
  /** The first day a change would be billed: prices and discounts are read on it. */
  nextBill: CalendarDate;
  /** The complete cycles before the current one, most recent first. */
  cycles: readonly Cycle[];
  /** Products in service on `asOf`, with the term they are on, in the caller's order. */
  held: ReadonlyMap<string, Held>;
  /** Records by `productId|cycle start`. */
  recordsOf: ReadonlyMap<string, UsageRecord[]>;
  usageMemo: Map<string, { amountMinor: number; rated: number }>;
  fixedMemo: Map<string, Fixed>;
}

function prepare(ctx: OfferContext): Prepared {
  const day = ctx.account.billCycleDay;
  const cycles = Array.from({ length: COMPARED_CYCLES }, (_, i) => cycleAt(ctx.asOf, day, -(i + 1)));
  const held = new Map<string, Held>();
  for (const product of ctx.products) {
    const term = termOn(product, ctx.asOf);
    if (term) held.set(product.id, { product, term });
  }
  // Each record goes to the cycle it falls in (the bounds rateUsage itself checks), so every
  // re-rating reads one cycle's records instead of rejecting the other cycles' as out of period.
  const bounds = cycles.map((c) => ({ start: c.start, from: startOfDayInZone(c.start, ctx.timeZone), to: startOfDayInZone(addDays(c.end, 1), ctx.timeZone) }));
  const recordsOf = new Map<string, UsageRecord[]>();
  for (const r of ctx.usage) {
    const ms = Date.parse(r.usageDate);
    const cycle = bounds.find((b) => b.from <= ms && ms < b.to);
    if (!cycle) continue;
    const key = `${r.productId}|${cycle.start}`;
    const list = recordsOf.get(key);
    if (list) list.push(r);
    else recordsOf.set(key, [r]);
  }
  return { ctx, nextBill: cycleAt(ctx.asOf, day, 1).start, cycles, held, recordsOf, usageMemo: new Map(), fixedMemo: new Map() };
}

/** The product with its terms replaced by one open term: how it is costed on one offering. */
function onOffering(product: BillableProduct, offeringId: string, from: CalendarDate): BillableProduct {
  return { ...product, terms: [{ offeringId, from, to: null }] };
}

/** Today's setup: every product in service, on the offering it is on today. */
function currentSetup(p: Prepared): BillableProduct[] {
  return [...p.held.values()].map(({ product, term }) => onOffering(product, term.offeringId, term.from));
}

function offeringOf(product: BillableProduct): string {
  return (product.terms[0] as ProductTerm).offeringId;
}

/** Fees less bundle and loyalty discounts on the next bill, by composeBill's own rules. */
function fixedCost(p: Prepared, setup: readonly BillableProduct[]): Fixed {
  const key = setup.map((s) => `${s.id}=${offeringOf(s)}@${(s.terms[0] as ProductTerm).from}`).join(',');
  const memo = p.fixedMemo.get(key);
  if (memo) return memo;
  const { bill } = composeBill({
    catalog: p.ctx.catalog,
    account: p.ctx.account,
    products: setup,
    billDate: p.nextBill,
    timeZone: p.ctx.timeZone,
    usage: [],
    balance: { previousBalanceMinor: 0, paymentsReceivedMinor: 0, adjustmentsMinor: 0 },
  });
  let total = 0;
  let bundle = 0;
  let bundleId: string | null = null;
  for (const line of allLines(bill)) {
    // Prorations, activation and late fees are one-offs; promotions run out (see the file comment).
    if (line.lineType === 'recurring' || line.cause === 'loyaltyDiscount') total += line.amountMinor;
    if (line.cause === 'bundleDiscount') {
      total += line.amountMinor;
      bundle -= line.amountMinor;
      bundleId = line.sourceId;
    }
  }
  const fixed = { totalMinor: total, bundleMinor: bundle, bundleId };
  p.fixedMemo.set(key, fixed);
  return fixed;
}

/** One product's usage charges in one cycle, re-rated as if it had been on `offeringId` all cycle. */
function usageCost(p: Prepared, product: BillableProduct, offeringId: string, cycle: Cycle): { amountMinor: number; rated: number } {
  const records = p.recordsOf.get(`${product.id}|${cycle.start}`);
  if (!records) return { amountMinor: 0, rated: 0 };
  const key = `${product.id}|${offeringId}|${cycle.start}`;
  const memo = p.usageMemo.get(key);
  if (memo) return memo;
  const { rated } = rateUsage({
    catalog: p.ctx.catalog,
    products: [onOffering(product, offeringId, cycle.start)],
    period: cycle,
    timeZone: p.ctx.timeZone,
    records,
  });
  const result = { amountMinor: sum(rated.map((r) => r.amountMinor)), rated: rated.length };
  p.usageMemo.set(key, result);
  return result;
}

function servedThroughout(product: BillableProduct, cycle: Cycle): boolean {
  return sum(product.terms.map((t) => overlapDays(cycle, t.from, t.to))) === cycle.days;
}

function average(totalMinor: number, cycles: number): number {
  return cycles === 0 ? 0 : roundHalfUp(totalMinor, cycles);
}

/**
 * Costs `next` against today's setup over `cycles`. `changed` is the product whose usage is
 * re-rated on its new offering (null when only a product is added, which has no usage yet).
 */
function compare(p: Prepared, next: readonly BillableProduct[], changed: BillableProduct | null, cycles: readonly Cycle[]) {
  const now = currentSetup(p);
  let currentUsage = 0;
  let newUsage = 0;
  let currentRated = 0;
  let newRated = 0;
  for (const cycle of cycles) {
    for (const product of now) {
      const u = usageCost(p, product, offeringOf(product), cycle);
      currentUsage += u.amountMinor;
      if (product.id !== changed?.id) newUsage += u.amountMinor;
      else currentRated += u.rated;
    }
    if (changed) {
      const u = usageCost(p, changed, offeringOf(changed), cycle);
      newUsage += u.amountMinor;
      newRated += u.rated;
    }
  }
  const currentFixed = fixedCost(p, now);
  const newFixed = fixedCost(p, next);
  const currentMonthly = currentFixed.totalMinor + average(currentUsage, cycles.length);
  const newMonthly = newFixed.totalMinor + average(newUsage, cycles.length);
  const comparison: Comparison = {
    currentMonthlyMinor: currentMonthly,
    newMonthlyMinor: newMonthly,
    monthlySavingMinor: currentMonthly - newMonthly,
    currentFixedMinor: currentFixed.totalMinor,
    newFixedMinor: newFixed.totalMinor,
    currentUsageMinor: average(currentUsage, cycles.length),
    newUsageMinor: average(newUsage, cycles.length),
    cyclesCompared: cycles.length,
  };
  return { comparison, lostUsage: changed !== null && newRated < currentRated, currentFixed, newFixed };
}

// ---- candidates and rules ----

function candidates(p: Prepared): Candidate[] {
  const { catalog, asOf } = p.ctx;
  const plans = catalog.sellable(asOf).filter((o) => o.category === 'plan');
  const list: Candidate[] = [];
  for (const { product, term } of p.held.values()) {
    if (product.parentId !== null) continue;
    for (const o of plans) {
      if (o.kind === product.kind && o.id !== term.offeringId) list.push({ kind: 'changePlan', productId: product.id, toOfferingId: o.id });
    }
  }
  const heldKinds = basePlanKinds(p);
  for (const kind of ProductKind.options) {
    if (completedBundles(p, heldKinds, kind).length === 0) continue;
    for (const o of plans) if (o.kind === kind) list.push({ kind: 'addService', productId: null, toOfferingId: o.id });
  }
  return list;
}

function basePlanKinds(p: Prepared): ProductKind[] {
  return [...p.held.values()].filter(({ product }) => product.parentId === null).map(({ product }) => product.kind);
}

/** Whether holding `kinds` meets a bundle condition ("a kind listed twice needs two of it"). */
function meets(discount: Discount, kinds: readonly ProductKind[]): boolean {
  if (discount.condition.type !== 'bundle') return false;
  const need = new Map<ProductKind, number>();
  for (const k of discount.condition.kinds) need.set(k, (need.get(k) ?? 0) + 1);
  return [...need].every(([k, n]) => kinds.filter((h) => h === k).length >= n);
}

/** Bundle discounts that adding one `kind` would newly qualify for. */
function completedBundles(p: Prepared, held: readonly ProductKind[], kind: ProductKind): Discount[] {
  return p.ctx.catalog.discountsOn(p.nextBill).filter((d) => !meets(d, held) && meets(d, [...held, kind]));
}

function priceOn(catalog: CatalogIndex, offeringId: string, date: CalendarDate): number | null {
  try {
    return catalog.recurringPrice(offeringId, date);
  } catch {
    return null;
  }
}

function within(o: ProductOffering, date: CalendarDate): boolean {
  return o.validFor.startDate <= date && (o.validFor.endDate === undefined || date <= o.validFor.endDate);
}

interface Assessment {
  reasons: EligibilityCode[];
  comparison: Comparison | null;
  offering: ProductOffering | null;
  held: Held | null;
  /** For an added service: the bundle discount it completes. */
  bundle: Discount | null;
}

function assess(p: Prepared, candidate: Candidate): Assessment {
  const { catalog, asOf, riskBand } = p.ctx;
  const reasons: EligibilityCode[] = [];
  const offering = catalog.offering(candidate.toOfferingId);
  const result = (comparison: Comparison | null, held: Held | null = null, bundle: Discount | null = null): Assessment => ({
    reasons,
    comparison,
    offering: offering ?? null,
    held,
    bundle,
  });
  if (!offering) {
    reasons.push('OFFERING_NOT_FOUND');
    return result(null);
  }
  const newFee = priceOn(catalog, offering.id, p.nextBill);
  if (offering.category !== 'plan') reasons.push('NOT_A_PLAN');
  if (offering.lifecycleStatus === 'Retired') reasons.push('RETIRED');
  else if (!within(offering, asOf) || newFee === null) reasons.push('NOT_SELLABLE');
  const costable = offering.category === 'plan' && newFee !== null;

  if (candidate.kind === 'addService') {
    if (NO_NEW_SERVICE_BANDS.has(riskBand)) reasons.push('RISK_NO_NEW_SERVICE');
    const completed = completedBundles(p, basePlanKinds(p), offering.kind);
    if (!costable) {
      if (completed.length === 0) reasons.push('NO_BUNDLE_COMPLETED');
      return result(null);
    }
    const added: BillableProduct = {
      // Parentheses keep the synthetic id clear of real product ids.
      id: `(new ${offering.kind})`,
      kind: offering.kind,
      identifier: `new ${offering.kind}`,
      parentId: null,
      terms: [{ offeringId: offering.id, from: p.nextBill, to: null }],
    };
    const plans = [...p.held.values()].filter(({ product }) => product.parentId === null);
    const cycles = p.cycles.filter((c) => plans.every(({ product }) => servedThroughout(product, c)));
    const { comparison, currentFixed, newFixed } = compare(p, [...currentSetup(p), added], null, cycles);
    // The bundle must actually pay more than before: a better bundle already held would win anyway.
    const bundle = completed.find((d) => d.id === newFixed.bundleId) ?? null;
    if (!bundle || newFixed.bundleMinor <= currentFixed.bundleMinor) reasons.push('NO_BUNDLE_COMPLETED');
    if (NO_RAISE_BANDS.has(riskBand) && comparison.newFixedMinor > comparison.currentFixedMinor) reasons.push('RISK_RAISES_BILL');
    return result(comparison, null, bundle);
  }

  const product = p.ctx.products.find((x) => x.id === candidate.productId);
  if (!product) {
    reasons.push('PRODUCT_NOT_FOUND');
    return result(null);
  }
  const held = p.held.get(product.id);
  if (!held) {
    reasons.push('PRODUCT_NOT_ACTIVE');
    return result(null);
  }
  if (product.parentId !== null) reasons.push('ADD_ON_PRODUCT');
  if (offering.kind !== product.kind) reasons.push('KIND_MISMATCH');
  if (offering.id === held.term.offeringId) reasons.push('SAME_PLAN');
  if (held.term.to !== null) reasons.push(product.terms.some((t) => t.from > asOf) ? 'CHANGE_PENDING' : 'PRODUCT_ENDING');

  const current = catalog.requireOffering(held.term.offeringId);
  const currentFee = priceOn(catalog, current.id, p.nextBill);
  const committedUntil = addMonths(held.term.from, current.commitmentMonths);
  if (asOf < committedUntil && newFee !== null && currentFee !== null && newFee < currentFee) reasons.push('IN_COMMITMENT');

  const addOns = p.ctx.products.filter((x) => x.parentId === product.id && p.held.has(x.id));
  if (addOns.some((a) => !catalog.requireOffering((p.held.get(a.id) as Held).term.offeringId).addOnTo.includes(offering.id))) reasons.push('ADDON_INCOMPATIBLE');

  const cycles = p.cycles.filter((c) => servedThroughout(product, c));
  if (cycles.length === 0 && (current.usage !== undefined || offering.usage !== undefined)) reasons.push('NO_USAGE_HISTORY');

  if (!costable || product.parentId !== null || offering.kind !== product.kind) return result(null, held);
  const changed = onOffering(product, offering.id, p.nextBill);
  const next = currentSetup(p).map((x) => (x.id === product.id && offering.id !== held.term.offeringId ? changed : x));
  const { comparison, lostUsage } = compare(p, next, changed, cycles);
  if (lostUsage) reasons.push('USAGE_NOT_SUPPORTED');
  if (NO_RAISE_BANDS.has(riskBand) && comparison.newFixedMinor > comparison.currentFixedMinor) reasons.push('RISK_RAISES_BILL');
  return result(comparison, held);
}

// ---- turning an eligible candidate into an offer ----

function toOffer(p: Prepared, candidate: Candidate, a: Assessment): Offer | null {
  const { comparison: cmp, offering } = a;
  if (!cmp || !offering) return null;
  const { catalog, account } = p.ctx;
  const saving = cmp.monthlySavingMinor;
  const common = {
    serviceKind: offering.kind,
    toOfferingId: offering.id,
    currentMonthlyMinor: cmp.currentMonthlyMinor,
    newMonthlyMinor: cmp.newMonthlyMinor,
    monthlySavingMinor: saving,
    cyclesCompared: cmp.cyclesCompared,
  };
  const baseParams = {
    offering: offering.name,
    currency: account.currency,
    savingMinor: saving,
    currentMonthlyMinor: cmp.currentMonthlyMinor,
    newMonthlyMinor: cmp.newMonthlyMinor,
    cycles: cmp.cyclesCompared,
    commitmentMonths: offering.commitmentMonths,
  };

  if (candidate.kind === 'addService') {
    const listFee = catalog.recurringPrice(offering.id, p.nextBill);
    const extra = -saving;
    // Worth offering only if the bundle makes the service cheaper than its list price.
    if (!a.bundle || extra >= listFee) return null;
    const reasons: OfferReason[] = saving > 0 ? ['SAVES_MONEY', 'COMPLETES_BUNDLE'] : ['COMPLETES_BUNDLE'];
    return {
      ...common,
      id: `addService:${offering.kind}:${offering.id}`,
      kind: 'addService',
      productId: null,
      fromOfferingId: null,
      params: { ...baseParams, extraMinor: extra, listPriceMinor: listFee, bundle: a.bundle.name, bundleId: a.bundle.id },
      gives: ['newService'],
      reasons,
    };
  }

  const held = a.held as Held;
  const from = catalog.requireOffering(held.term.offeringId);
  const { gives, losses } = compareOfferings(from, offering);
  // A flat-fee service (broadband, TV) is never pushed down a tier: that "saving" comes from getting
  // less, not from how the customer actually uses it, which is what re-rating is for.
  if (!from.usage && losses > 0) return null;
  let reasons: OfferReason[];
  if (saving > 0) reasons = ['SAVES_MONEY'];
  // "More for the same price": exactly the same monthly cost, strictly more of something, less of nothing.
  else if (saving === 0 && gives.length > 0 && losses === 0) reasons = ['MORE_FOR_SAME_PRICE'];
  else return null;
  const identifier = held.product.identifier;
  return {
    ...common,
    id: `changePlan:${held.product.id}:${offering.id}`,
    kind: 'changePlan',
    productId: held.product.id,
    fromOfferingId: from.id,
    params: { ...baseParams, identifier, fromOffering: from.name },
    gives,
    reasons,
  };
}

/** What `to` gives beyond `from`, and how many ways it gives less. */
function compareOfferings(from: ProductOffering, to: ProductOffering): { gives: Give[]; losses: number } {
  const gives: Give[] = [];
  let losses = 0;
  const allowance = (v: number | null | undefined) => (v === null ? Infinity : (v ?? 0));
  const more = (a: number, b: number, give: Give, unlimited: Give) => {
    if (b > a) gives.push(b === Infinity ? unlimited : give);
    else if (b < a) losses++;
  };
  const f = from.usage;
  const t = to.usage;
  more(allowance(f?.data?.allowanceMB), allowance(t?.data?.allowanceMB), 'moreData', 'unlimitedData');
  more(allowance(f?.voice?.allowanceMin), allowance(t?.voice?.allowanceMin), 'moreMinutes', 'unlimitedMinutes');
  more(allowance(f?.sms?.allowance), allowance(t?.sms?.allowance), 'moreSms', 'unlimitedSms');

  // Zero-rating matters only while data is capped.
  if (t?.data?.allowanceMB !== null) {
    const fz = new Set(f?.data?.zeroRated ?? []);
    const tz = new Set(t?.data?.zeroRated ?? []);
    if ([...fz].some((s) => !tz.has(s))) losses++;
    else if (tz.size > fz.size) gives.push('moreZeroRated');
  }

  const cheaper = (pairs: readonly (readonly [number | undefined, number | undefined])[], give: Give) => {
    let better = false;
    let worse = false;
    for (const [a, b] of pairs) {
      if (a === undefined || b === undefined) continue;
      if (b < a) better = true;
      if (b > a) worse = true;
    }
    if (worse) losses++;
    else if (better) gives.push(give);
  };
  const zones = new Set([...Object.keys(f?.roaming ?? {}), ...Object.keys(t?.roaming ?? {})]);
  const roamingPairs: (readonly [number | undefined, number | undefined])[] = [];
  for (const z of zones) {
    const a = f?.roaming[z];
    const b = t?.roaming[z];
    if (a && !b) losses++; // the new plan cannot be used there at all
    roamingPairs.push([a?.dataPerMB, b?.dataPerMB], [a?.voicePerMin, b?.voicePerMin], [a?.smsPerSms, b?.smsPerSms]);
  }
  cheaper(roamingPairs, 'cheaperRoaming');
  const destinations = (u: UsageTariff | undefined) => u?.voice?.destinations ?? {};
  const fd = destinations(f);
  const td = destinations(t);
  cheaper(
    (['local', 'national', 'mobile', 'international'] as const).map((d) => [fd[d], td[d]] as const),
    'cheaperCalls',
  );
  more(from.downloadMbps ?? 0, to.downloadMbps ?? 0, 'fasterSpeed', 'fasterSpeed');
  more(from.channels ?? 0, to.channels ?? 0, 'moreChannels', 'moreChannels');
  return { gives, losses };
}

