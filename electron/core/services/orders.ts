import type { CalendarDate } from '../../../shared/calendar.ts';
import type { CatalogIndex, ProductOffering } from '../../../shared/billing/catalog.ts';
import { liveProducts } from '../../../shared/billing/credit-profile.ts';
import { currentOffering, previewOrder } from '../../../shared/billing/order-preview.ts';
import type { BillableProduct } from '../../../shared/billing/product.ts';
import type { ProductOrderView, SellableOffering } from '../../../shared/contract/orders.ts';
import type { OrderAction } from '../../../shared/domain/order-action.ts';
import type { OrderPreview } from '../../../shared/billing/order-preview-schema.ts';
import { KioskError } from '../../../shared/errors.ts';
import { money } from '../../../shared/money.ts';
import type { Database } from '../ledger/db.ts';
import { Outbox } from '../ledger/outbox.ts';
import type { EventPayload } from '../../../shared/sync/protocol.ts';
import type { CreditDesk } from './credit.ts';
import { allowancesOf, meterUnits, type CycleUsage } from './cycle-usage.ts';

// The offers screen leaves out what is already on its way, by the same rule as the preview.
export { sameTarget } from '../../../shared/billing/order-preview.ts';

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
    this.#record = db.transaction((order: EventPayload<'order.submitted'>, at: Date) => {
      insert.run(order.id, order.accountId, JSON.stringify(order.action), order.state, JSON.stringify(order.preview), order.createdAt);
      outbox.append(order.id, 'order.submitted', order, at);
    });
  }

  catalog(accountId: string, today: CalendarDate): SellableOffering[] {
    const { catalog, currency, products } = this.usage.forAccount(accountId, today);
    const live = liveProducts(products, today);
    return catalog
      .sellable(today)
      .filter((o) => o.category === 'plan' || live.some((p) => p.parentId === null && o.addOnTo.includes(currentOffering(p, today))))
      .map((o) => sellableView(o, catalog, live, today, currency));
  }

  /** The billing engine's preview of the order (shared with headquarters, which decides it again on the central ledger). */
  preview(accountId: string, order: OrderAction, today: CalendarDate): OrderPreview {
    const { catalog, currency, cycle, products, records } = this.usage.forAccount(accountId, today);
    const billedAhead = this.usage.billedAhead(accountId, cycle);
    const { profile } = this.credit.profile(accountId, today);
    const account = this.usage.account(accountId);
    const context = { catalog, account, currency, timeZone: this.timeZone, today, cycle, products, records, profile, openOrders: this.openOrders(accountId), ...(billedAhead ? { billedAhead } : {}) };
    return previewOrder(context, order).preview;
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
    const placed: EventPayload<'order.submitted'> = {
      id: requestId,
      accountId,
      action: order,
      state: preview.decision === 'refer' ? 'held' : 'acknowledged',
      preview,
      createdAt: at.toISOString(),
    };
    this.#record(placed, at);
    return view(this.#byId.get(requestId) as OrderRow);
  }

  /** Orders placed and not yet fulfilled or refused by headquarters: the account's products do not show them yet. */
  openOrders(accountId: string): OrderAction[] {
    return (this.#open.all(accountId) as string[]).map((action) => JSON.parse(action) as OrderAction);
  }
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
