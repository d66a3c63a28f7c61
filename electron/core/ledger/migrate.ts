import type { Database } from 'better-sqlite3';
import { Umzug, type UmzugStorage } from 'umzug';
import { migrations as all, type Migration } from './migrations/index.ts';

const LOG_TABLE = 'schema_migrations';

/** Migration log kept in the ledger itself, so a migration and its log row commit together. */
function sqliteStorage(db: Database): UmzugStorage {
  return {
    async executed() {
      return db.prepare(`SELECT name FROM ${LOG_TABLE} ORDER BY name`).pluck().all() as string[];
    },
    async logMigration({ name }) {
      db.prepare(`INSERT OR IGNORE INTO ${LOG_TABLE} (name, applied_at) VALUES (?, ?)`).run(name, new Date().toISOString());
    },
    async unlogMigration({ name }) {
      db.prepare(`DELETE FROM ${LOG_TABLE} WHERE name = ?`).run(name);
    },
  };
}

/** Brings the ledger schema up to date with umzug; each migration runs in its own transaction. */
export async function migrate(db: Database, migrations: Migration[] = all): Promise<string[]> {
  db.exec(`CREATE TABLE IF NOT EXISTS ${LOG_TABLE} (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`);
  const umzug = new Umzug({
    migrations: migrations.map((m) => ({
      name: m.name,
      up: async () => {
        db.transaction(() => {
          m.up(db);
          db.prepare(`INSERT INTO ${LOG_TABLE} (name, applied_at) VALUES (?, ?)`).run(m.name, new Date().toISOString());
        })();
      },
    })),
    storage: sqliteStorage(db),
    logger: undefined,
  });
  const done = await umzug.up();
  return done.map((m) => m.name);
}
