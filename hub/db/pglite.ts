import { PGlite, type Transaction } from '@electric-sql/pglite';
import { parseInt8, retryOnConflict, TYPE_OID, type HubDb, type HubQueryable, type Row, type TransactionOptions } from './hub-db.ts';

function queryable(target: PGlite | Transaction): HubQueryable {
  return {
    async query<R extends Row>(sql: string, params: readonly unknown[] = []) {
      return (await target.query<R>(sql, [...params])).rows;
    },
    async exec(script: string) {
      await target.exec(script);
    },
  };
}

/**
 * Embedded PostgreSQL (PGlite, compiled to WebAssembly): the same SQL as the server, in one
 * process, data in `dataDir` (in memory without one). One connection, so transactions run one at a
 * time (a lock key adds nothing); SERIALIZABLE is still asked for so the code path is the server's.
 */
export async function openPgliteDb(dataDir?: string): Promise<HubDb> {
  return pgliteHubDb(await createPglite(dataDir));
}

/** A PGlite instance with the hub's type parsing (tests share one between schemas). */
export function createPglite(dataDir?: string): Promise<PGlite> {
  return PGlite.create(dataDir, { parsers: { [TYPE_OID.INT8]: parseInt8, [TYPE_OID.DATE]: (text: string) => text } });
}

export function pgliteHubDb(db: PGlite): HubDb {
  return {
    engine: 'pglite',
    ...queryable(db),
    transaction<T>(fn: (tx: HubQueryable) => Promise<T>, options: TransactionOptions = {}) {
      return retryOnConflict(() =>
        db.transaction(async (tx) => {
          await tx.query(`SET TRANSACTION ISOLATION LEVEL ${options.isolation === 'read committed' ? 'READ COMMITTED' : 'SERIALIZABLE'}`);
          return fn(queryable(tx));
        }),
      );
    },
    close: () => db.close(),
  };
}
