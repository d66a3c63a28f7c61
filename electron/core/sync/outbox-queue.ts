import { SCHEMA_VERSION, type AuditHead, type OutboxEvent, type PushResponse } from '../../../shared/sync/protocol.ts';
import { recordedHead } from '../audit/audit-head.ts';
import type { Database } from '../ledger/db.ts';

interface OutboxRow {
  device_seq: number;
  event_id: string;
  event_type: string;
  payload: string;
  created_at: string;
  schema_version: number;
}

/** Events to push, all of the one schema version the push says they are written in. */
export interface OutboxBatch {
  events: OutboxEvent[];
  schemaVersion: number;
  auditHead: AuditHead | undefined;
}

const eventOf = (r: OutboxRow): OutboxEvent => ({
  deviceSeq: r.device_seq,
  eventId: r.event_id,
  eventType: r.event_type,
  occurredAt: r.created_at,
  payload: JSON.parse(r.payload) as unknown,
});

/**
 * The push side of the outbox: the rows the hub has not acknowledged, oldest first, and the
 * hub's answers written back. Rows are never deleted; an acknowledged row keeps the hub's outcome
 * (a rejected one is still there for staff).
 */
export class OutboxQueue {
  readonly #next;
  readonly #waiting;
  readonly #settle;
  readonly #batch;

  constructor(db: Database) {
    this.#next = db.prepare(`SELECT device_seq, event_id, event_type, payload, created_at, schema_version FROM outbox WHERE acked_at IS NULL ORDER BY device_seq LIMIT ?`);
    this.#waiting = db.prepare(`SELECT COUNT(*) FROM outbox WHERE acked_at IS NULL`).pluck();
    const mark = db.prepare(`UPDATE outbox SET acked_at = ?, outcome = ?, outcome_reason = ? WHERE device_seq = ? AND event_id = ? AND acked_at IS NULL`);
    const ackRest = db.prepare(`UPDATE outbox SET acked_at = ?, outcome = COALESCE(outcome, 'accepted') WHERE device_seq <= ? AND acked_at IS NULL`);
    this.#settle = db.transaction((response: PushResponse, at: string) => {
      for (const r of response.results) {
        if (r.deviceSeq > response.ackedThrough) continue; // not committed at the hub yet: sent again
        mark.run(at, r.outcome, 'reason' in r ? r.reason : null, r.deviceSeq, r.eventId);
      }
      // Everything up to ackedThrough is at the hub, including answers lost with an earlier reply.
      ackRest.run(at, response.ackedThrough);
    });
    // One read transaction: the head is the one of the trail these events come from, whoever writes meanwhile.
    this.#batch = db.transaction((limit: number): OutboxBatch => {
      const rows = this.#next.all(limit) as OutboxRow[];
      // Rows written before an update keep their older version: they go first, in a push of their own.
      const schemaVersion = rows[0]?.schema_version ?? SCHEMA_VERSION;
      const end = rows.findIndex((r) => r.schema_version !== schemaVersion);
      return { events: (end < 0 ? rows : rows.slice(0, end)).map(eventOf), schemaVersion, auditHead: recordedHead(db) ?? undefined };
    });
  }

  /** How many events still wait for the hub. */
  waiting(): number {
    return this.#waiting.get() as number;
  }

  /** The next events to push, in device order. */
  next(limit: number): OutboxEvent[] {
    return (this.#next.all(limit) as OutboxRow[]).map(eventOf);
  }

  /**
   * The next events to push (those of the oldest waiting one's schema version), with the audit
   * trail's head as kept beside it, for the hub to compare with the chain it holds.
   */
  nextBatch(limit: number): OutboxBatch {
    return this.#batch(limit);
  }

  /** Writes the hub's answer back, in one transaction. */
  settle(response: PushResponse, at: Date): void {
    this.#settle(response, at.toISOString());
  }
}
