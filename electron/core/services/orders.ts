import { addDays, type CalendarDate } from '../../../shared/calendar.ts';
import { allLines, type BillLine } from '../../../shared/billing/bill.ts';
import type { CatalogIndex, ProductOffering } from '../../../shared/billing/catalog.ts';
import { composeBill, monthsBetween, type BillAccount } from '../../../shared/billing/compose.ts';
import { decideOrder, scoreCredit } from '../../../shared/billing/credit-risk.ts';
import { cycleAt } from '../../../shared/billing/cycle.ts';
import { eligibility, saleRules, type EligibilityCode } from '../../../shared/billing/optimizer.ts';
import { termOn, type BillableProduct } from '../../../shared/billing/product.ts';
import type { OrderAction, OrderPreview, ProductOrderView, SellableOffering } from '../../../shared/contract/orders.ts';
import { KioskError } from '../../../shared/errors.ts';
import { money } from '../../../shared/money.ts';
import type { Database } from '../ledger/db.ts';
import type { LedgerProduct } from '../ledger/billing-reader.ts';
import { Outbox } from '../ledger/outbox.ts';
import type { CreditDesk } from './credit.ts';
import { allowancesOf, meterUnits, type CycleUsage } from './cycle-usage.ts';

type Reason = OrderPreview['reasons'][number];

/** What stops a customer's own order: the rules about what can be sold, and a commitment not yet served. */
const ORDER_RULES: ReadonlySet<EligibilityCode> = new Set<EligibilityCode>([...saleRules, 'IN_COMMITMENT']);
/** How far ahead a removal or suspension can be booked. */
const MAX_NOTICE_DAYS = 90;
const NEW_PRODUCT_ID = 'new-product';

interface OrderRow {
  id: string;
  account_id: string;
  action: string;
  state: ProductOrderView['state'];
  preview: string;
  created_at: string;
}

/**
 * Services at the kiosk (TMF622): what can be added, and for any add, change, removal or
 * suspension a preview composed by the billing engine (the next bill with and without it, the
 * monthly bill after) and a credit decision; confirming records the order with its outbox row
 * for headquarters to fulfil. A referred order is held for staff.
 */
export class OrderDesk {
  readonly #byId;
  readonly #open;
  readonly #record;

  constructor(
    db: Database,
    private readonly usage: CycleUsage,
    private readonly credit: CreditDesk,
    private readonly timeZone: string,
  ) {
    this.#byId = db.prepare(`SELECT * FROM product_orders WHERE id = ?`);
    this.#open = db.prepare(`SELECT action FROM product_orders WHERE account_id = ? AND state IN ('acknowledged', 'held', 'inProgress')`).pluck();
    const insert = db.prepare(`INSERT INTO product_orders (id, account_id, action, state, preview, created_at) VALUES (?, ?, ?, ?, ?, ?)`);
    const outbox = new Outbox(db);
    this.#record = db.transaction((row: OrderRow, at: Date) => {
      insert.run(row.id, row.account_id, row.action, row.state, row.preview, row.created_at);
      outbox.append(row.id, 'order.submitted', { ...row, action: JSON.parse(row.action), preview: JSON.parse(row.preview) }, at);
    });
  }

  catalog(accountId: string, today: CalendarDate): SellableOffering[] {
    const { catalog, currency, products } = this.usage.forAccount(accountId, today);
    const live = products.filter((p) => p.status !== 'terminated' && termOn(p, today));
    return catalog
      .sellable(today)
      .filter((o) => o.category === 'plan' || live.some((p) => p.parentId === null && o.addOnTo.includes(currentOffering(p, today))))
      .map((o) => sellableView(o, catalog, live, today, currency));
  }

  preview(accountId: string, order: OrderAction, today: CalendarDate): OrderPreview {
    const { catalog, currency, cycle, products, records } = this.usage.forAccount(accountId, today);
    const account = this.usage.account(accountId);
    const { after, effectiveDate, reasons } = this.#apply(catalog, account, products, order, today);
    if (this.openOrders(accountId).some((open) => sameTarget(open, order))) {
      reasons.push({ code: 'ORDER_PENDING', text: 'An order for this service is already on its way.', params: {} });
    }
    const nextBillDate = addDays(cycle.end, 1);
    const settledBillDate = cycleAt(nextBillDate, account.billCycleDay, 1).start;
    const bill = (set: readonly BillableProduct[], billDate: CalendarDate, withUsage: boolean) =>
      composeBill({
        catalog,
        account,
        products: set,
        billDate,
        timeZone: this.timeZone,
        usage: withUsage ? records : [],
        balance: { previousBalanceMinor: 0, paymentsReceivedMinor: 0, adjustmentsMinor: 0 },
      }).bill;
    const before = bill(products, nextBillDate, true);
    const withOrder = bill(after, nextBillDate, true);
    const monthlyBefore = bill(products, settledBillDate, false).taxIncludedAmountMinor;
    const monthlyAfter = bill(after, settledBillDate, false).taxIncludedAmountMinor;
    const unchanged = new Set(allLines(before).map(lineKey));
    const lines = allLines(withOrder).filter((l) => !unchanged.has(lineKey(l)));

    const { profile } = this.credit.profile(accountId, today);
    const firstBill = Math.max(withOrder.taxIncludedAmountMinor - before.taxIncludedAmountMinor, 0);
    const decided = decideOrder(scoreCredit(profile), profile, firstBill, monthlyAfter - monthlyBefore);
    const decision: OrderPreview['decision'] = reasons.length > 0 ? 'decline' : decided.decision;
    return {
      order,
      effectiveDate,
      decision,
      reasons: [...reasons, ...decided.reasons.map((r) => ({ code: r.code, text: r.text, params: r.params }))],
      monthlyBefore: money(monthlyBefore, currency),
      monthlyAfter: money(monthlyAfter, currency),
      nextBill: { billDate: nextBillDate, withoutOrder: money(before.taxIncludedAmountMinor, currency), withOrder: money(withOrder.taxIncludedAmountMinor, currency), lines },
    };
  }

  submit(accountId: string, requestId: string, order: OrderAction, today: CalendarDate, at: Date): ProductOrderView {
    const existing = this.#byId.get(requestId) as OrderRow | undefined;
    if (existing) {
      if (existing.account_id !== accountId || existing.action !== JSON.stringify(order)) throw new KioskError('CONFLICT', 'That order was already placed with different details.');
      return view(existing);
    }
    const preview = this.preview(accountId, order, today);
    if (preview.decision === 'decline') {
      throw new KioskError('FORBIDDEN', preview.reasons[0]?.text ?? 'This order cannot be placed here.', { reasons: preview.reasons.map((r) => r.code) });
    }
    const row: OrderRow = {
      id: requestId,
      account_id: accountId,
      action: JSON.stringify(order),
      state: preview.decision === 'refer' ? 'held' : 'acknowledged',
      preview: JSON.stringify(preview),
      created_at: at.toISOString(),
    };
    this.#record(row, at);
    return view(row);
  }

  /** Orders placed and not yet fulfilled or refused by headquarters: the account's products do not show them yet. */
  openOrders(accountId: string): OrderAction[] {
    return (this.#open.all(accountId) as string[]).map((action) => JSON.parse(action) as OrderAction);
  }

  /** The account's products as they would be after the order, or the reasons it cannot be placed. */
  #apply(catalog: CatalogIndex, account: BillAccount, products: readonly LedgerProduct[], order: OrderAction, today: CalendarDate): { after: BillableProduct[]; effectiveDate: CalendarDate; reasons: Reason[] } {
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
      if (offering.category === 'plan') this.#rules(catalog, account, products, { kind: 'addService', productId: null, toOfferingId: offering.id }, today, refuse);
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
      this.#rules(catalog, account, products, { kind: 'changePlan', productId: product.id, toOfferingId: order.offeringId }, today, refuse);
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

  #rules(
    catalog: CatalogIndex,
    account: BillAccount,
    products: readonly LedgerProduct[],
    candidate: Parameters<typeof eligibility>[1],
    today: CalendarDate,
    refuse: (code: string, text: string) => void,
  ): void {
    const { reasons } = eligibility({ catalog, account, products, timeZone: this.timeZone, asOf: today, usage: [], riskBand: 'A' }, candidate);
    for (const code of reasons) if (ORDER_RULES.has(code)) refuse(code, ruleText[code] ?? code);
  }
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

function currentOffering(product: BillableProduct, today: CalendarDate): string {
  return (termOn(product, today) ?? (product.terms.at(-1) as { offeringId: string })).offeringId;
}

function lineKey(l: BillLine): string {
  return `${l.productId}|${l.cause}|${l.sourceId}|${l.amountMinor}|${l.taxCategory}`;
}

function sellableView(o: ProductOffering, catalog: CatalogIndex, live: readonly BillableProduct[], today: CalendarDate, currency: string): SellableOffering {
  return {
    id: o.id,
    name: o.name,
    description: o.description,
    kind: o.kind,
    category: o.category,
    addOnToProductIds: live.filter((p) => p.parentId === null && o.addOnTo.includes(currentOffering(p, today))).map((p) => p.id),
    monthly: money(catalog.recurringPrice(o.id, today), currency),
    activationFee: money(catalog.activationFee(o.id, today), currency),
    commitmentMonths: o.commitmentMonths,
    downloadMbps: o.downloadMbps ?? null,
    channels: o.channels ?? null,
    allowances: allowancesOf(o).map(({ type, allowance }) => ({ type, unit: meterUnits[type], allowance })),
  };
}

function view(row: OrderRow): ProductOrderView {
  return { id: row.id, state: row.state as ProductOrderView['state'], createdAt: row.created_at, preview: JSON.parse(row.preview) as OrderPreview };
}
