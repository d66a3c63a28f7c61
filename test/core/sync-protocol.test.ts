import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { eventPayloads, isKnownEventType, OutboxEvent, PROTOCOL_VERSION, PullQuery, PullResponse, PushRequest, SCHEMA_VERSION } from '../../shared/sync/protocol.ts';
import { ok, useCores } from '../helpers/signed-in.ts';

const cores = useCores();

describe('sync protocol: the events a kiosk pushes', () => {
  it('every kind of outbox row the kiosk writes parses with its event schema', async () => {
    const { core, db } = await cores.signedIn();
    await ok(core, 'payment.start', { requestId: randomUUID(), amountMinor: 1000, billNo: null, method: 'card', language: 'en' });
    await ok(core, 'credit.request', { requestId: randomUUID(), requestedLimitMinor: 40000 });
    const { offerings } = await ok(core, 'services.catalog', {});
    const tv = offerings.find((o) => o.kind === 'tv' && o.category === 'plan')!;
    await ok(core, 'order.submit', { requestId: randomUUID(), order: { action: 'add', offeringId: tv.id, parentProductId: null } });
    await ok(core, 'help.call', { screen: 'overview' });

    const rows = db.prepare(`SELECT device_seq, event_id, event_type, payload, created_at FROM outbox ORDER BY device_seq`).all() as Array<{
      device_seq: number;
      event_id: string;
      event_type: string;
      payload: string;
      created_at: string;
    }>;
    // The sign-in is on the audit trail too.
    expect(rows.map((r) => r.event_type)).toEqual(['audit.recorded', 'payment.recorded', 'audit.recorded', 'credit.requested', 'order.submitted', 'assist.requested']);
    const events = rows.map((r) => OutboxEvent.parse({ deviceSeq: r.device_seq, eventId: r.event_id, eventType: r.event_type, occurredAt: r.created_at, payload: JSON.parse(r.payload) }));
    for (const event of events) {
      expect(isKnownEventType(event.eventType)).toBe(true);
      if (!isKnownEventType(event.eventType)) continue;
      const parsed = eventPayloads[event.eventType].safeParse(event.payload);
      expect(parsed.error?.issues, event.eventType).toBeUndefined();
    }
    // A push of them, as the worker will send it.
    const push = PushRequest.parse({ protocolVersion: PROTOCOL_VERSION, schemaVersion: SCHEMA_VERSION, events });
    expect(push.events.map((e) => e.deviceSeq)).toEqual(rows.map((r) => r.device_seq));
  });
});

describe('sync protocol: messages', () => {
  const event = (deviceSeq: number) => ({ deviceSeq, eventId: `e-${deviceSeq}`, eventType: 'assist.requested', occurredAt: '2026-11-26T10:00:00.000Z', payload: {} });
  const push = (events: unknown[], protocolVersion: number = PROTOCOL_VERSION) => PushRequest.safeParse({ protocolVersion, schemaVersion: SCHEMA_VERSION, events });

  it('a push is in device order without gaps, not empty, within the batch size, in a protocol this side speaks', () => {
    expect(push([event(4), event(5), event(6)]).success).toBe(true);
    expect(push([event(4), event(6)]).error?.issues[0]?.message).toBe('events must be in device order without gaps');
    expect(push([event(5), event(4)]).success).toBe(false);
    expect(push([]).success).toBe(false);
    expect(push(Array.from({ length: 501 }, (_, i) => event(i + 1))).success).toBe(false);
    expect(push([event(1)], PROTOCOL_VERSION + 1).success).toBe(false);
    expect(push([{ ...event(1), deviceSeq: 0 }]).success).toBe(false);
  });

  it('a pull asks after a cursor, a page at a time, and gets changes in serverSeq order', () => {
    expect(PullQuery.parse({ after: '120' })).toEqual({ after: 120, limit: 1000 });
    expect(PullQuery.safeParse({ after: '-1' }).success).toBe(false);
    expect(PullQuery.safeParse({ after: '1', limit: '5000' }).success).toBe(false);
    const page = (seqs: number[]) => PullResponse.safeParse({ protocolVersion: 1, schemaVersion: 1, changes: seqs.map((serverSeq) => ({ serverSeq, change: {} })), cursor: seqs.at(-1) ?? 0, hasMore: false });
    expect(page([3, 7, 9]).success).toBe(true);
    expect(page([3, 3]).success).toBe(false);
    expect(page([]).success).toBe(true);
  });
});
