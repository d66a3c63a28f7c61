/**
 * The hub's one way to the database, whichever engine is behind it: PostgreSQL through a `pg`
 * pool (DATABASE_URL) or embedded PGlite (a data folder, or memory in tests).
 *
 * Rows come back as plain objects with the same JavaScript types from both engines: BIGINT as a
 * number (refused when it is not a safe integer, so money never loses a cent), DATE as its
 * 'YYYY-MM-DD' text, TIMESTAMPTZ as a Date, JSON/JSONB parsed. JSON parameters go in as text
 * (`$1::jsonb`), because `pg` would turn a JavaScript array into a PostgreSQL array.
 */
export type Row = Record<string, unknown>;

export interface HubQueryable {
  query<R extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  /** A script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
}

export interface HubDb extends HubQueryable {
  readonly engine: 'postgres' | 'pglite';
  /**
   * Runs `fn` in one SERIALIZABLE transaction (unless `options` says otherwise) and commits, or rolls back and rethrows. Money is
   * written read-then-insert (is this idempotency key known? is this code still unused?), and
   * SERIALIZABLE makes such reads safe against concurrent hub processes without a lock per
   * pattern; PostgreSQL then aborts one of two conflicting transactions with a serialisation
   * failure, and the transaction is run again from the start. So `fn` must do nothing but
   * database work through `tx` (no side effects that a retry would repeat).
   */
  transaction<T>(fn: (tx: HubQueryable) => Promise<T>, options?: TransactionOptions): Promise<T>;
  close(): Promise<void>;
}

export interface TransactionOptions {
  /**
   * SERIALIZABLE by default. READ COMMITTED is for a transaction whose every read is either of
   * rows it has locked or guarded by a unique key that a concurrent writer would trip over (a
   * kiosk's push of payments): it then never fails for others having committed meanwhile.
   */
  isolation?: 'serializable' | 'read committed';
  /**
   * An advisory lock key held from before BEGIN until after COMMIT, so transactions that name it
   * run one at a time and each one's snapshot sees the one before it. (Taken inside the
   * transaction, the lock would be waited for after the snapshot was made, and SERIALIZABLE
   * would count a conflict with every transaction committed meanwhile.)
   */
  lockKey?: number;
}

const SERIALIZATION_FAILURE = '40001';
const DEADLOCK_DETECTED = '40P01';
const MAX_ATTEMPTS = 8;

/** The SQLSTATE of a database error from either engine. */
export function sqlState(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') return error.code;
  return undefined;
}

/** Runs `attempt` again (after a short, growing, jittered pause) while PostgreSQL reports a serialisation conflict. */
export async function retryOnConflict<T>(attempt: () => Promise<T>): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      const state = sqlState(error);
      if (n >= MAX_ATTEMPTS || (state !== SERIALIZATION_FAILURE && state !== DEADLOCK_DETECTED)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * 2 ** n));
    }
  }
}

/** BIGINT columns (counts, sequence numbers, minor units) as numbers, refusing any that a number cannot hold exactly. */
export function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`BIGINT ${text} is beyond what the hub handles exactly`);
  return value;
}

/** PostgreSQL type ids whose parsing the hub sets the same on both engines. */
export const TYPE_OID = { INT8: 20, DATE: 1082 } as const;
