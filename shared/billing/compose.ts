import { addDays, addMonths, type CalendarDate } from '../calendar.ts';
import { ProductKind } from '../domain/product.ts';
import { allLines, type BillLine, type CustomerBill, type LineCause, type LineType, type Period, type ServiceSection, type TaxItem } from './bill.ts';
import type { CatalogIndex, Discount } from './catalog.ts';
import { cycleAt, cycleContaining, overlapDays, type Cycle } from './cycle.ts';
import { startedOn, termOn, type BillableProduct, type ProductTerm } from './product.ts';
import { rateUsage } from './rating.ts';
import { applyBps, roundHalfUp, splitLargestRemainder, sum } from './rounding.ts';
import { basePerBillingUnit, type RatedUsage, type RejectedUsage, type UsageRecord } from './usage.ts';

export interface BillAccount {
  id: string;
  accountNo: string;
  currency: string;
  billCycleDay: number;
  openedOn: CalendarDate;
}

export interface BillRunInput {
  catalog: CatalogIndex;
  account: BillAccount;
  products: readonly BillableProduct[];
  /** The first day of the cycle being billed in advance; must be a cycle start for the account. */
  billDate: CalendarDate;
  timeZone: string;
  /** Usage records of the previous cycle (the usage period). */
  usage: readonly UsageRecord[];
  alreadyRated?: ReadonlySet<string>;
  /**
   * What the previous bill charged in advance: offering id by product (billedInAdvance). Without
   * it, the terms in force on the usage period's first day are taken as billed ahead, which is
   * wrong for a change made on a bill day after that day's bill.
   */
  billedAhead?: ReadonlyMap<string, string>;
  /** The account's money since the previous bill, from the ledger. */
  balance: { previousBalanceMinor: number; paymentsReceivedMinor: number; adjustmentsMinor: number };
  /** Bills not paid by their due date (plus grace) since the previous bill: one late fee each. */
  lateFeeFor?: readonly string[];
  dueAfterDays?: number;
  billNo?: string;
  id?: string;
}

const kindOrder = Object.fromEntries(ProductKind.options.map((k, i) => [k, i])) as Record<ProductKind, number>;
const unitName = { data: 'MB', voice: 'min', sms: 'SMS' } as const;

/**
 * Composes one account's bill for one cycle. Pure: the same input gives the same bill, to the
 * minor unit. Recurring fees are charged in advance for the billing period; changes during the
 * previous cycle are settled in arrears by daily proration (fee × days ÷ days in that cycle,
 * rounded half-up per line), so a whole cycle always costs exactly the monthly fee.
 */
export interface BillRun {
  bill: CustomerBill;
  /** The usage the bill carries, now `billed`, and what rating refused, with reasons. */
  usage: RatedUsage[];
  rejectedUsage: RejectedUsage[];
}

export function composeBill(input: BillRunInput): BillRun {
  const { catalog, account, billDate } = input;
  const billing = cycleContaining(billDate, account.billCycleDay);
  if (billing.start !== billDate) throw new RangeError(`${billDate} is not a bill date for cycle day ${account.billCycleDay}`);
  const usagePeriod = cycleAt(billDate, account.billCycleDay, -1);
  const billNo = input.billNo ?? `${account.accountNo}-${billDate.slice(0, 7).replace('-', '')}`;
  const lines = new LineBook(billNo);

  const { rated, rejected } = rateUsage({
    catalog,
    products: input.products,
    period: usagePeriod,
    timeZone: input.timeZone,
    records: input.usage,
    ...(input.alreadyRated ? { alreadyRated: input.alreadyRated } : {}),
  });

  const advance = new Map<string, number>();
  for (const product of input.products) {
    prorations(lines, catalog, product, usagePeriod, billedAheadTerm(product, usagePeriod, input.billedAhead));
    const term = termOn(product, billing.start);
    if (term) {
      const fee = catalog.recurringPrice(term.offeringId, billing.start);
      advance.set(product.id, fee);
      lines.add(product.id, 'recurring', 'recurring', catalog.requireOffering(term.offeringId).taxCategory, term.offeringId, fee, {
        description: `${catalog.requireOffering(term.offeringId).name}, monthly fee`,
        period: { start: billing.start, end: billing.end },
        params: { offering: catalog.requireOffering(term.offeringId).name },
      });
    }
    const first = startedOn(product);
    if (first > usagePeriod.start && first <= billing.start) {
      const offeringId = (product.terms[0] as ProductTerm).offeringId;
      const fee = catalog.activationFee(offeringId, first);
      if (fee > 0) {
        lines.add(product.id, 'oneTime', 'activationFee', catalog.requireOffering(offeringId).taxCategory, offeringId, fee, {
          description: `Activation of ${catalog.requireOffering(offeringId).name}`,
          params: { offering: catalog.requireOffering(offeringId).name },
        });
      }
    }
  }
  usageLines(lines, catalog, rated);
  discounts(lines, catalog, input.products, account, billing, advance);
  for (const billRef of input.lateFeeFor ?? []) {
    const fee = catalog.catalog.fees.latePayment;
    lines.add(null, 'oneTime', 'lateFee', fee.taxCategory, 'LATE-FEE', fee.amountMinor, {
      description: `Late payment fee for bill ${billRef}`,
      params: { billNo: billRef },
    });
  }

  const services = sections(lines.all(), input.products, catalog, billing);
  const accountItems = lines.all().filter((l) => l.productId === null);
  const taxItems = taxes(catalog, [...services.flatMap((s) => s.lines), ...accountItems]);
  const taxExcluded = sum(allLines({ services, accountItems }).map((l) => l.amountMinor));
  const tax = sum(taxItems.map((t) => t.taxMinor));
  const taxIncluded = taxExcluded + tax;
  const { previousBalanceMinor, paymentsReceivedMinor, adjustmentsMinor } = input.balance;
  const balanceForward = previousBalanceMinor - paymentsReceivedMinor + adjustmentsMinor;
  const after = balanceForward + taxIncluded;
  const creditBefore = Math.max(0, -balanceForward);
  const remaining = Math.max(0, taxIncluded - creditBefore);
  const bill: CustomerBill = {
    '@type': 'CustomerBill',
    id: input.id ?? billNo,
    billNo,
    accountId: account.id,
    currency: account.currency,
    billDate,
    billingPeriod: { start: billing.start, end: billing.end },
    usagePeriod: { start: usagePeriod.start, end: usagePeriod.end },
    paymentDueDate: addDays(billDate, input.dueAfterDays ?? 14),
    services,
    accountItems,
    taxItems,
    taxExcludedAmountMinor: taxExcluded,
    taxMinor: tax,
    taxIncludedAmountMinor: taxIncluded,
    previousBalanceMinor,
    paymentsReceivedMinor,
    adjustmentsMinor,
    balanceForwardMinor: balanceForward,
    amountDueMinor: Math.max(0, after),
    creditCarriedMinor: Math.max(0, -after),
    remainingAmountMinor: remaining,
    state: remaining === 0 ? 'settled' : remaining < taxIncluded ? 'partiallyPaid' : 'new',
  };
  for (const r of rated) r.status = 'billed';
  return { bill, usage: rated, rejectedUsage: rejected };
}

/** Numbers lines in the order they are made, so a bill's line ids are stable. */
class LineBook {
  readonly #lines: BillLine[] = [];
  readonly #billNo: string;
  constructor(billNo: string) {
    this.#billNo = billNo;
  }
  add(
    productId: string | null,
    lineType: LineType,
    cause: LineCause,
    taxCategory: string,
    sourceId: string,
    amountMinor: number,
    more: { description: string; params?: BillLine['params']; period?: Period; quantity?: BillLine['quantity'] },
  ): void {
    this.#lines.push({
      id: `${this.#billNo}-${String(this.#lines.length + 1).padStart(3, '0')}`,
      productId,
      lineType,
      cause,
      description: more.description,
      params: more.params ?? {},
      period: more.period ?? null,
      quantity: more.quantity ?? null,
      amountMinor,
      taxCategory,
      sourceId,
    });
  }
  all(): BillLine[] {
    return this.#lines;
  }
}

/** fee × days ÷ cycle days, half-up: the whole cycle gives exactly the fee. */
export function prorate(feeMinor: number, days: number, cycleDays: number): number {
  return roundHalfUp(feeMinor * days, cycleDays);
}

/** What a bill charged in advance: offering id by product, from its recurring lines. */
export function billedInAdvance(bill: Pick<CustomerBill, 'services'>): Map<string, string> {
  return new Map(bill.services.flatMap((s) => s.lines).flatMap((l) => (l.lineType === 'recurring' && l.productId !== null ? [[l.productId, l.sourceId] as const] : [])));
}

/** The term a cycle was charged in advance for: in force on its first day, or (changed on that day, after its bill) the one that ended the day before. */
function billedAheadTerm(product: BillableProduct, cycle: Cycle, billedAhead: ReadonlyMap<string, string> | undefined): ProductTerm | null {
  const onFirstDay = termOn(product, cycle.start) ?? null;
  if (!billedAhead) return onFirstDay;
  const offeringId = billedAhead.get(product.id);
  if (offeringId === undefined) return null;
  if (onFirstDay?.offeringId === offeringId) return onFirstDay;
  const dayBefore = termOn(product, addDays(cycle.start, -1));
  return dayBefore?.offeringId === offeringId ? dayBefore : null;
}

/**
 * Settles the previous cycle: it was charged in advance for one term (billedAheadTerm); any other
 * term that ran during it is charged for its days, and the advance term is credited for the days
 * it did not run.
 */
function prorations(lines: LineBook, catalog: CatalogIndex, product: BillableProduct, cycle: Cycle, billedAhead: ProductTerm | null): void {
  product.terms.forEach((term, i) => {
    const days = overlapDays(cycle, term.from, term.to);
    if (days === 0 && term !== billedAhead) return;
    const offering = catalog.requireOffering(term.offeringId);
    const price = catalog.recurringPrice(term.offeringId, cycle.start > term.from ? cycle.start : term.from);
    if (term === billedAhead) {
      const unused = cycle.days - days;
      if (unused === 0) return;
      const next = product.terms[i + 1];
      const cause: LineCause = next && next.from === addDays(term.to as CalendarDate, 1) ? 'planChange' : 'removedService';
      const from = addDays(term.to as CalendarDate, 1);
      lines.add(product.id, 'proration', cause, offering.taxCategory, term.offeringId, -prorate(price, unused, cycle.days), {
        description: `${offering.name}: refund for ${unused} unused days`,
        period: { start: from, end: cycle.end },
        quantity: { amount: unused, unit: 'day' },
        params: { offering: offering.name, days: unused, cycleDays: cycle.days },
      });
      return;
    }
    const previous = product.terms[i - 1];
    const cause: LineCause = previous && previous.to === addDays(term.from, -1) ? 'planChange' : 'newService';
    const start = term.from > cycle.start ? term.from : cycle.start;
    const end = term.to === null || term.to > cycle.end ? cycle.end : term.to;
    lines.add(product.id, 'proration', cause, offering.taxCategory, term.offeringId, prorate(price, days, cycle.days), {
      description: `${offering.name}: ${days} of ${cycle.days} days`,
      period: { start, end },
      quantity: { amount: days, unit: 'day' },
      params: { offering: offering.name, days, cycleDays: cycle.days },
    });
  });
}

/** One line per product and kind of chargeable usage; included and zero-rated usage costs nothing. */
function usageLines(lines: LineBook, catalog: CatalogIndex, rated: readonly RatedUsage[]): void {
  const groups = new Map<string, { first: RatedUsage; quantity: number; amount: number }>();
  for (const r of rated) {
    if (r.tag === 'included' || r.tag === 'zeroRated') continue;
    // Usage over the allowance is one line whether it was used at home or roaming like at home;
    // roaming is a line per zone, priced calls a line per destination class.
    const key = `${r.productId}|${r.offeringId}|${r.tag}|${r.usageType}|${r.tag === 'roaming' ? r.zone : ''}|${r.tag === 'destination' ? r.destination : ''}`;
    const group = groups.get(key);
    const charged = r.ratedQuantity - r.fromAllowance;
    if (group) {
      group.quantity += charged;
      group.amount += r.amountMinor;
    } else groups.set(key, { first: r, quantity: charged, amount: r.amountMinor });
  }
  for (const { first, quantity, amount } of groups.values()) {
    const offering = catalog.requireOffering(first.offeringId);
    const billingUnits = Math.round((quantity / basePerBillingUnit[first.usageType]) * 100) / 100;
    const unit = unitName[first.usageType];
    const zoneName = first.zone ? (catalog.zone(first.zone)?.name ?? first.zone) : '';
    const [cause, description] =
      first.tag === 'roaming'
        ? (['roaming', `Roaming in ${zoneName}: ${billingUnits} ${unit} of ${first.usageType}`] as const)
        : first.tag === 'destination'
          ? (['destination', `Calls to ${first.destination} numbers: ${billingUnits} min`] as const)
          : (['usageOverAllowance', `${usageLabel[first.usageType]} over allowance: ${billingUnits} ${unit}`] as const);
    lines.add(first.productId, 'usage', cause, offering.taxCategory, first.offeringId, amount, {
      description,
      quantity: { amount: billingUnits, unit },
      params: { usageType: first.usageType, zone: zoneName, zoneId: first.zone ?? '', destination: first.destination ?? '' },
    });
  }
}

// Fix: capitalising the usage type printed "Sms over allowance" on the bill; SMS is an acronym.
const usageLabel = { data: 'Data', voice: 'Voice', sms: 'SMS' } as const;

/**
 * Price alterations on this cycle's advance fees: the single best bundle the account qualifies
 * for, the loyalty discount, and promotions on the products still inside their promotion months.
 */
function discounts(
  lines: LineBook,
  catalog: CatalogIndex,
  products: readonly BillableProduct[],
  account: BillAccount,
  billing: Cycle,
  advance: ReadonlyMap<string, number>,
): void {
  const plans = products.filter((p) => advance.has(p.id) && p.parentId === null);
  const available = catalog.discountsOn(billing.start);
  const amountOf = (d: Discount, base: number) => (d.benefit.type === 'percent' ? applyBps(base, d.benefit.bps) : Math.min(d.benefit.amountMinor, base));
  // A discount lowers the taxable base of the fees it discounts, so it is split across their tax categories.
  const taxCategoryOf = (p: BillableProduct) => catalog.requireOffering((termOn(p, billing.start) as ProductTerm).offeringId).taxCategory;
  const add = (productId: string | null, cause: LineCause, d: Discount, discounted: readonly BillableProduct[], params: BillLine['params']) => {
    const base = new Map<string, number>();
    for (const p of discounted) base.set(taxCategoryOf(p), (base.get(taxCategoryOf(p)) ?? 0) + (advance.get(p.id) ?? 0));
    const categories = [...base.keys()].sort();
    const total = amountOf(d, sum([...base.values()]));
    if (total <= 0) return;
    const parts = splitLargestRemainder(total, categories.map((c) => base.get(c) ?? 0));
    categories.forEach((category, i) => {
      const amount = parts[i] ?? 0;
      if (amount > 0) lines.add(productId, 'discount', cause, category, d.id, -amount, { description: d.name, params: { discount: d.name, ...params } });
    });
  };

  let best: { discount: Discount; members: BillableProduct[]; amount: number } | null = null;
  for (const d of available) {
    if (d.condition.type !== 'bundle') continue;
    const members = bundleMembers(d.condition.kinds, plans, advance);
    if (!members) continue;
    const amount = amountOf(d, sum(members.map((p) => advance.get(p.id) ?? 0)));
    if (amount > 0 && (!best || amount > best.amount)) best = { discount: d, members, amount };
  }
  if (best) add(null, 'bundleDiscount', best.discount, best.members, {});
  const tenureMonths = monthsBetween(account.openedOn, billing.start);
  const charged = products.filter((p) => advance.has(p.id));
  for (const d of available) {
    if (d.condition.type === 'loyalty' && tenureMonths >= d.condition.minTenureMonths) add(null, 'loyaltyDiscount', d, charged, { months: tenureMonths });
    if (d.condition.type !== 'promotion') continue;
    for (const product of charged) {
      const term = termOn(product, billing.start) as ProductTerm;
      if (!d.condition.offeringIds.includes(term.offeringId)) continue;
      if (billing.start >= addMonths(term.from, d.condition.months)) continue;
      add(product.id, 'promotion', d, [product], {});
    }
  }
}

/** The products that make up a bundle (the dearest of each kind), or null if one is missing. */
function bundleMembers(kinds: readonly ProductKind[], plans: readonly BillableProduct[], advance: ReadonlyMap<string, number>): BillableProduct[] | null {
  const pool = [...plans].sort((a, b) => (advance.get(b.id) ?? 0) - (advance.get(a.id) ?? 0) || (a.id < b.id ? -1 : 1));
  const chosen: BillableProduct[] = [];
  for (const kind of kinds) {
    const match = pool.find((p) => p.kind === kind && !chosen.includes(p));
    if (!match) return null;
    chosen.push(match);
  }
  return chosen;
}

export function monthsBetween(from: CalendarDate, to: CalendarDate): number {
  let months = (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(to.slice(5, 7)) - Number(from.slice(5, 7));
  if (addMonths(from, months) > to) months -= 1;
  return Math.max(0, months);
}

/** A section per service that has lines, add-ons inside their base service, ordered by kind. */
function sections(lines: readonly BillLine[], products: readonly BillableProduct[], catalog: CatalogIndex, billing: Cycle): ServiceSection[] {
  const byId = new Map(products.map((p) => [p.id, p]));
  const sectionOf = (productId: string): BillableProduct => {
    const product = byId.get(productId) as BillableProduct;
    return product.parentId && byId.has(product.parentId) ? (byId.get(product.parentId) as BillableProduct) : product;
  };
  const result = new Map<string, ServiceSection>();
  for (const line of lines) {
    if (line.productId === null) continue;
    const base = sectionOf(line.productId);
    let section = result.get(base.id);
    if (!section) {
      const term = termOn(base, billing.start) ?? (base.terms.at(-1) as ProductTerm);
      section = {
        productId: base.id,
        kind: base.kind,
        identifier: base.identifier,
        offeringId: term.offeringId,
        offeringName: catalog.requireOffering(term.offeringId).name,
        lines: [],
        subtotalMinor: 0,
      };
      result.set(base.id, section);
    }
    section.lines.push(line);
    section.subtotalMinor += line.amountMinor;
  }
  return [...result.values()].sort((a, b) => kindOrder[a.kind] - kindOrder[b.kind] || a.identifier.localeCompare(b.identifier));
}

/** Tax per category on the category's net, half-up: the invoice's tax, not a sum of per-line taxes. */
function taxes(catalog: CatalogIndex, lines: readonly BillLine[]): TaxItem[] {
  const taxable = new Map<string, number>();
  for (const line of lines) taxable.set(line.taxCategory, (taxable.get(line.taxCategory) ?? 0) + line.amountMinor);
  return [...taxable.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([category, net]) => {
      const rateBps = catalog.taxRateBps(category);
      const def = catalog.catalog.taxCategories.find((t) => t.id === category);
      return { taxCategory: category, name: def?.name ?? category, rateBps, taxableMinor: net, taxMinor: applyBps(net, rateBps) };
    });
}

