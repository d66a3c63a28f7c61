import type { CalendarDate } from '../../shared/calendar.ts';
import type { ChangeOf, DecisionReason } from '../../shared/sync/changes.ts';
import { NEW_PRODUCT_ID, previewOrder } from '../../shared/billing/order-preview.ts';
import type { BillableProduct } from '../../shared/billing/product.ts';
import type { OrderAction } from '../../shared/domain/order-action.ts';
import type { OrderPreview } from '../../shared/billing/order-preview-schema.ts';
import { KioskError } from '../../shared/errors.ts';
import type { EventPayload } from '../../shared/sync/protocol.ts';
import type { HubQueryable } from '../db/hub-db.ts';
import type { HubProduct } from '../billing/ledger-reads.ts';
import { writeChanges } from '../ledger/change-writer.ts';
import { centralOrderContext, readCentralAccount, type CentralAccount } from './central-account.ts';
import type { RequestOrigin } from './credit.ts';

export type OrderSubmitted = EventPayload<'order.submitted'>;
/**
 * What a decision reads of an order, in every shape product_orders.payload holds (orders received
 * under schema version 1 were stored in snake_case): its id and action; the account is the row's.
 */
type OrderToDecide = Pick<OrderSubmitted, 'id' | 'action'> & { accountId: string };
type State = ChangeOf<'order.decided'>['state'];
type ProductUpsert = ChangeOf<'product.upsert'>;
type Decision = OrderPreview['decision'] | 'invalid';

const reason = (code: string, text: string): DecisionReason => ({ code, text, params: {} });

export interface Outcome {
  decision: Decision;
  state: State;
  reasons: DecisionReason[];
  products: ProductUpsert[];
}

/**
 * Decides a product order a kiosk sent, in the push's transaction, by the same rules the kiosk
 * previewed it with (shared/billing/order-preview.ts: the sale rules, then the credit decision)
 * over the central ledger on the hub's today:
 *
 * - eligible: fulfilled on the central ledger at once (`completed`), its products written as
 *   product.upsert changes for the branch; a suspension dated later stays `inProgress`;
 * - refer: `held` for staff (a referred order waits, as at the kiosk);
 * - decline, or an order that no longer makes sense (its service gone, its date passed): `failed`,
 *   with the reasons.
 *
 * An order.decided change then tells the branch's kiosks the state, after the products it changed.
 */
export async function decideOrderRequest(tx: HubQueryable, order: OrderSubmitted, origin: RequestOrigin): Promise<void> {
  const central = await readCentralAccount(tx, order.accountId, origin.receivedAt);
  const outcome =
    central && central.branchId === origin.branchId
      ? decide(central, order, await openOrders(tx, order))
      : { decision: 'invalid' as const, state: 'failed' as const, reasons: [reason('ACCOUNT_NOT_IN_BRANCH', "Headquarters does not hold this account in the kiosk's branch.")], products: [] };
  await recordOrderDecision(tx, order.id, order.accountId, outcome, origin.receivedAt);
  if (!central || central.branchId !== origin.branchId) return;
  const decided: ChangeOf<'order.decided'> = {
    type: 'order.decided',
    id: order.id,
    accountId: order.accountId,
    state: outcome.state,
    reasons: outcome.reasons,
    decidedAt: origin.receivedAt.toISOString(),
  };
  await writeChanges(tx, [...outcome.products, decided]);
}

export async function recordOrderDecision(tx: HubQueryable, orderId: string, accountId: string, outcome: Outcome, at: Date): Promise<void> {
  await tx.query(
    `INSERT INTO order_decisions (order_id, account_id, decision, state, reasons, product_ids, decided_at) VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7)`,
    [orderId, accountId, outcome.decision, outcome.state, JSON.stringify(outcome.reasons), JSON.stringify(outcome.products.map((p) => p.id)), at],
  );
  await tx.query('UPDATE product_orders SET status = $2 WHERE id = $1', [orderId, outcome.state]);
}

/** Orders of the account still on their way here (held for staff, or booked for a later day), this one aside. */
async function openOrders(tx: HubQueryable, order: OrderToDecide): Promise<OrderAction[]> {
  // The order's status is the last decision on it, headquarters' or staff's.
  const rows = await tx.query<{ action: OrderAction }>(
    `SELECT o.payload->'action' AS action FROM product_orders o WHERE o.account_id = $1 AND o.id <> $2 AND o.status IN ('held', 'inProgress')`,
    [order.accountId, order.id],
  );
  return rows.map((r) => r.action);
}

/** The order read against the account as it is now, or why it no longer can be (its service gone, its date passed). */
function judge(central: CentralAccount, order: OrderToDecide, open: readonly OrderAction[]): ReturnType<typeof previewOrder> | DecisionReason {
  try {
    return previewOrder(centralOrderContext(central, open), order.action);
  } catch (error) {
    if (!(error instanceof KioskError)) throw error;
    return reason(error.code === 'VALIDATION' ? 'DATE_NOT_BOOKABLE' : 'NOT_ON_ACCOUNT', error.message);
  }
}

function decide(central: CentralAccount, order: OrderToDecide, open: readonly OrderAction[]): Outcome {
  const judged = judge(central, order, open);
  if ('code' in judged) return { decision: 'invalid', state: 'failed', reasons: [judged], products: [] };
  const { preview, after } = judged;
  const reasons = preview.reasons.map((r) => ({ code: r.code, text: r.text, params: r.params }));
  if (preview.decision === 'decline') return { decision: 'decline', state: 'failed', reasons, products: [] };
  if (preview.decision === 'refer') return { decision: 'refer', state: 'held', reasons, products: [] };
  return fulfil(central, order, after, preview.effectiveDate, reasons);
}

/** A held order decided by staff at the kiosk that took it (electron/core/assist/order-referrals.ts). */
export type StaffOrderDecided = EventPayload<'order.staffDecided'>;

/**
 * Staff's decision on an order headquarters held for them (referred): recorded once, append-only
 * (order_staff_decisions), and applied as headquarters' own decision would be. An approval
 * fulfils the order on the central ledger now, as an eligible one (staff took the credit risk the
 * engine referred); one that can no longer be fulfilled (its service gone, its date passed) fails
 * with the reason. A decline cancels it. The branch hears it like any decision (order.decided,
 * after the products it changed). Headquarters deciding first wins: staff's answer is then refused
 * with the reason, and the kiosk takes headquarters' state from the feed.
 */
export async function recordStaffOrderDecision(tx: HubQueryable, d: StaffOrderDecided, origin: RequestOrigin): Promise<string | null> {
  const [row] = await tx.query<{ account_id: string; payload: Pick<OrderSubmitted, 'id' | 'action'> }>('SELECT account_id, payload FROM product_orders WHERE id = $1 AND branch_id = $2', [
    d.orderId,
    origin.branchId,
  ]);
  if (!row) return `Staff decided order ${d.orderId}, which headquarters has not received from this branch`;
  const [earlier] = await tx.query<{ state: State }>('SELECT state FROM order_decisions WHERE order_id = $1', [d.orderId]);
  if (earlier && earlier.state !== 'held') return `Headquarters had already decided order ${d.orderId} (${earlier.state})`;
  const why: DecisionReason = { code: 'STAFF_DECISION', text: d.reason, params: { staffId: d.staffId, ...(d.approvedBy ? { approvedBy: d.approvedBy } : {}) } };
  let outcome: Pick<Outcome, 'state' | 'reasons' | 'products'> = { state: 'cancelled', reasons: [why], products: [] };
  if (d.decision === 'approve') {
    const central = await readCentralAccount(tx, row.account_id, origin.receivedAt);
    if (!central) return `Staff decided order ${d.orderId} for an account headquarters does not hold`;
    const order: OrderToDecide = { id: row.payload.id, action: row.payload.action, accountId: row.account_id };
    const judged = judge(central, order, await openOrders(tx, order));
    outcome = 'code' in judged ? { state: 'failed', reasons: [why, judged], products: [] } : fulfil(central, order, judged.after, judged.preview.effectiveDate, [why]);
  }
  const stored = await tx.query(
    `INSERT INTO order_staff_decisions (order_id, account_id, decision, state, product_ids, staff_id, approved_by, reason, decided_at, device_id, received_at)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9, $10, $11) ON CONFLICT (order_id) DO NOTHING RETURNING order_id`,
    [d.orderId, row.account_id, d.decision, outcome.state, JSON.stringify(outcome.products.map((p) => p.id)), d.staffId, d.approvedBy, d.reason, d.decidedAt, origin.deviceId, origin.receivedAt],
  );
  if (stored.length === 0) return `Staff had already decided order ${d.orderId}`;
  await tx.query('UPDATE product_orders SET status = $2 WHERE id = $1', [d.orderId, outcome.state]);
  const decided: ChangeOf<'order.decided'> = { type: 'order.decided', id: d.orderId, accountId: row.account_id, state: outcome.state, reasons: outcome.reasons, decidedAt: d.decidedAt };
  await writeChanges(tx, [...outcome.products, decided]);
  return null;
}

/**
 * The products as the eligible order leaves them. Statuses are fulfilment's, not billing's (the
 * preview's `after` carries the terms billing reads): an added plan is `pendingActive` under a
 * placeholder identifier until provisioning gives it a number or an address; a removal dated
 * today terminates at once, a later one is `pendingTerminate` with its last day booked.
 */
function fulfil(central: CentralAccount, order: OrderToDecide, after: readonly BillableProduct[], effectiveDate: CalendarDate, reasons: DecisionReason[]): Outcome {
  const { action } = order;
  const completed = (products: ProductUpsert[]): Outcome => ({ decision: 'eligible', state: 'completed', reasons, products });
  const upsert = (p: Pick<HubProduct, 'id' | 'kind' | 'identifier' | 'parentId' | 'terms' | 'status'>): ProductUpsert => ({
    type: 'product.upsert',
    id: p.id,
    accountId: central.account.id,
    kind: p.kind,
    identifier: p.identifier,
    parentId: p.parentId,
    status: p.status,
    terms: p.terms,
  });
  const afterOf = (id: string) => after.find((p) => p.id === id);

  switch (action.action) {
    case 'add': {
      const added = afterOf(NEW_PRODUCT_ID) as BillableProduct;
      const standalone = added.parentId === null;
      return completed([
        upsert({
          ...added,
          id: `prod-${order.id}`,
          identifier: standalone ? `pending-${order.id}` : added.identifier,
          status: standalone ? 'pendingActive' : 'active',
        }),
      ]);
    }
    case 'change': {
      const product = central.products.find((p) => p.id === action.productId) as HubProduct;
      return completed([upsert({ ...product, terms: (afterOf(product.id) as BillableProduct).terms })]);
    }
    case 'suspend': {
      if (effectiveDate > central.today) {
        return { decision: 'eligible', state: 'inProgress', reasons: [...reasons, reason('SCHEDULED', `The service will be suspended on ${effectiveDate}.`)], products: [] };
      }
      const product = central.products.find((p) => p.id === action.productId) as HubProduct;
      return completed([upsert({ ...product, status: 'suspended' })]);
    }
    case 'remove': {
      const ending = central.products.filter((p) => (p.id === action.productId || p.parentId === action.productId) && p.status !== 'terminated');
      // A service with no day in service before the date (ordered and removed at once) has no term to end; staff cancel it.
      if (ending.some((p) => !afterOf(p.id))) {
        return { decision: 'invalid', state: 'failed', reasons: [reason('NOT_STARTED', 'This service has not started yet: staff can cancel it.')], products: [] };
      }
      const status = effectiveDate <= central.today ? 'terminated' : 'pendingTerminate';
      return completed(ending.map((p) => upsert({ ...p, status, terms: (afterOf(p.id) as BillableProduct).terms })));
    }
  }
}
