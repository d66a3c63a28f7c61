import type { Database } from 'better-sqlite3';

/**
 * Audit events recorded before each one travelled with its own outbox row are queued for the hub
 * now, oldest first, so headquarters holds the whole chain. The payload is the `audit.recorded`
 * event of that time, built here in SQL with its keys in the event's order, so this migration
 * stays as it ran whatever the application's code becomes. A row whose snapshot is not JSON (the
 * table's CHECKs make that a hand-edited file) stays here: the hub sees the gap where it was, as
 * `npm run audit:verify` names it.
 */
export function up(db: Database): void {
  db.exec(`
    INSERT INTO outbox (event_id, event_type, payload, created_at)
    SELECT a.id, 'audit.recorded',
           json_object(
             'seq', a.seq, 'id', a.id, 'occurredAt', a.occurred_at, 'actorKind', a.actor_kind, 'actorId', a.actor_id,
             'approvedBy', a.approved_by, 'action', a.action, 'accountId', a.account_id,
             'before', json(a.before_json), 'after', json(a.after_json), 'reason', a.reason,
             'kioskId', a.kiosk_id, 'prevHash', a.prev_hash, 'hash', a.hash),
           a.occurred_at
      FROM audit_events a
     WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.event_id = a.id)
       AND (a.before_json IS NULL OR json_valid(a.before_json))
       AND (a.after_json IS NULL OR json_valid(a.after_json))
     ORDER BY a.seq`);
}
