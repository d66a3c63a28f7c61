import { randomBytes } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { HubDb } from '../../hub/db/hub-db.ts';
import { migrate } from '../../hub/db/migrate.ts';
import { openPgDb } from '../../hub/db/pg.ts';
import { createPglite, pgliteHubDb } from '../../hub/db/pglite.ts';

/** Every hub suite runs on embedded PGlite, and on a real PostgreSQL too when HUB_TEST_DATABASE_URL names one. */
export const engines: HubDb['engine'][] = process.env.HUB_TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

export interface TestDatabase {
  db: HubDb;
  /** Another connection to the same database, as a second hub process would have. */
  another(): HubDb;
}

/**
 * A fresh, empty database per test: a schema of its own (search_path) in one PGlite per file (an
 * instance takes seconds to start) or in the PostgreSQL test database. `own: true` gives PGlite an
 * instance of its own, for tests that close it.
 */
export function freshDatabases(engine: HubDb['engine']): { fresh(options?: { migrated?: boolean; own?: boolean }): Promise<TestDatabase> } {
  let shared: PGlite | undefined;
  let admin: pg.Pool | undefined;
  const cleanup: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    if (engine === 'pglite') shared = await createPglite();
    else admin = new pg.Pool({ connectionString: process.env.HUB_TEST_DATABASE_URL, max: 1 });
  }, 60_000);
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });
  afterAll(async () => {
    await shared?.close();
    await admin?.end();
  });

  async function onPglite(own: boolean): Promise<TestDatabase> {
    if (own) {
      const instance = await createPglite();
      cleanup.push(async () => {
        if (!instance.closed) await instance.close();
      });
      const db = pgliteHubDb(instance);
      return { db, another: () => db };
    }
    const instance = shared as PGlite;
    const schema = `t_${randomBytes(6).toString('hex')}`;
    // One connection: the schema holds for every query until the next test moves it.
    await instance.exec(`CREATE SCHEMA ${schema}; SET search_path TO ${schema}`);
    cleanup.push(async () => {
      await instance.exec(`SET search_path TO public; DROP SCHEMA ${schema} CASCADE`);
    });
    // The instance is the file's; "closing" a test's database leaves it for the next test.
    const db: HubDb = { ...pgliteHubDb(instance), close: async () => undefined };
    return { db, another: () => db };
  }

  async function onPostgres(): Promise<TestDatabase> {
    const schema = `hub_test_${randomBytes(6).toString('hex')}`;
    await (admin as pg.Pool).query(`CREATE SCHEMA ${schema}`);
    const opened: HubDb[] = [];
    const open = () => {
      const db = openPgDb({ connectionString: process.env.HUB_TEST_DATABASE_URL as string, schema, max: 4 });
      opened.push(db);
      return db;
    };
    cleanup.push(async () => {
      for (const db of opened) await db.close().catch(() => undefined);
      await (admin as pg.Pool).query(`DROP SCHEMA ${schema} CASCADE`);
    });
    return { db: open(), another: open };
  }

  return {
    async fresh(options = {}) {
      const database = engine === 'pglite' ? await onPglite(options.own ?? false) : await onPostgres();
      if (options.migrated ?? true) await migrate(database.db);
      return database;
    },
  };
}
