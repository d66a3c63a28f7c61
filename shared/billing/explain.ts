import { z } from 'zod';
import { ProductKind } from '../domain/product.ts';
import { allLines, lineUsageType, type BillLine, type CustomerBill, type ServiceSection } from './bill.ts';
import { sum } from './rounding.ts';

/**
 * "What changed since the last bill": the difference between two bills' own charges
 * (`taxIncludedAmountMinor`; balance brought forward is a separate story), broken into short
 * items per service and cause, biggest first, each a cause code with its facts (`params`): the
 * screens say them in the customer's language (renderer/src/lib/bill-text.ts). The items always add up to the difference
 * exactly: every line of both bills falls into exactly one group, each group contributes
 * current − previous, and tax is one more item. So the screen never shows a "rounding" or
 * "other" line.
 *
 * How line causes become change causes:
 * - `recurring` fees are grouped per product. Fees only in this bill → `newService`; only in the
 *   previous → `removedService`; in both with a different offering → `planChange`; same offering,
 *   different amount → `priceChange`. A recurring fee whose offering is not the section's own
 *   (an add-on billed in its base service's section) is its own group, keyed by that offering,
 *   so adding an add-on reads "added" rather than "plan changed".
 * - The proration lines (`newService`, `removedService`, `planChange`) are one `proration` group
 *   per product, NOT folded into the service's cause: a proration is charged on one bill and
 *   disappears on the next, and on that next bill the service is no longer new, so folding would
 *   explain the same money under two different causes. Keeping it apart also tells the customer
 *   which part is a one-off.
 * - `usageOverAllowance` per usage type, `roaming` per zone, `destination` per destination class.
 * - Discounts (`bundleDiscount`, `loyaltyDiscount`, `promotion`) per product and discount id:
 *   only now → `discountStarted`, only before → `discountEnded`, both → `discountChanged`.
 * - `activationFee` → `oneTimeFee`; `lateFee` → `lateFee`; tax is one item, the change in
 *   `taxMinor`.
 *
 * What this reads from a line's `params`, as compose.ts writes them (all optional; an item
 * only gets vaguer without them): `offering` / `discount` (or `name`) for the display name of an
 * add-on or discount, else the line's `description`; `zone` (the roaming zone's display name) and `zoneId`;
 * `destination` (a destination class); `usageType` (`data`, `voice`, `sms`) when `quantity` does
 * not tell it already. Empty strings count as absent.
 */
export const ChangeCause = z.enum([
  'newService',
  'removedService',
  'planChange',
  'proration',
  'priceChange',
  'usageOverAllowance',
  'roaming',
  'destination',
  'discountStarted',
  'discountEnded',
  'discountChanged',
  'oneTimeFee',
  'lateFee',
  'tax',
]);
export type ChangeCause = z.infer<typeof ChangeCause>;

/** The service an item is about, as its bill names it, so a screen can label a service that is no longer billed. */
export const ExplainedService = z.object({ kind: ProductKind, identifier: z.string(), offeringName: z.string() });
export type ExplainedService = z.infer<typeof ExplainedService>;

/** Schemas, not just types: explanations cross the contract to the screens. */
export const ExplanationItem = z.object({
  productId: z.string().nullable(),
  /** The service's section (an add-on's is its base service's); null for the account. */
  service: ExplainedService.nullable(),
  cause: ChangeCause,
  /** Positive: this bill costs more; negative: it costs less. */
  amountMinor: z.number().int(),
  /** The facts of the change, unformatted (ExplanationParams), for a screen to say in any language. */
  params: z.record(z.string(), z.union([z.string(), z.number()])),
});
export type ExplanationItem = z.infer<typeof ExplanationItem>;

export const BillExplanation = z.object({
  previousTotalMinor: z.number().int(),
  currentTotalMinor: z.number().int(),
  differenceMinor: z.number().int(),
  items: z.array(ExplanationItem),
});
export type BillExplanation = z.infer<typeof BillExplanation>;

/**
 * The cause-specific facts of an item, besides the amounts (`direction`, `absAmountMinor`,
 * `currency`, `previousMinor`, `currentMinor`, always there).
 */
export interface ExplanationDetail {
  /** Add-on or discount name. */
  name?: string;
  /** The catalogue id of a discount (one only), so a screen can name it in its own language. */
  discountId?: string;
  fromPlan?: string;
  toPlan?: string;
  zone?: string;
  /** The catalogue id of the roaming zone, for the same reason. */
  zoneId?: string;
  /** A destination class (catalog.ts), or what the line said. */
  destination?: string;
  usageType?: string;
}

/** How lines are grouped; `sub` tells groups of one kind apart within a product. */
type GroupKind = 'plan' | 'addOn' | 'proration' | 'usageOverAllowance' | 'roaming' | 'destination' | 'discount' | 'oneTimeFee' | 'lateFee';

interface Group {
  key: string;
  kind: GroupKind;
  productId: string | null;
  sub: string;
  previous: BillLine[];
  current: BillLine[];
}

function stringParam(line: BillLine, name: string): string | undefined {
  const value = line.params[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The display name of what a line prices; the description is a fallback because it carries extra words ("…, monthly fee"). */
function lineName(line: BillLine): string {
  return stringParam(line, 'name') ?? stringParam(line, 'offering') ?? stringParam(line, 'discount') ?? line.description;
}


function groupOf(line: BillLine, sectionOffering: ReadonlyMap<string, string>): { kind: GroupKind; sub: string } {
  switch (line.cause) {
    case 'recurring': {
      const own = line.productId === null ? undefined : sectionOffering.get(line.productId);
      return own === undefined || own === line.sourceId ? { kind: 'plan', sub: '' } : { kind: 'addOn', sub: line.sourceId };
    }
    case 'newService':
    case 'removedService':
    case 'planChange':
      return { kind: 'proration', sub: '' };
    case 'usageOverAllowance':
      return { kind: 'usageOverAllowance', sub: lineUsageType(line) ?? '' };
    case 'roaming':
      return { kind: 'roaming', sub: stringParam(line, 'zone') ?? '' };
    case 'destination':
      return { kind: 'destination', sub: stringParam(line, 'destination') ?? '' };
    case 'bundleDiscount':
    case 'loyaltyDiscount':
    case 'promotion':
      return { kind: 'discount', sub: line.sourceId };
    case 'activationFee':
      return { kind: 'oneTimeFee', sub: '' };
    case 'lateFee':
      return { kind: 'lateFee', sub: '' };
    default: {
      const unknown: never = line.cause;
      throw new RangeError(`unknown line cause ${String(unknown)}`);
    }
  }
}

function causeOf(group: Group): Exclude<ChangeCause, 'tax'> {
  const before = group.previous.length > 0;
  const now = group.current.length > 0;
  switch (group.kind) {
    case 'plan':
    case 'addOn': {
      if (!before) return 'newService';
      if (!now) return 'removedService';
      return sameSet(group.previous.map((l) => l.sourceId), group.current.map((l) => l.sourceId)) ? 'priceChange' : 'planChange';
    }
    case 'discount':
      return !before ? 'discountStarted' : !now ? 'discountEnded' : 'discountChanged';
    case 'proration':
    case 'usageOverAllowance':
    case 'roaming':
    case 'destination':
    case 'oneTimeFee':
    case 'lateFee':
      return group.kind;
  }
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const x = new Set(a);
  const y = new Set(b);
  return x.size === y.size && [...x].every((v) => y.has(v));
}

/** Where a product shows on each bill: its own section, or the section whose lines carry it. */
class Products {
  readonly #own = new Map<string, ServiceSection>();
  readonly #container = new Map<string, ServiceSection>();

  /** Earlier bills fill only what later ones did not, so the current bill's names win. */
  add(bill: CustomerBill): void {
    for (const section of bill.services) if (!this.#own.has(section.productId)) this.#own.set(section.productId, section);
    for (const section of bill.services) {
      for (const line of section.lines) {
        if (line.productId !== null && !this.#container.has(line.productId)) this.#container.set(line.productId, section);
      }
    }
  }

  own(productId: string | null): ServiceSection | undefined {
    return productId === null ? undefined : this.#own.get(productId);
  }

  service(productId: string | null): ExplainedService | null {
    if (productId === null) return null;
    const section = this.#own.get(productId) ?? this.#container.get(productId);
    return section === undefined ? null : { kind: section.kind, identifier: section.identifier, offeringName: section.offeringName };
  }
}

function sectionOfferings(bill: CustomerBill | null): Map<string, string> {
  return new Map((bill?.services ?? []).map((s) => [s.productId, s.offeringId]));
}

function names(lines: readonly BillLine[]): string | undefined {
  const unique = [...new Set(lines.map(lineName))];
  return unique.length === 0 ? undefined : unique.join(' + ');
}

/** The cause-specific facts of a group's item; `undefined` leaves a param out. */
function details(group: Group, cause: ChangeCause, products: Products, previous: CustomerBill | null, current: CustomerBill): ExplanationDetail {
  const newest = group.current.length > 0 ? group.current : group.previous;
  // An add-on billed in its base service's section carries that service's label, so its own
  // fees must also say its name or "TV Plus was added" would be said of the Sports add-on.
  const rider = group.productId !== null && products.own(group.productId) === undefined;
  switch (group.kind) {
    case 'plan': {
      if (cause !== 'planChange') return { name: rider ? names(newest) : undefined };
      const sectionName = (bill: CustomerBill | null) => bill?.services.find((s) => s.productId === group.productId)?.offeringName;
      return { fromPlan: sectionName(previous) ?? names(group.previous), toPlan: sectionName(current) ?? names(group.current) };
    }
    case 'addOn':
      return { name: names(newest) };
    case 'discount':
      return { name: names(newest), discountId: group.sub };
    case 'usageOverAllowance':
      return { usageType: group.sub || undefined };
    case 'roaming':
      return { zone: group.sub || undefined, zoneId: newest.map((l) => stringParam(l, 'zoneId')).find((id) => id !== undefined) };
    case 'destination':
      return { destination: group.sub || undefined };
    case 'proration':
    case 'oneTimeFee':
      return { name: rider ? names(newest) : undefined };
    case 'lateFee':
      return {};
  }
}

function makeItem(
  productId: string | null,
  service: ExplainedService | null,
  cause: ChangeCause,
  previousMinor: number,
  currentMinor: number,
  currency: string,
  detail: ExplanationDetail,
): ExplanationItem {
  const amountMinor = currentMinor - previousMinor;
  const direction = amountMinor > 0 ? 'more' : 'less';
  const params: Record<string, string | number> = { direction, absAmountMinor: Math.abs(amountMinor), currency, previousMinor, currentMinor };
  for (const [key, value] of Object.entries(detail)) if (typeof value === 'string') params[key] = value;
  return { productId, service, cause, amountMinor, params };
}

/** A bill whose parts do not add up to its totals cannot be explained to the cent: refuse it. */
function assertConsistent(bill: CustomerBill, which: string): void {
  const lines = allLines(bill);
  const bad = lines.find((l) => !Number.isSafeInteger(l.amountMinor));
  if (bad) throw new RangeError(`${which} bill ${bill.billNo}: line ${bad.id} amount is not a whole number of minor units`);
  const linesTotal = sum(lines.map((l) => l.amountMinor));
  if (linesTotal !== bill.taxExcludedAmountMinor) {
    throw new RangeError(`${which} bill ${bill.billNo}: lines add up to ${linesTotal} but taxExcludedAmountMinor is ${bill.taxExcludedAmountMinor}`);
  }
  if (bill.taxExcludedAmountMinor + bill.taxMinor !== bill.taxIncludedAmountMinor) {
    throw new RangeError(`${which} bill ${bill.billNo}: taxExcludedAmountMinor + taxMinor is not taxIncludedAmountMinor`);
  }
}

export function explainBill(current: CustomerBill, previous: CustomerBill | null): BillExplanation {
  assertConsistent(current, 'current');
  if (previous !== null) {
    assertConsistent(previous, 'previous');
    if (previous.currency !== current.currency) throw new RangeError(`cannot compare a ${current.currency} bill with a ${previous.currency} bill`);
  }
  const previousTotalMinor = previous?.taxIncludedAmountMinor ?? 0;
  const currentTotalMinor = current.taxIncludedAmountMinor;
  const differenceMinor = currentTotalMinor - previousTotalMinor;

  const products = new Products();
  products.add(current);
  if (previous !== null) products.add(previous);

  // Each bill's lines are classified against that bill's own sections, so a plan change (old
  // offering before, new offering now) still lands both fees in the same 'plan' group.
  const groups = new Map<string, Group>();
  const collect = (bill: CustomerBill | null, side: 'previous' | 'current') => {
    if (bill === null) return;
    const offerings = sectionOfferings(bill);
    for (const line of allLines(bill)) {
      const { kind, sub } = groupOf(line, offerings);
      const key = JSON.stringify([line.productId, kind, sub]);
      let group = groups.get(key);
      if (group === undefined) {
        group = { key, kind, productId: line.productId, sub, previous: [], current: [] };
        groups.set(key, group);
      }
      group[side].push(line);
    }
  };
  collect(previous, 'previous');
  collect(current, 'current');

  const keyed: { key: string; item: ExplanationItem }[] = [];
  for (const group of groups.values()) {
    const before = sum(group.previous.map((l) => l.amountMinor));
    const now = sum(group.current.map((l) => l.amountMinor));
    if (now === before) continue;
    const cause = causeOf(group);
    const detail = details(group, cause, products, previous, current);
    keyed.push({ key: group.key, item: makeItem(group.productId, products.service(group.productId), cause, before, now, current.currency, detail) });
  }
  const previousTax = previous?.taxMinor ?? 0;
  if (current.taxMinor !== previousTax) {
    keyed.push({ key: JSON.stringify([null, 'tax', '']), item: makeItem(null, null, 'tax', previousTax, current.taxMinor, current.currency, {}) });
  }

  // Biggest change first; the group key (not input order) breaks ties so equal bills explain alike.
  keyed.sort((a, b) => Math.abs(b.item.amountMinor) - Math.abs(a.item.amountMinor) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const items = keyed.map((k) => k.item);

  const explained = sum(items.map((i) => i.amountMinor));
  if (explained !== differenceMinor) {
    throw new Error(`bill explanation does not add up: items sum to ${explained}, the bills differ by ${differenceMinor}`);
  }
  return { previousTotalMinor, currentTotalMinor, differenceMinor, items };
}
