import type { Database } from './db.ts';

/**
 * What this kiosk has to tell headquarters, numbered by device_seq without gaps. Callers append
 * inside the transaction that records the thing itself, so the two commit together or not at all.
 */
export class Outbox {
  readonly #insert;

  constructor(db: Database) {
    this.#insert = db.prepare(`INSERT INTO outbox (event_id, event_type, payload, created_at) VALUES (?, ?, ?, ?)`);
  }

  append(eventId: string, eventType: string, payload: unknown, at: Date): void {
    this.#insert.run(eventId, eventType, JSON.stringify(payload), at.toISOString());
  }
}
