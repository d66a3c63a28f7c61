import { ledgerAccounts, moneyFactMismatch, type ChangeOf } from '../../shared/sync/changes.ts';
import { KioskError } from '../../shared/errors.ts';
import type { MaxAmounts } from '../../shared/money-bounds.ts';
import { factHash } from '../../shared/node/hash.ts';
import { readEventPayload } from '../../shared/sync/legacy-events.ts';
import { SCHEMA_VERSION, eventPayloads, isKnownEventType, type EventPayload, type KioskEventType, type OutboxEvent } from '../../shared/sync/protocol.ts';
import { receiveAuditEvents, type ArrivingAuditEvent } from '../audit/receive.ts';
import { sqlState, type HubQueryable } from '../db/hub-db.ts';
import { recordStaffCreditDecision } from '../decisions/credit.ts';
import { decideCreditInPush, decideOrderInPush } from '../decisions/in-push.ts';
import { recordStaffOrderDecision } from '../decisions/orders.ts';
import { writeChanges } from '../ledger/change-writer.ts';
import type { DeviceIdentity } from '../security/devices.ts';
import { adjustmentRefusal } from './adjustments.ts';
import { holdsUnstorableText } from './event-hash.ts';

/** What the hub did with a new event: the outcome stored on its device_events row. */
export type Handled =
  | { outcome: 'accepted'; entryId: string | null }
  | { outcome: 'rejected' | 'parked'; reason: string };

export interface EventContext {
  device: DeviceIdentity;
  /** The schema version the push was sent with. */
  schemaVersion: number;
  receivedAt: Date;
  /** The hub's per-currency maxima of one amount (HUB_MAX_AMOUNTS). */
  maxAmounts: MaxAmounts;
}

const accepted = (entryId: string | null = null): Handled => ({ outcome: 'accepted', entryId });
const rejected = (reason: string): Handled => ({ outcome: 'rejected', reason });

type Handler<T extends KioskEventType> = (tx: HubQueryable, payload: EventPayload<T>, event: OutboxEvent, context: EventContext) => Promise<Handled>;

/**
 * Does what each new event of this device asks, in device order, inside the push's transaction: a
 * payment is applied to the ledger (or held in suspense), and so is a fee waiver or adjustment; a credit request or an order is stored
 * and decided centrally (hub/decisions), an assistance request is stored for staff, an audit event
 * is added to the device's chain (hub/audit). A type this hub does not know is parked; a payload
 * that does not fit its type is rejected, or parked when the kiosk speaks a newer schema (a later
 * hub may read it).
 *
 * Consecutive payments (a week offline is thousands of them) are written together: one account
 * lookup and one change-writer call for the run, not a dozen statements each. Anything else is
 * handled alone and after the payments before it, so a decision sees the balance they made;
 * except audit events, which touch nothing but their own table: they are stored together at the
 * end, so the audit event that follows each payment does not split the run.
 */
export async function handleEvents(tx: HubQueryable, events: readonly OutboxEvent[], context: EventContext): Promise<Handled[]> {
  const handled: Handled[] = [];
  const audits: (ArrivingAuditEvent & { index: number })[] = [];
  let payments: { index: number; payment: ChangeOf<'payment.recorded'>; event: OutboxEvent }[] = [];
  const flush = async () => {
    const outcomes = await receivePayments(tx, payments, context);
    payments.forEach(({ index }, i) => (handled[index] = outcomes[i] as Handled));
    payments = [];
  };
  for (const [index, event] of events.entries()) {
    const read = readEvent(event, context);
    if ('outcome' in read) {
      handled[index] = read;
    } else if (read.type === 'payment.recorded') {
      payments.push({ index, payment: read.payload as ChangeOf<'payment.recorded'>, event });
    } else if (read.type === 'audit.recorded') {
      audits.push({ index, event: read.payload, deviceSeq: event.deviceSeq });
    } else {
      await flush();
      handled[index] = await (handlers[read.type] as Handler<typeof read.type>)(tx, read.payload, event, context);
    }
  }
  await flush();
  const stored = await receiveAuditEvents(tx, audits, context.device, context.receivedAt);
  audits.forEach(({ index }, i) => {
    const outcome = stored[i] as (typeof stored)[number];
    handled[index] = outcome.outcome === 'accepted' ? accepted() : rejected(outcome.reason);
  });
  return handled;
}

type Read = { [T in KioskEventType]: { type: T; payload: EventPayload<T> } }[KioskEventType];

/** The event's payload checked against its type, or why it cannot be handled. */
function readEvent(event: OutboxEvent, context: EventContext): Read | Handled {
  const type = event.eventType;
  if (holdsUnstorableText(event.payload)) return rejected(`The ${type} payload contains U+0000 or unpaired surrogate characters, which the hub cannot store`);
  if (!isKnownEventType(type)) {
    return { outcome: 'parked', reason: `Unknown event type "${type}"; this hub knows ${Object.keys(eventPayloads).join(', ')}.` };
  }
  // An event of an older schema version is read in its own shape and converted (shared/sync/legacy-events.ts).
  const parsed = readEventPayload(type, event.payload, context.schemaVersion);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ');
    if (context.schemaVersion > SCHEMA_VERSION) {
      return { outcome: 'parked', reason: `A ${type} payload of schema version ${context.schemaVersion}, which this hub (version ${SCHEMA_VERSION}) cannot read: ${problems}` };
    }
    return rejected(`Invalid ${type} payload: ${problems}`);
  }
  return { type, payload: parsed.data } as Read;
}

/** Every type but payments, which are received in runs (receivePayments), and audit events (receiveAuditEvents). */
const handlers: { [T in Exclude<KioskEventType, 'payment.recorded' | 'audit.recorded'>]: Handler<T> } = {
  'credit.requested': async (tx, p, event, context) => {
    const stored = await storeRequest(tx, 'credit_requests', 'credit request', event, context, p, { account_id: p.accountId, requested_minor: p.requested, kiosk_decision: p.decision });
    if (stored.outcome === 'accepted') await decideCreditInPush(tx, p, originOf(context));
    return stored;
  },
  'order.submitted': async (tx, p, event, context) => {
    const stored = await storeRequest(tx, 'product_orders', 'order', event, context, p, { account_id: p.accountId, kiosk_state: p.state });
    if (stored.outcome === 'accepted') await decideOrderInPush(tx, p, originOf(context));
    return stored;
  },
  'assist.requested': (tx, p, event, context) =>
    storeRequest(tx, 'assist_requests', 'assistance request', event, context, p, { account_id: p.accountId, screen: p.screen }),
  'customer.pinReset': (tx, p, _event, context) => resetPin(tx, p, context),
  'credit.staffDecided': async (tx, p, _event, context) => {
    const refusal = await recordStaffCreditDecision(tx, p, originOf(context));
    return refusal === null ? accepted() : rejected(refusal);
  },
  'order.staffDecided': async (tx, p, _event, context) => {
    const refusal = await recordStaffOrderDecision(tx, p, originOf(context));
    return refusal === null ? accepted() : rejected(refusal);
  },
  // A fact, like a payment: written through the change writer, so the branch's other kiosks pull it.
  'adjustment.posted': async (tx, p, _event, context) => {
    const fact = p as ChangeOf<'adjustment.posted'>;
    const refusal = await adjustmentRefusal(tx, fact, context.device.branchId, context.maxAmounts);
    if (refusal !== null) return rejected(refusal);
    return withSavepoint(tx, async () => {
      await writeChanges(tx, [fact]);
      return accepted(fact.entry.id);
    });
  },
};

/**
 * A PIN staff set at a kiosk of the customer's branch: the customer's record takes the new hash
 * and goes out on the branch's feed (as any change to it), so every kiosk there signs them in
 * with the new PIN, and none sends the old one back.
 */
async function resetPin(tx: HubQueryable, reset: EventPayload<'customer.pinReset'>, context: EventContext): Promise<Handled> {
  const [row] = await tx.query<{ id: string; branch_id: string; name: string; email: string | null; phone: string | null; language: string; created_at: Date }>(
    'SELECT id, branch_id, name, email, phone, language, created_at FROM customers WHERE id = $1',
    [reset.customerId],
  );
  if (!row) return rejected(`PIN reset for customer ${reset.customerId}, whom headquarters does not know`);
  if (row.branch_id !== context.device.branchId) return rejected(`PIN reset for customer ${reset.customerId}, who is not of this kiosk's branch`);
  const customer: ChangeOf<'customer.upsert'> = {
    type: 'customer.upsert',
    id: row.id,
    branchId: row.branch_id,
    name: row.name,
    email: row.email,
    phone: row.phone,
    language: row.language as ChangeOf<'customer.upsert'>['language'],
    pinHash: reset.pinHash,
    createdAt: row.created_at.toISOString(),
  };
  await writeChanges(tx, [customer]);
  return accepted();
}

const originOf = (context: EventContext) => ({ branchId: context.device.branchId, deviceId: context.device.id, receivedAt: context.receivedAt });

/**
 * Payments a kiosk took, in device order. Each is applied through the change writer (journal
 * entry, postings, payment row, and the branch's feed) when its account is in the kiosk's branch;
 * held in suspense when the hub does not know the account; refused for another branch's account
 * or when its postings touch anything but the account's receivable and the cash it came in as.
 * Those to apply are written in one go; when the database refuses that (a key taken by another
 * fact), they are written again one by one, so only the offending payment is refused.
 */
async function receivePayments(
  tx: HubQueryable,
  payments: readonly { payment: ChangeOf<'payment.recorded'>; event: OutboxEvent }[],
  context: EventContext,
): Promise<Handled[]> {
  if (payments.length === 0) return [];
  const accounts = new Map(
    (
      await tx.query<{ id: string; currency: string; branch_id: string }>(
        `SELECT a.id, a.currency, c.branch_id FROM billing_accounts a JOIN customers c ON c.id = a.customer_id
          WHERE a.id IN (SELECT jsonb_array_elements_text($1::jsonb))`,
        [JSON.stringify([...new Set(payments.map((p) => p.payment.accountId))])],
      )
    ).map((r) => [r.id, r]),
  );
  const handled: Handled[] = [];
  const toApply: { index: number; payment: ChangeOf<'payment.recorded'> }[] = [];
  for (const [index, { payment, event }] of payments.entries()) {
    const refusal = paymentRefusal(payment, accounts.get(payment.accountId), context);
    if (refusal !== null) handled[index] = rejected(refusal);
    else if (!accounts.has(payment.accountId)) handled[index] = await holdInSuspense(tx, payment, event, context);
    else toApply.push({ index, payment });
  }
  if (toApply.length === 0) return handled;
  const together = await withSavepoint(tx, async () => {
    await writeChanges(tx, toApply.map((p) => p.payment));
    return accepted();
  });
  for (const { index, payment } of toApply) {
    handled[index] =
      together.outcome === 'accepted'
        ? accepted(payment.entry.id)
        : await withSavepoint(tx, async () => {
            await writeChanges(tx, [payment]);
            return accepted(payment.entry.id);
          });
  }
  return handled;
}

/** Why a payment cannot be taken as sent (null: it can; an unknown account goes to suspense). */
function paymentRefusal(payment: ChangeOf<'payment.recorded'>, account: { currency: string; branch_id: string } | undefined, context: EventContext): string | null {
  const mismatch = moneyFactMismatch(payment, context.maxAmounts);
  if (mismatch) return mismatch;
  const receivable = ledgerAccounts.receivable(payment.accountId);
  if (!payment.entry.postings.every((p) => p.ledgerAccount === receivable || p.ledgerAccount.startsWith(ledgerAccounts.cash('')))) {
    return `Payment ${payment.id}: its journal entry posts to accounts other than ${receivable} and cash`;
  }
  if (payment.entry.entryType !== 'payment' || payment.entry.currency !== payment.currency) {
    return `Payment ${payment.id}: its journal entry is not a payment in ${payment.currency}`;
  }
  if (!account) return null;
  if (account.branch_id !== context.device.branchId) return `Payment ${payment.id}: account ${payment.accountId} is not in this kiosk's branch`;
  if (account.currency !== payment.currency) return `Payment ${payment.id}: account ${payment.accountId} is kept in ${account.currency}, not ${payment.currency}`;
  return null;
}

/**
 * Runs `step` so that a refusal by the database (a key already taken by another fact) undoes only
 * that step and becomes the event's rejection, not the whole push's failure. Anything else
 * (a serialisation conflict, a lost connection) aborts the transaction as usual.
 */
async function withSavepoint(tx: HubQueryable, step: () => Promise<Handled>): Promise<Handled> {
  await tx.query('SAVEPOINT kiosk_event');
  try {
    const handled = await step();
    await tx.query('RELEASE SAVEPOINT kiosk_event');
    return handled;
  } catch (error) {
    const conflict = error instanceof KioskError && error.code === 'CONFLICT';
    if (!conflict && !sqlState(error)?.startsWith('23')) throw error;
    await tx.query('ROLLBACK TO SAVEPOINT kiosk_event');
    return rejected(error instanceof Error ? error.message : String(error));
  }
}

/**
 * The money was taken but the hub has no account to post it to: the fact is held, unposted, in
 * `suspense_payments` until someone applies it to an account or refunds it. The kiosk is told
 * `accepted` (the hub has it, safely). The same payment again (under another event) is held once.
 */
async function holdInSuspense(tx: HubQueryable, payment: ChangeOf<'payment.recorded'>, event: OutboxEvent, context: EventContext): Promise<Handled> {
  const hash = factHash(payment);
  const held = await tx.query(
    `INSERT INTO suspense_payments (payment_id, idempotency_key, payload_hash, account_id, amount_minor, currency, branch_id, device_id, device_seq, fact, received_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11) ON CONFLICT DO NOTHING RETURNING payment_id`,
    [payment.id, payment.entry.idempotencyKey, hash, payment.accountId, payment.amountMinor, payment.currency, context.device.branchId, context.device.id, event.deviceSeq, JSON.stringify(payment), context.receivedAt],
  );
  if (held.length > 0) return accepted();
  const [existing] = await tx.query<{ payload_hash: string }>('SELECT payload_hash FROM suspense_payments WHERE payment_id = $1 OR idempotency_key = $2', [
    payment.id,
    payment.entry.idempotencyKey,
  ]);
  return existing?.payload_hash === hash ? accepted() : rejected(`Payment ${payment.id}: a different payment is already held in suspense under its id`);
}

type RequestTable = 'credit_requests' | 'product_orders' | 'assist_requests';

/** A request for headquarters to decide later, stored once by its id (another event with the same id is refused). */
async function storeRequest(
  tx: HubQueryable,
  table: RequestTable,
  label: string,
  event: OutboxEvent,
  context: EventContext,
  payload: { id: string },
  columns: Record<string, unknown>,
): Promise<Handled> {
  const values: Record<string, unknown> = {
    id: payload.id,
    branch_id: context.device.branchId,
    device_id: context.device.id,
    device_seq: event.deviceSeq,
    payload: JSON.stringify(payload),
    received_at: context.receivedAt,
    ...columns,
  };
  const names = Object.keys(values);
  const placeholders = names.map((name, i) => (name === 'payload' ? `$${i + 1}::jsonb` : `$${i + 1}`));
  const stored = await tx.query(`INSERT INTO ${table} (${names.join(', ')}) VALUES (${placeholders.join(', ')}) ON CONFLICT (id) DO NOTHING RETURNING id`, Object.values(values));
  return stored.length > 0 ? accepted() : rejected(`A ${label} with id ${payload.id} was already received from another event`);
}
