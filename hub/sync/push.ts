import { DECIDED_EVENT_TYPES, PROTOCOL_VERSION, SCHEMA_VERSION, type EventResult, type OutboxEvent, type PushRequest, type PushResponse } from '../../shared/sync/protocol.ts';
import type { MaxAmounts } from '../../shared/money-bounds.ts';
import type { HubDb, HubQueryable } from '../db/hub-db.ts';
import { feedTransaction } from '../ledger/feed.ts';
import type { DeviceIdentity } from '../security/devices.ts';
import { eventHash, storableJson } from './event-hash.ts';
import { handleEvents, type EventContext, type Handled } from './kiosk-events.ts';
import { auditHeldSeq, keepHeadReport } from '../audit/head-reports.ts';

/** The hard error of docs/architecture.md §4: an id or a (device, seq) the hub already holds, with another payload. */
export const CONFLICT_REASON = 'same id/seq, different payload';

type StoredEvent = {
  device_seq: number;
  event_id: string;
  payload_hash: string;
  outcome: 'accepted' | 'rejected' | 'parked';
  reason: string | null;
};

/**
 * Receives one push from a device, in one transaction that the reply waits for (docs/architecture.md §4):
 *
 * - the device's watermark row is locked first, so two pushes of one device (two hub processes,
 *   a retry racing its original) take turns;
 * - a batch starting beyond `acked_through + 1` has a gap before it: nothing is taken, and the
 *   answer (no results, the stored watermark) makes the kiosk send again from there;
 * - an event the hub holds at that (device, seq) with the same id and hash is answered from its
 *   row: `duplicate`, or the same rejection as the first time;
 * - the same seq or id with another payload is refused (`same id/seq, different payload`); the
 *   first one is never overwritten, the refused copy is kept in device_event_conflicts;
 * - a new event is handled by its type (kiosk-events.ts) and stored with its outcome, and the
 *   watermark moves to it: every event up to it is stored, whatever its outcome;
 * - the device's audit head, when it sends one, is kept with what the hub held before
 *   (hub/audit/head-reports.ts), for audit-verify to compare with the chain.
 *
 * The same request again writes nothing and gets the same answers (accepted ones as duplicates).
 */
export async function receivePush(db: HubDb, device: DeviceIdentity, request: PushRequest, receivedAt: Date, maxAmounts: MaxAmounts = {}): Promise<PushResponse> {
  const context: EventContext = { device, schemaVersion: request.schemaVersion, receivedAt, maxAmounts };
  return pushTransaction(db, request.events, async (tx) => {
    let ackedThrough = await lockWatermark(tx, device.id, receivedAt);
    const first = request.events[0] as OutboxEvent;
    if (first.deviceSeq > ackedThrough + 1) return response([], ackedThrough);

    const last = request.events.at(-1) as OutboxEvent;
    const bySeq = new Map(
      (
        await tx.query<StoredEvent>(
          'SELECT device_seq, event_id, payload_hash, outcome, reason FROM device_events WHERE device_id = $1 AND device_seq BETWEEN $2 AND $3',
          [device.id, first.deviceSeq, last.deviceSeq],
        )
      ).map((r) => [r.device_seq, r]),
    );
    const takenIds = new Set(
      (
        await tx.query<{ event_id: string }>('SELECT event_id FROM device_events WHERE event_id IN (SELECT jsonb_array_elements_text($1::jsonb))', [
          JSON.stringify(request.events.map((e) => e.eventId)),
        ])
      ).map((r) => r.event_id),
    );

    // Each event is answered again, refused as a conflict, or new; the new ones are handled together, in order.
    const results: (EventResult | null)[] = [];
    const fresh: { index: number; event: OutboxEvent; hash: string }[] = [];
    for (const event of request.events) {
      const hash = eventHash(event);
      const stored = bySeq.get(event.deviceSeq);
      const known = stored !== undefined || event.deviceSeq <= ackedThrough;
      if (known && stored?.event_id === event.eventId && stored.payload_hash === hash) {
        results.push(answerAgain(event, stored));
      } else if (known || takenIds.has(event.eventId)) {
        // Its seq or its id is taken by another payload; a new seq is used up all the same, or the kiosk could never move past it.
        await keepConflict(tx, device.id, event, hash, receivedAt);
        results.push(result(event, { outcome: 'rejected', reason: CONFLICT_REASON }));
      } else {
        fresh.push({ index: results.length, event, hash });
        takenIds.add(event.eventId);
        results.push(null);
      }
      ackedThrough = Math.max(ackedThrough, event.deviceSeq);
    }
    const heldSeq = request.auditHead ? await auditHeldSeq(tx, device.id) : 0;
    const handled = await handleEvents(tx, fresh.map((f) => f.event), context);
    await storeEvents(tx, device.id, fresh.map((f, i) => ({ ...f, handled: handled[i] as Handled })), context);
    // A request replayed late (nothing new in it) carries an older head than the device has since sent.
    if (request.auditHead && fresh.length > 0) await keepHeadReport(tx, device.id, request.auditHead, heldSeq, receivedAt);
    for (const [i, { index, event }] of fresh.entries()) results[index] = result(event, handled[i] as Handled);
    await tx.query('UPDATE device_watermarks SET acked_through = $2, updated_at = $3 WHERE device_id = $1 AND acked_through < $2', [device.id, ackedThrough, receivedAt]);
    return response(results as EventResult[], ackedThrough);
  });
}

/**
 * How a push's transaction runs. A central decision reads what other pushes write (the branch's
 * offline allowance, balances): SERIALIZABLE, holding the feed's lock from before it begins, so
 * such pushes follow one another. Anything else reads only the device's own rows (locked first)
 * and keys that a concurrent writer would trip over (event ids, idempotency keys): READ
 * COMMITTED, taking the feed's lock only to append (change-writer.ts), so the fleet's payments
 * are written side by side.
 */
function pushTransaction<T>(db: HubDb, events: readonly OutboxEvent[], fn: (tx: HubQueryable) => Promise<T>): Promise<T> {
  if (events.some((e) => DECIDED_EVENT_TYPES.has(e.eventType))) return feedTransaction(db, fn);
  return db.transaction(fn, { isolation: 'read committed' });
}

/** Locks the device's watermark row (creating it at 0 on the first push) and reads it. */
async function lockWatermark(tx: HubQueryable, deviceId: string, now: Date): Promise<number> {
  const select = 'SELECT acked_through FROM device_watermarks WHERE device_id = $1 FOR UPDATE';
  let [row] = await tx.query<{ acked_through: number }>(select, [deviceId]);
  if (!row) {
    await tx.query('INSERT INTO device_watermarks (device_id, acked_through, updated_at) VALUES ($1, 0, $2) ON CONFLICT (device_id) DO NOTHING', [deviceId, now]);
    [row] = await tx.query<{ acked_through: number }>(select, [deviceId]);
  }
  return row?.acked_through ?? 0;
}

function response(results: EventResult[], ackedThrough: number): PushResponse {
  return { protocolVersion: PROTOCOL_VERSION, schemaVersion: SCHEMA_VERSION, results, ackedThrough };
}

function result(event: OutboxEvent, handled: Handled | { outcome: 'rejected'; reason: string }): EventResult {
  const { deviceSeq, eventId } = event;
  return handled.outcome === 'accepted' ? { deviceSeq, eventId, outcome: 'accepted' } : { deviceSeq, eventId, outcome: handled.outcome, reason: handled.reason };
}

/** An event sent again: a rejection stays a rejection (the kiosk keeps it for staff); anything else the hub has is a duplicate. */
function answerAgain(event: OutboxEvent, stored: StoredEvent): EventResult {
  if (stored.outcome === 'rejected') return result(event, { outcome: 'rejected', reason: stored.reason ?? CONFLICT_REASON });
  return { deviceSeq: event.deviceSeq, eventId: event.eventId, outcome: 'duplicate' };
}

/** The new events with their outcomes, in one statement. */
async function storeEvents(tx: HubQueryable, deviceId: string, events: readonly { event: OutboxEvent; hash: string; handled: Handled }[], context: EventContext): Promise<void> {
  if (events.length === 0) return;
  const rows = events.map(({ event, hash, handled }) => ({
    device_seq: event.deviceSeq,
    event_id: event.eventId,
    event_type: event.eventType,
    payload: JSON.parse(storableJson(event.payload)) as unknown,
    payload_hash: hash,
    outcome: handled.outcome,
    reason: handled.outcome === 'accepted' ? null : handled.reason,
    entry_id: handled.outcome === 'accepted' ? handled.entryId : null,
    occurred_at: event.occurredAt,
  }));
  await tx.query(
    `INSERT INTO device_events (device_id, device_seq, event_id, event_type, payload, payload_hash, outcome, reason, entry_id, received_at, occurred_at, schema_version)
     SELECT $1, device_seq, event_id, event_type, payload, payload_hash, outcome, reason, entry_id, $3, occurred_at, $4
       FROM jsonb_to_recordset($2::jsonb) AS x(device_seq bigint, event_id text, event_type text, payload jsonb, payload_hash text, outcome text,
         reason text, entry_id text, occurred_at timestamptz)`,
    [deviceId, JSON.stringify(rows), context.receivedAt, context.schemaVersion],
  );
}

/** The refused copy, once per distinct copy (the same conflicting request again adds nothing). */
async function keepConflict(tx: HubQueryable, deviceId: string, event: OutboxEvent, hash: string, receivedAt: Date): Promise<void> {
  await tx.query(
    `INSERT INTO device_event_conflicts (device_id, device_seq, event_id, event_type, payload, payload_hash, reason, received_at)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8) ON CONFLICT DO NOTHING`,
    [deviceId, event.deviceSeq, event.eventId, event.eventType, storableJson(event.payload), hash, CONFLICT_REASON, receivedAt],
  );
}
