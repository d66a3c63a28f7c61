import { z } from 'zod';
import { auditActorKinds, type AuditEvent } from '../audit.ts';
import { Change, DecisionReason } from './changes.ts';
import { OrderAction } from '../domain/order-action.ts';
import { OrderPreview } from '../billing/order-preview-schema.ts';
import { Instant } from '../domain/time.ts';

/**
 * The kiosk ⇄ hub sync protocol (docs/architecture.md §4). Push: a kiosk sends its outbox in device order and
 * the hub answers per event, after its commit, with how far it has everything (`ackedThrough`).
 * Pull: the hub numbers every change in a kiosk's scope with `serverSeq`; the kiosk asks for the
 * changes after its cursor, a page at a time. Every message carries both versions; a receiver
 * refuses a protocol it does not speak and parks record types it does not know.
 */
export const PROTOCOL_VERSION = 1;
/**
 * The shape of events and changes inside the messages; raised when a payload changes shape. A push
 * carries the version its events were written in (a kiosk's outbox may still hold events of an
 * older one); the hub converts those (legacy-events.ts). 2: credit.requested's reasons as a list,
 * not JSON text; order.submitted in camelCase.
 */
export const SCHEMA_VERSION = 2;
export const MAX_PUSH_BATCH = 500;
export const MAX_PULL_PAGE = 1000;

const Id = z.string().min(1).max(64);
const Seq = z.number().int().positive().refine(Number.isSafeInteger);
const Cursor = z.number().int().nonnegative().refine(Number.isSafeInteger);
const Versions = {
  protocolVersion: z.literal(PROTOCOL_VERSION),
  schemaVersion: z.number().int().positive(),
};

/** One outbox row as it travels: its place in the device's sequence, its id and type, and the fact or request. */
export const OutboxEvent = z
  .object({
    deviceSeq: Seq,
    eventId: Id,
    eventType: z.string().min(1).max(64),
    occurredAt: Instant,
    payload: z.unknown(),
  })
  .strict();
export type OutboxEvent = z.infer<typeof OutboxEvent>;

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 hash in lowercase hex');

/**
 * The head of the kiosk's audit trail as it keeps it beside the chain: how many events it holds,
 * the last one's seq and hash, and the outbox row that carries that event (0: none yet). The hub
 * compares it with the chain it holds for the device (hub/audit/chain.ts): a chain cut short at
 * either end is seen. Optional, so kiosks from before it still push.
 */
export const AuditHead = z.object({ count: Cursor, seq: Cursor, hash: Sha256, deviceSeq: Cursor }).strict();
export type AuditHead = z.infer<typeof AuditHead>;

export const PushRequest = z
  .object({ ...Versions, events: z.array(OutboxEvent).min(1).max(MAX_PUSH_BATCH), auditHead: AuditHead.optional() })
  .strict()
  .refine((r) => r.events.every((e, i) => i === 0 || e.deviceSeq === (r.events[i - 1] as OutboxEvent).deviceSeq + 1), {
    message: 'events must be in device order without gaps',
    path: ['events'],
  });
export type PushRequest = z.infer<typeof PushRequest>;

/**
 * What the hub did with one event. `duplicate`: it already had this event (same id, same
 * payload). `rejected`: it will never apply it (same id with a different payload, or an invalid
 * fact); the kiosk keeps it for staff. `parked`: a type this hub does not know yet, kept aside.
 */
export const EventResult = z.discriminatedUnion('outcome', [
  z.object({ deviceSeq: Seq, eventId: Id, outcome: z.literal('accepted') }).strict(),
  z.object({ deviceSeq: Seq, eventId: Id, outcome: z.literal('duplicate') }).strict(),
  z.object({ deviceSeq: Seq, eventId: Id, outcome: z.literal('rejected'), reason: z.string().min(1) }).strict(),
  z.object({ deviceSeq: Seq, eventId: Id, outcome: z.literal('parked'), reason: z.string().min(1) }).strict(),
]);
export type EventResult = z.infer<typeof EventResult>;

export const PushResponse = z
  .object({
    ...Versions,
    results: z.array(EventResult),
    /** Every event of this device up to here is committed at the hub; the kiosk may mark them sent. */
    ackedThrough: Cursor,
  })
  .strict();
export type PushResponse = z.infer<typeof PushResponse>;

export const PullQuery = z
  .object({
    after: z.coerce.number().pipe(Cursor),
    limit: z.coerce.number().int().min(1).max(MAX_PULL_PAGE).default(MAX_PULL_PAGE),
  })
  .strict();
export type PullQuery = z.infer<typeof PullQuery>;

/** A change as it travels: parsed with `Change` by the kiosk, which parks a type it does not know. */
export const PulledChange = z.object({ serverSeq: Seq, change: z.unknown() }).strict();
export type PulledChange = z.infer<typeof PulledChange>;

export const PullResponse = z
  .object({
    ...Versions,
    changes: z.array(PulledChange),
    /** The cursor to store with this page (the last serverSeq in it, or `after` when it is empty). */
    cursor: Cursor,
    hasMore: z.boolean(),
  })
  .strict()
  .refine((r) => r.changes.every((c, i) => i === 0 || c.serverSeq > (r.changes[i - 1] as PulledChange).serverSeq), {
    message: 'changes must be in serverSeq order',
    path: ['changes'],
  });
export type PullResponse = z.infer<typeof PullResponse>;

/** The events a kiosk's outbox holds today, each with the shape of its payload. */
const PaymentRecordedEvent = Change.refine((c) => c.type === 'payment.recorded', 'not a payment');
/** A fee staff waived or an adjustment they made: a fact, sent as the change every ledger applies. */
const AdjustmentPostedEvent = Change.refine((c) => c.type === 'adjustment.posted', 'not an adjustment');

/** A credit-limit request and the kiosk's decision on it (electron/core/services/credit.ts); headquarters decides it again. */
const CreditRequestedEvent = z
  .object({
    id: Id,
    accountId: Id,
    previous: z.number().int().nonnegative(),
    requested: z.number().int().positive(),
    decision: z.enum(['approve', 'refer', 'decline']),
    granted: z.number().int().nonnegative(),
    referred: z.number().int().nonnegative(),
    status: z.enum(['decided', 'open', 'closed']),
    score: z.number().int(),
    band: z.string().min(1),
    reasons: z.array(DecisionReason),
    createdAt: Instant,
  })
  .strict();

/** An order placed at the kiosk with the billing engine's preview of it; held when referred to staff. */
const OrderSubmittedEvent = z
  .object({
    id: Id,
    accountId: Id,
    action: OrderAction,
    state: z.enum(['acknowledged', 'held']),
    preview: OrderPreview,
    createdAt: Instant,
  })
  .strict();

const AssistRequestedEvent = z.object({ id: Id, accountId: Id.nullable(), screen: z.string().min(1).max(40), createdAt: Instant }).strict();

/** Staff at the kiosk unlocked a customer and set a new PIN: its keyed verifier (never the PIN; shared/node/pin.ts), for headquarters to keep and send to the branch. */
const CustomerPinResetEvent = z
  .object({ customerId: Id, pinHash: z.string().regex(/^scrypt-hmac\$[0-9a-f]{8}\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/, 'must be a keyed PIN verifier'), resetAt: Instant, staffId: Id })
  .strict();

/** Staff at the kiosk approved or declined a credit request it had referred; above the agent's authority a supervisor confirmed (approvedBy). */
const CreditStaffDecidedEvent = z
  .object({
    requestId: Id,
    decision: z.enum(['approve', 'decline']),
    creditLimitMinor: z.number().int().nonnegative(),
    staffId: Id,
    approvedBy: Id.nullable(),
    reason: z.string().min(1).max(300),
    decidedAt: Instant,
  })
  .strict();

/** Staff at the kiosk approved or declined an order it had held for them; above the agent's authority a supervisor confirmed (approvedBy). */
const OrderStaffDecidedEvent = z
  .object({
    orderId: Id,
    decision: z.enum(['approve', 'decline']),
    staffId: Id,
    approvedBy: Id.nullable(),
    reason: z.string().min(1).max(300),
    decidedAt: Instant,
  })
  .strict();

/**
 * One event of the kiosk's audit trail, exactly as stored there (electron/core/audit/). Nothing is
 * trimmed or normalised, because the hub recomputes its hash from these values; the kiosk's own
 * rules (a reason for approvals, …) are not checked again: it is a record of what happened.
 * occurredAt has the kiosk's exact form (milliseconds, Z), so it survives a TIMESTAMPTZ unchanged.
 */
const AuditRecordedEvent = z
  .object({
    seq: Seq,
    id: Id,
    occurredAt: z.iso.datetime({ precision: 3 }),
    actorKind: z.enum(auditActorKinds),
    actorId: Id,
    approvedBy: Id.nullable(),
    action: z.string().min(1).max(64),
    accountId: Id.nullable(),
    before: z.json().nullable(),
    after: z.json().nullable(),
    reason: z.string().min(1).max(500).nullable(),
    kioskId: Id,
    prevHash: Sha256,
    hash: Sha256,
  })
  .strict();
// The payload and the kiosk's stored event must stay one shape: this stops compiling when one changes alone.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _auditPayloadIsTheEvent: Same<z.infer<typeof AuditRecordedEvent>, AuditEvent> = true;

/**
 * Every event type a kiosk sends: its payload's shape, and whether headquarters decides on it
 * within the push (a credit request or an order, and staff's decisions on them): such a push is
 * SERIALIZABLE and takes the feed's lock before it begins (hub/sync/push.ts).
 */
export const kioskEvents = {
  'payment.recorded': { payload: PaymentRecordedEvent, decided: false },
  'credit.requested': { payload: CreditRequestedEvent, decided: true },
  'order.submitted': { payload: OrderSubmittedEvent, decided: true },
  'assist.requested': { payload: AssistRequestedEvent, decided: false },
  'audit.recorded': { payload: AuditRecordedEvent, decided: false },
  'customer.pinReset': { payload: CustomerPinResetEvent, decided: false },
  'credit.staffDecided': { payload: CreditStaffDecidedEvent, decided: true },
  'adjustment.posted': { payload: AdjustmentPostedEvent, decided: false },
  'order.staffDecided': { payload: OrderStaffDecidedEvent, decided: true },
} as const satisfies Record<string, { payload: z.ZodType; decided: boolean }>;

type KioskEvents = typeof kioskEvents;
export const eventPayloads = Object.fromEntries(Object.entries(kioskEvents).map(([type, e]) => [type, e.payload])) as { [T in keyof KioskEvents]: KioskEvents[T]['payload'] };
/** The event types decided centrally within a push. */
export const DECIDED_EVENT_TYPES: ReadonlySet<string> = new Set(Object.entries(kioskEvents).filter(([, e]) => e.decided).map(([type]) => type));
export type KioskEventType = keyof typeof eventPayloads;

/** What a kiosk appends to its outbox for an event of this type (Outbox.append), and what the hub reads. */
export type EventPayload<T extends KioskEventType> = z.output<KioskEvents[T]['payload']>;

export function isKnownEventType(type: string): type is KioskEventType {
  return Object.hasOwn(kioskEvents, type);
}
