import { Umzug, type UmzugStorage } from 'umzug';
import type { HubDb } from './hub-db.ts';
import { migrations as all, type HubMigration } from './migrations/index.ts';

const LOG_TABLE = 'hub_migrations';
/** pg_advisory_xact_lock key: hub processes starting together migrate one at a time. */
const MIGRATION_LOCK = 0x0b111_0001;

/** The migration log, in the hub's database (in the schema being migrated). */
function hubStorage(db: HubDb): UmzugStorage {
  return {
    async executed() {
      return (await db.query<{ name: string }>(`SELECT name FROM ${LOG_TABLE} ORDER BY name`)).map((r) => r.name);
    },
    async logMigration({ name }) {
      // Already logged by the migration's own transaction; kept for umzug's contract.
      await db.query(`INSERT INTO ${LOG_TABLE} (name) VALUES ($1) ON CONFLICT (name) DO NOTHING`, [name]);
    },
    async unlogMigration({ name }) {
      await db.query(`DELETE FROM ${LOG_TABLE} WHERE name = $1`, [name]);
    },
  };
}

/**
 * Brings the schema up to date with umzug. Each migration and its log row commit in one
 * transaction under an advisory lock, and the log is read again in that transaction, so several
 * hub processes starting at once on one database apply each migration exactly once.
 */
export async function migrate(db: HubDb, migrations: HubMigration[] = all): Promise<string[]> {
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.exec(`CREATE TABLE IF NOT EXISTS ${LOG_TABLE} (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
  });
  const applied: string[] = [];
  const umzug = new Umzug({
    migrations: migrations.map((m) => ({
      name: m.name,
      up: () =>
        db.transaction(async (tx) => {
          await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
          if ((await tx.query(`SELECT 1 FROM ${LOG_TABLE} WHERE name = $1`, [m.name])).length > 0) return;
          // Logged before it runs: this transaction's snapshot predates the lock wait, so it may not
          // see another process's log row; inserting that key then fails as a serialisation
          // failure, and the retry (with a fresh snapshot) finds the migration done.
          await tx.query(`INSERT INTO ${LOG_TABLE} (name) VALUES ($1)`, [m.name]);
          await m.up(tx);
          applied.push(m.name);
        }),
    })),
    storage: hubStorage(db),
    logger: undefined,
  });
  await umzug.up();
  return applied;
}
