import pg from 'pg';
import { parseInt8, retryOnConflict, TYPE_OID, type HubDb, type HubQueryable, type Row, type TransactionOptions } from './hub-db.ts';

export interface PgOptions {
  connectionString: string;
  /** Every connection works in this schema (tests isolate themselves this way); the server's default otherwise. */
  schema?: string;
  /** Pool size per hub process. */
  max?: number;
  onIdleError?: (error: Error) => void;
}

const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === TYPE_OID.INT8) return parseInt8;
    if (oid === TYPE_OID.DATE) return (text: string) => text;
    return pg.types.getTypeParser(oid, format);
  }) as typeof pg.types.getTypeParser,
};

function queryable(client: pg.Pool | pg.PoolClient): HubQueryable {
  return {
    async query<R extends Row>(sql: string, params: readonly unknown[] = []) {
      return (await client.query<R>(sql, [...params])).rows;
    },
    async exec(script: string) {
      await client.query(script);
    },
  };
}

/** PostgreSQL over a `pg` pool: several hub processes can share the database (nothing is kept in process). */
export function openPgDb(options: PgOptions): HubDb {
  if (options.schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(options.schema)) throw new RangeError(`not a plain schema name: ${options.schema}`);
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    types,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  // An idle client can lose its server (restart, failover); pg emits that here and would otherwise crash the process.
  pool.on('error', (error) => options.onIdleError?.(error));
  return {
    engine: 'postgres',
    ...queryable(pool),
    transaction<T>(fn: (tx: HubQueryable) => Promise<T>, options: TransactionOptions = {}) {
      const { lockKey, isolation = 'serializable' } = options;
      return retryOnConflict(async () => {
        const client = await pool.connect();
        let broken = false;
        try {
          if (lockKey !== undefined) await client.query('SELECT pg_advisory_lock($1)', [lockKey]);
          try {
            await client.query(`BEGIN ISOLATION LEVEL ${isolation === 'serializable' ? 'SERIALIZABLE' : 'READ COMMITTED'}`);
            const result = await fn(queryable(client));
            await client.query('COMMIT');
            return result;
          } catch (error) {
            await client.query('ROLLBACK').catch(() => undefined);
            throw error;
          } finally {
            // A session lock outlives the transaction: released here, or with the connection when that fails.
            if (lockKey !== undefined) await client.query('SELECT pg_advisory_unlock($1)', [lockKey]).catch(() => (broken = true));
          }
        } finally {
          client.release(broken);
        }
      });
    },
    close: () => pool.end(),
  };
}
