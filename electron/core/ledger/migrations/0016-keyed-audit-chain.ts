import type { Database } from 'better-sqlite3';

/**
 * The audit chain is keyed (HMAC-SHA256 with the kiosk's audit key, shared/node/audit-hash.ts)
 * from the next event number on: events already recorded keep their plain SHA-256 and still
 * verify as they are. Past the highest number ever used (sqlite_sequence), as a new event is. A
 * new ledger keys from event #1. The kiosk tells the hub this number at enrolment.
 */
export const AUDIT_KEYED_FROM = 'audit.keyedFrom';

export function up(db: Database): void {
  db.prepare(
    `INSERT INTO meta (key, value)
     SELECT ?, MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'audit_events'), 0), COALESCE((SELECT MAX(seq) FROM audit_events), 0)) + 1`,
  ).run(AUDIT_KEYED_FROM);
}
