import type { Database } from 'better-sqlite3';

/**
 * Each outbox row keeps the schema version of events its payload was written in (shared/sync/
 * protocol.ts), so a kiosk updated with events still waiting pushes those under the version that
 * says their shape. Every row before this migration was written in version 1. The append-only
 * guard (0017) is recreated to cover the new column too.
 */
export function up(db: Database): void {
  db.exec(`
    ALTER TABLE outbox ADD COLUMN schema_version INTEGER NOT NULL DEFAULT 1 CHECK (schema_version >= 1);
    DROP TRIGGER outbox_append_only_update;
  `);
  const kept = (db.prepare(`SELECT name FROM pragma_table_info('outbox')`).pluck().all() as string[])
    .filter((c) => !['acked_at', 'outcome', 'outcome_reason'].includes(c))
    .sort()
    .map((c) => `NEW.${c} IS OLD.${c}`);
  db.exec(`CREATE TRIGGER outbox_append_only_update BEFORE UPDATE ON outbox
    WHEN NOT ((OLD.acked_at IS NULL AND NEW.acked_at IS NOT NULL) AND ${kept.join(' AND ')})
    BEGIN SELECT RAISE(ABORT, 'outbox is append-only: only acknowledged, once'); END;`);
}
