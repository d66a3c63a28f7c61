import { z } from 'zod';
import { OrderAction } from '../domain/order-action.ts';
import { OrderPreview } from '../billing/order-preview-schema.ts';
import { Instant } from '../domain/time.ts';
import { SCHEMA_VERSION, eventPayloads, type EventPayload, type KioskEventType } from './protocol.ts';

/**
 * Events as kiosks wrote them under an older schema version, which their outboxes may still hold
 * when they are updated: each changed event's old shape and its conversion to the current one.
 * The hub reads a push in the version it was sent with (readEventPayload); a kiosk pushes each
 * outbox row under the version it was written in (electron/core/sync/outbox-queue.ts).
 */
const Id = z.string().min(1).max(64);

/** Schema version 1: the reasons were JSON text inside the payload. A frozen copy, not derived from the current shape: it must not move when that does. */
const CreditRequestedV1 = z
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
    reasons: z.string(),
    createdAt: Instant,
  })
  .strict();

/** Schema version 1: the kiosk's database row, in snake_case. */
const OrderSubmittedV1 = z
  .object({
    id: Id,
    account_id: Id,
    action: OrderAction,
    state: z.enum(['acknowledged', 'held']),
    preview: OrderPreview,
    created_at: Instant,
  })
  .strict();

/** JSON text, or undefined (the current shape's check then refuses it). */
function jsonText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

interface Converter {
  old: z.ZodType;
  /** The old payload (parsed) in the current shape, still to be checked against it. */
  convert(old: never): unknown;
}

const fromVersion1 = {
  'credit.requested': {
    old: CreditRequestedV1,
    convert: ({ reasons, ...rest }: z.output<typeof CreditRequestedV1>) => ({ ...rest, reasons: jsonText(reasons) }),
  },
  'order.submitted': {
    old: OrderSubmittedV1,
    convert: ({ account_id, created_at, ...rest }: z.output<typeof OrderSubmittedV1>) => ({ ...rest, accountId: account_id, createdAt: created_at }),
  },
} satisfies { [T in KioskEventType]?: Converter };

/** Per older schema version, the events whose shape changed since. */
const converters: Record<number, Partial<Record<KioskEventType, Converter>>> = { 1: fromVersion1 };

/**
 * An event's payload in the current shape: read in the schema version it was sent with and, when
 * that is an older one and the event changed since, converted. A version newer than this code's
 * is read as the current one (the caller parks what does not fit).
 */
export function readEventPayload<T extends KioskEventType>(type: T, payload: unknown, schemaVersion: number): z.ZodSafeParseResult<EventPayload<T>> {
  const current = eventPayloads[type] as unknown as z.ZodType<EventPayload<T>>;
  const converter = schemaVersion < SCHEMA_VERSION ? converters[schemaVersion]?.[type] : undefined;
  if (!converter) return current.safeParse(payload);
  const old = converter.old.safeParse(payload);
  if (!old.success) return old as z.ZodSafeParseResult<never>;
  return current.safeParse((converter.convert as (old: unknown) => unknown)(old.data));
}
