import type { Database } from 'better-sqlite3';
import { AUDIT_EVENT_TYPE, eventOfRow, type AuditRow } from '../../audit/audit-log.ts';

/**
 * Audit events recorded before each one travelled with its own outbox row are queued for the hub
 * now, oldest first, so headquarters holds the whole chain. A row that cannot be read back as an
 * event (the table's CHECKs make that a hand-edited file) stays here: the hub sees the gap where it
 * was, as `npm run audit:verify` names it.
 */
export function up(db: Database): void {
  const missing = db
    .prepare(`SELECT a.* FROM audit_events a WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.event_id = a.id) ORDER BY a.seq`)
    .all() as AuditRow[];
  const queue = db.prepare(`INSERT INTO outbox (event_id, event_type, payload, created_at) VALUES (?, ?, ?, ?)`);
  for (const row of missing) {
    const read = eventOfRow(row);
    if ('problem' in read) continue;
    queue.run(row.id, AUDIT_EVENT_TYPE, JSON.stringify(read.event), row.occurred_at);
  }
}
