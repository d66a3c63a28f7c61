import { createKeyStore } from '../../electron/core/security/key-store.ts';
import { pino } from 'pino';
import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import type { Change } from '../../shared/sync/changes.ts';
import { enrolWithHub, type HubCredential } from '../../electron/core/sync/enrolment.ts';
import type { HubDb, HubQueryable } from '../../hub/db/hub-db.ts';
import { migrate } from '../../hub/db/migrate.ts';
import { openPgDb } from '../../hub/db/pg.ts';
import { openPgliteDb } from '../../hub/db/pglite.ts';
import { HubChangeWriter } from '../../hub/ledger/change-writer.ts';
import { issueEnrolmentCode } from '../../hub/security/enrolment.ts';
import { buildHub } from '../../hub/server.ts';

/**
 * The hub side of the sync benches. The hub runs on a real PostgreSQL when BENCH_DATABASE_URL (or
 * DATABASE_URL) names one, in a schema of its own that is dropped and created again on every run
 * (e.g. `createdb -h /var/run/postgresql hub_bench` and
 * BENCH_DATABASE_URL=postgresql://root@/hub_bench?host=/var/run/postgresql), else on embedded
 * PGlite in memory. The hub's development and test databases are refused: a bench drops schemas.
 */
export const BENCH_DATABASE_URL = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
const PROTECTED_DATABASES = new Set(['hub_dev', 'hub_test']);

export interface BenchDb {
  db: HubDb;
  /** Which engine and where, for the printout and the JSON. */
  label: string;
  close(): Promise<void>;
}

/** A migrated, empty hub database: `schema` recreated on PostgreSQL, a fresh in-memory PGlite otherwise. */
export async function openBenchDb(schema: string, options: { poolSize?: number } = {}): Promise<BenchDb> {
  const url = BENCH_DATABASE_URL;
  if (!url) {
    const db = await openPgliteDb();
    await migrate(db);
    return { db, label: 'PGlite (embedded PostgreSQL, in memory, one connection)', close: () => db.close() };
  }
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  let version: string;
  let database: string;
  try {
    const { rows } = await admin.query<{ db: string; version: string }>(`SELECT current_database() AS db, current_setting('server_version') AS version`);
    database = rows[0]?.db ?? '?';
    version = rows[0]?.version ?? '?';
    if (PROTECTED_DATABASES.has(database)) throw new Error(`the sync benches drop schemas; point BENCH_DATABASE_URL at a scratch database, not ${database}`);
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.query(`CREATE SCHEMA ${schema}`);
  } finally {
    await admin.end();
  }
  const db = openPgDb({ connectionString: url, schema, ...(options.poolSize ? { max: options.poolSize } : {}) });
  await migrate(db);
  return {
    db,
    label: `PostgreSQL ${version} (database ${database}, schema ${schema}, pool of ${options.poolSize ?? 10})`,
    async close() {
      await db.close();
      const cleanup = new pg.Client({ connectionString: url });
      await cleanup.connect();
      await cleanup.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).finally(() => cleanup.end());
    },
  };
}

export async function insertBranch(db: HubQueryable, branchId: string): Promise<void> {
  await db.query(`INSERT INTO branches (id, name, currency, country_calling_code, time_zone) VALUES ($1, $2, 'EUR', '34', 'Europe/Madrid')`, [branchId, `Bench ${branchId}`]);
}

/** `count` customers of `branchId`, one billing account each: what a kiosk must hold to take their payments. */
export function branchAccounts(branchId: string, count: number): { changes: Change[]; accountIds: string[] } {
  const changes: Change[] = [];
  const accountIds: string[] = [];
  for (let i = 0; i < count; i++) {
    const customerId = `${branchId}-C${i}`;
    const accountId = `${branchId}-A${i}`;
    accountIds.push(accountId);
    changes.push(
      { type: 'customer.upsert', id: customerId, branchId, name: `Customer ${i}`, email: null, phone: null, language: 'es', pinHash: 'unhashed', createdAt: '2025-01-01T09:00:00.000Z' },
      { type: 'account.upsert', id: accountId, accountNo: `${branchId}-${String(i).padStart(6, '0')}`, customerId, currency: 'EUR', billCycleDay: 1 + (i % 28), creditLimitMinor: 50_000, openedOn: '2025-01-01' },
    );
  }
  return { changes, accountIds };
}

/** A branch with its accounts, written through the change writer so the feed holds them too. */
export async function seedBranch(db: HubDb, branchId: string, accounts: number): Promise<string[]> {
  await insertBranch(db, branchId);
  const { changes, accountIds } = branchAccounts(branchId, accounts);
  await new HubChangeWriter(db).write(changes);
  return accountIds;
}

/** The hub's HTTP API on 127.0.0.1 (a free port), as `npm run hub` serves it; BENCH_HUB_LOG=1 prints its request errors (why a sync call got a 500). */
export async function listenHub(db: HubDb): Promise<{ app: FastifyInstance; baseUrl: string }> {
  const app = await buildHub({ db, ...(process.env.BENCH_HUB_LOG ? { logger: pino({ level: 'error' }) } : {}) });
  const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, baseUrl };
}

/** Enrols a kiosk of `branchId` over HTTP, as `npm run kiosk:enrol` does: a one-time code traded for a device credential. */
export async function enrolKiosk(db: HubDb, baseUrl: string, branchId: string, deviceName: string): Promise<HubCredential> {
  const { code } = await issueEnrolmentCode(db, { branchId, now: new Date() });
  return enrolByCode(baseUrl, code, branchId, deviceName);
}

export function enrolByCode(baseUrl: string, code: string, branchId: string, deviceName: string): Promise<HubCredential> {
  // The credential and keys stay in memory: nothing of a bench is kept.
  let keys: string | null = null;
  const inMemory = createKeyStore({ read: () => keys, write: (secret) => void (keys = secret) });
  return enrolWithHub({ hubUrl: baseUrl, code, deviceName, branchId, store: { read: () => null, write: () => undefined }, keys: inMemory, auditKeyedFrom: 1 });
}

/**
 * Multi-row INSERTs (`rows` of values in `columns` order), a few thousand rows per statement
 * under PostgreSQL's 65,535-parameter limit. `casts` gives a column its cast (e.g. `jsonb`).
 */
export async function insertRows(tx: HubQueryable, table: string, columns: readonly string[], rows: readonly (readonly unknown[])[], casts: Record<string, string> = {}): Promise<void> {
  const perStatement = Math.max(1, Math.floor(60_000 / columns.length));
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    const params: unknown[] = [];
    const tuples = chunk.map((row) => {
      const slots = columns.map((column, c) => {
        params.push(row[c]);
        const cast = casts[column];
        return cast ? `$${params.length}::${cast}` : `$${params.length}`;
      });
      return `(${slots.join(', ')})`;
    });
    await tx.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, params);
  }
}

/** A row count, as a number. */
export async function count(db: HubQueryable, sql: string, params: readonly unknown[] = []): Promise<number> {
  const [row] = await db.query<{ n: number }>(sql, params);
  return Number(row?.n ?? 0);
}
