import { addDays, type CalendarDate } from '../calendar.ts';
import type { OrderAction } from '../domain/order-action.ts';
import type { OrderPreview } from './order-preview-schema.ts';
import { KioskError } from '../errors.ts';
import { money } from '../money.ts';
import { allLines, type BillLine } from './bill.ts';
import type { CatalogIndex } from './catalog.ts';
import { billedInAdvance, composeBill, monthsBetween, type BillAccount } from './compose.ts';
import type { ServiceProduct } from './credit-profile.ts';
import { decideOrder, scoreCredit, type CreditProfileInput } from './credit-risk.ts';
import { cycleAt, type Cycle } from './cycle.ts';
import { eligibility, saleRules, type EligibilityCode } from './optimizer.ts';
import { termOn, type BillableProduct } from './product.ts';
import type { UsageRecord } from './usage.ts';

type Reason = OrderPreview['reasons'][number];

/** What stops a customer's own order: the rules about what can be sold, and a commitment not yet served. */
const ORDER_RULES: ReadonlySet<EligibilityCode> = new Set<EligibilityCode>([...saleRules, 'IN_COMMITMENT']);
/** How far ahead a removal or suspension can be booked. */
export const MAX_NOTICE_DAYS = 90;
/** The id an added product has in the preview, before the order gives it one. */
export const NEW_PRODUCT_ID = 'new-product';

/** One account on one day, as an order is judged against it: the same for the kiosk's replica and the central ledger. */
export interface OrderContext {
  catalog: CatalogIndex;
  account: BillAccount;
  currency: string;
  timeZone: string;
  today: CalendarDate;
  /** The billing cycle containing `today`. */
  cycle: Readonly<Cycle>;
  products: readonly ServiceProduct[];
  /** This cycle's usage not yet billed. */
  records: readonly UsageRecord[];
  /** What the newest bill charged in advance for this cycle (billedInAdvance), when there is one. */
  billedAhead?: ReadonlyMap<string, string>;
  /** The credit scorecard's view of the account (credit-profile.ts). */
  profile: CreditProfileInput;
  /** Orders on their way for this account (placed, not yet fulfilled or refused). */
  openOrders: readonly OrderAction[];
}

export interface OrderOutcome {
  preview: OrderPreview;
  /** The account's products once the order is done (an added one under NEW_PRODUCT_ID). */
  after: BillableProduct[];
}

/**
 * An order judged by the billing engine: for any add, change, removal or suspension, the next
 * bill with and without it, the monthly bill after, and whether it may go ahead (the sale rules,
 * then the credit decision), with every reason. Throws KioskError for an order that cannot be
 * read at all (a date out of range, a service not on the account, an offering not in the catalog).
 */
export function previewOrder(ctx: OrderContext, order: OrderAction): OrderOutcome {
  const { catalog, currency, cycle, products, records, account, timeZone } = ctx;
  const { after, effectiveDate, reasons } = applyOrder(ctx, order);
  if (ctx.openOrders.some((open) => sameTarget(open, order))) {
    reasons.push({ code: 'ORDER_PENDING', text: 'An order for this service is already on its way.', params: {} });
  }
  const nextBillDate = addDays(cycle.end, 1);
  const settledBillDate = cycleAt(nextBillDate, account.billCycleDay, 1).start;
  const bill = (set: readonly BillableProduct[], billDate: CalendarDate, withUsage: boolean, billedAhead: ReadonlyMap<string, string> | undefined) =>
    composeBill({
      catalog,
      account,
      products: set,
      billDate,
      timeZone,
      usage: withUsage ? records : [],
      balance: { previousBalanceMinor: 0, paymentsReceivedMinor: 0, adjustmentsMinor: 0 },
      ...(billedAhead ? { billedAhead } : {}),
    }).bill;
  const before = bill(products, nextBillDate, true, ctx.billedAhead);
  const withOrder = bill(after, nextBillDate, true, ctx.billedAhead);
  const monthlyBefore = bill(products, settledBillDate, false, billedInAdvance(before)).taxIncludedAmountMinor;
  const monthlyAfter = bill(after, settledBillDate, false, billedInAdvance(withOrder)).taxIncludedAmountMinor;
  const unchanged = new Set(allLines(before).map(lineKey));
  const lines = allLines(withOrder).filter((l) => !unchanged.has(lineKey(l)));

  const firstBill = Math.max(withOrder.taxIncludedAmountMinor - before.taxIncludedAmountMinor, 0);
  const decided = decideOrder(scoreCredit(ctx.profile), ctx.profile, firstBill, monthlyAfter - monthlyBefore);
  const decision: OrderPreview['decision'] = reasons.length > 0 ? 'decline' : decided.decision;
  return {
    after,
    preview: {
      order,
      effectiveDate,
      decision,
      reasons: [...reasons, ...decided.reasons.map((r) => ({ code: r.code, text: r.text, params: r.params }))],
      monthlyBefore: money(monthlyBefore, currency),
      monthlyAfter: money(monthlyAfter, currency),
      nextBill: { billDate: nextBillDate, withoutOrder: money(before.taxIncludedAmountMinor, currency), withOrder: money(withOrder.taxIncludedAmountMinor, currency), lines },
    },
  };
}

/** The account's products as they would be after the order, or the reasons it cannot be placed. */
function applyOrder(ctx: OrderContext, order: OrderAction): { after: BillableProduct[]; effectiveDate: CalendarDate; reasons: Reason[] } {
  const { catalog, products, today } = ctx;
  const reasons: Reason[] = [];
  const refuse = (code: string, text: string) => reasons.push({ code, text, params: {} });
  const effectiveDate = order.action === 'remove' || order.action === 'suspend' ? order.effectiveDate : today;
  if (effectiveDate < today || effectiveDate > addDays(today, MAX_NOTICE_DAYS)) {
    throw new KioskError('VALIDATION', `Choose a date from today to ${addDays(today, MAX_NOTICE_DAYS)}.`);
  }
  if (order.action === 'add') {
    const offering = catalog.offering(order.offeringId);
    if (!offering) throw new KioskError('NOT_FOUND', 'That service is not in the catalog.');
    const parent = order.parentProductId === null ? null : products.find((p) => p.id === order.parentProductId && p.parentId === null && termOn(p, today));
    if (order.parentProductId !== null && !parent) throw new KioskError('NOT_FOUND', 'That service is not on your account.');
    if (offering.category === 'addOn' && (!parent || !offering.addOnTo.includes(currentOffering(parent, today)))) refuse('ADDON_INCOMPATIBLE', `${offering.name} cannot be added to that service.`);
    if (offering.category === 'plan') saleRuleReasons(ctx, { kind: 'addService', productId: null, toOfferingId: offering.id }, refuse);
    const added: BillableProduct = {
      id: NEW_PRODUCT_ID,
      kind: offering.kind,
      identifier: parent?.identifier ?? 'new',
      parentId: parent?.id ?? null,
      terms: [{ offeringId: offering.id, from: today, to: null }],
    };
    return { after: [...products, added], effectiveDate, reasons };
  }
  const product = products.find((p) => p.id === order.productId && termOn(p, today));
  if (!product || product.status === 'terminated') throw new KioskError('NOT_FOUND', 'That service is not on your account.');
  if (order.action === 'change') {
    saleRuleReasons(ctx, { kind: 'changePlan', productId: product.id, toOfferingId: order.offeringId }, refuse);
    const terms = product.terms.map((t) => (termOn(product, today) === t ? { ...t, to: addDays(today, -1) } : t)).filter((t) => t.to === null || t.to >= t.from);
    return { after: products.map((p) => (p === product ? { ...p, terms: [...terms, { offeringId: order.offeringId, from: today, to: null }] } : p)), effectiveDate, reasons };
  }
  if (order.action === 'suspend') {
    if (product.status !== 'active') refuse('PRODUCT_NOT_ACTIVE', 'This service is not active.');
    // A suspension is a hold: the service stops, the fee does not, so the bill is unchanged.
    return { after: [...products], effectiveDate, reasons };
  }
  const lastDay = addDays(effectiveDate, -1);
  const end = (p: BillableProduct): BillableProduct => ({
    ...p,
    terms: p.terms.filter((t) => t.from <= lastDay).map((t) => (t.to === null || t.to > lastDay ? { ...t, to: lastDay } : t)),
  });
  const offering = catalog.requireOffering(currentOffering(product, today));
  const term = termOn(product, today);
  if (term && offering.commitmentMonths > 0 && monthsBetween(term.from, effectiveDate) < offering.commitmentMonths) {
    refuse('IN_COMMITMENT', `${offering.name} has a ${offering.commitmentMonths}-month commitment that has not ended; staff can help.`);
  }
  // Its add-ons end with it; a product with no day left in service leaves the bill entirely.
  const after = products.map((p) => (p === product || p.parentId === product.id ? end(p) : p)).filter((p) => p.terms.length > 0);
  return { after, effectiveDate, reasons };
}

function saleRuleReasons(ctx: OrderContext, candidate: Parameters<typeof eligibility>[1], refuse: (code: string, text: string) => void): void {
  const { reasons } = eligibility(
    { catalog: ctx.catalog, account: ctx.account, products: ctx.products, timeZone: ctx.timeZone, asOf: ctx.today, usage: [], riskBand: 'A' },
    candidate,
  );
  for (const code of reasons) if (ORDER_RULES.has(code)) refuse(code, ruleText[code] ?? code);
}

const ruleText: Partial<Record<EligibilityCode, string>> = {
  OFFERING_NOT_FOUND: 'That service is not in the catalog.',
  NOT_A_PLAN: 'That is an extra, not a plan.',
  RETIRED: 'That plan is no longer sold.',
  NOT_SELLABLE: 'That plan is not on sale today.',
  KIND_MISMATCH: 'A service can only move to a plan of the same kind.',
  SAME_PLAN: 'You are already on that plan.',
  PRODUCT_NOT_ACTIVE: 'This service is not active.',
  ADD_ON_PRODUCT: 'Extras cannot change plan.',
  CHANGE_PENDING: 'A change to this service is already on its way.',
  PRODUCT_ENDING: 'This service is ending.',
  IN_COMMITMENT: 'This plan has a commitment that has not ended: it can move up, not down.',
  ADDON_INCOMPATIBLE: 'An extra on this service does not work with that plan.',
  USAGE_NOT_SUPPORTED: 'That plan cannot carry how this service is used (for example roaming).',
};

/** Two orders on the same service (or adding the same thing to the same place) cannot both be on their way. */
export function sameTarget(a: OrderAction, b: OrderAction): boolean {
  if (a.action === 'add' || b.action === 'add') {
    return a.action === 'add' && b.action === 'add' && a.offeringId === b.offeringId && a.parentProductId === b.parentProductId;
  }
  return a.productId === b.productId;
}

/** The offering a product is on today (or last was). */
export function currentOffering(product: BillableProduct, today: CalendarDate): string {
  return (termOn(product, today) ?? (product.terms.at(-1) as { offeringId: string })).offeringId;
}

function lineKey(l: BillLine): string {
  return `${l.productId}|${l.cause}|${l.sourceId}|${l.amountMinor}|${l.taxCategory}`;
}
