import { SCHEMA_VERSION, type EventPayload, type KioskEventType } from '../../../shared/sync/protocol.ts';
import type { Database } from './db.ts';

/**
 * What this kiosk has to tell headquarters, numbered by device_seq without gaps. Callers append
 * inside the transaction that records the thing itself, so the two commit together or not at all.
 * Each row keeps the schema version its payload was written in: it is pushed under that version.
 */
export class Outbox {
  readonly #insert;

  constructor(db: Database) {
    this.#insert = db.prepare(`INSERT INTO outbox (event_id, event_type, payload, created_at, schema_version) VALUES (?, ?, ?, ?, ?)`);
  }

  /** An event of the protocol's registry (shared/sync/protocol.ts) with its payload in that type's shape. */
  append<T extends KioskEventType>(eventId: string, eventType: T, payload: EventPayload<T>, at: Date): void {
    this.#insert.run(eventId, eventType, JSON.stringify(payload), at.toISOString(), SCHEMA_VERSION);
  }
}
