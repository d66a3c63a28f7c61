import { PROTOCOL_VERSION, SCHEMA_VERSION, type EventResult, type OutboxEvent, type PullResponse, type PushResponse } from '../../shared/sync/protocol.ts';
import { SyncError, type SyncTransport } from '../../electron/core/sync/transport.ts';

/** A hub in memory that speaks the protocol: it keeps each event once and serves a list of changes. */
export class FakeHub implements SyncTransport {
  readonly events = new Map<string, OutboxEvent>();
  readonly changes: Array<{ serverSeq: number; change: unknown }> = [];
  ackedThrough = 0;
  /** Commit the next push, then lose the reply. */
  loseNextReply = false;
  offline = false;
  refuse = false;
  reject = new Map<string, string>();
  /** Each push's schema version and device sequence numbers, in order. */
  readonly pushes: Array<{ schemaVersion: number; deviceSeqs: number[] }> = [];

  async push(events: readonly OutboxEvent[], schemaVersion: number): Promise<PushResponse> {
    this.#reachable();
    this.pushes.push({ schemaVersion, deviceSeqs: events.map((e) => e.deviceSeq) });
    const results: EventResult[] = events.map((e) => {
      const reason = this.reject.get(e.eventId);
      if (reason) return { deviceSeq: e.deviceSeq, eventId: e.eventId, outcome: 'rejected', reason };
      if (this.events.has(e.eventId)) return { deviceSeq: e.deviceSeq, eventId: e.eventId, outcome: 'duplicate' };
      this.events.set(e.eventId, e);
      return { deviceSeq: e.deviceSeq, eventId: e.eventId, outcome: 'accepted' };
    });
    this.ackedThrough = Math.max(this.ackedThrough, events.at(-1)?.deviceSeq ?? 0);
    if (this.loseNextReply) {
      this.loseNextReply = false;
      throw new SyncError('offline', 'the reply was lost');
    }
    return { protocolVersion: PROTOCOL_VERSION, schemaVersion: SCHEMA_VERSION, results, ackedThrough: this.ackedThrough };
  }

  async pull(after: number, limit: number): Promise<PullResponse> {
    this.#reachable();
    const page = this.changes.filter((c) => c.serverSeq > after).slice(0, limit);
    const last = page.at(-1)?.serverSeq ?? after;
    return { protocolVersion: PROTOCOL_VERSION, schemaVersion: SCHEMA_VERSION, changes: page, cursor: last, hasMore: this.changes.some((c) => c.serverSeq > last) };
  }

  publish(change: unknown): void {
    this.changes.push({ serverSeq: this.changes.length + 1, change });
  }

  #reachable(): void {
    if (this.offline) throw new SyncError('offline', 'no route to the hub');
    if (this.refuse) throw new SyncError('unauthorized', 'the hub refused this kiosk');
  }
}

