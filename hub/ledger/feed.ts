import type { Change } from '../../shared/sync/changes.ts';
import type { HubDb, HubQueryable } from '../db/hub-db.ts';

/** Whose a change is: every branch's (the catalog), one branch's, or the branch of the customer, account or product it belongs to. */
export type Scope = { of: 'everyBranch' } | { of: 'branch' | 'customer' | 'account' | 'product'; id: string };
type Owner = 'customer' | 'account' | 'product';

/** Advisory lock key for appending to the feed. */
const FEED_LOCK = 0x0b111_0002;

/**
 * Every transaction that appends to `changes` holds this lock until COMMIT. A BIGSERIAL is handed
 * out at INSERT, not at COMMIT, so two concurrent writers could commit server_seq 8 after a kiosk
 * has already pulled 9 and moved its cursor past 8; with one writer at a time, rows become visible
 * in server_seq order and `after=<cursor>` never skips one.
 */
export async function lockFeed(tx: HubQueryable): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [FEED_LOCK]);
}

/**
 * A SERIALIZABLE transaction that will append to the feed, holding its lock from before it
 * starts: such writers then follow one another, each seeing the last one's rows, instead of
 * SERIALIZABLE failing them for having waited (pushes with requests decided centrally).
 */
export function feedTransaction<T>(db: HubDb, fn: (tx: HubQueryable) => Promise<T>): Promise<T> {
  // Queued in this process first, so only one of its connections waits on the database's lock and the rest stay free for pulls.
  const queued = (feedQueues.get(db) ?? Promise.resolve()).then(() => db.transaction(fn, { lockKey: FEED_LOCK }));
  feedQueues.set(
    db,
    queued.then(
      () => undefined,
      () => undefined,
    ),
  );
  return queued;
}

const feedQueues = new WeakMap<HubDb, Promise<void>>();

const BRANCH_OF: Record<Owner, string> = {
  customer: 'SELECT id, branch_id FROM customers WHERE id IN (SELECT jsonb_array_elements_text($1::jsonb))',
  account: `SELECT a.id, c.branch_id FROM billing_accounts a JOIN customers c ON c.id = a.customer_id
    WHERE a.id IN (SELECT jsonb_array_elements_text($1::jsonb))`,
  product: `SELECT p.id, c.branch_id FROM products p JOIN billing_accounts a ON a.id = p.account_id JOIN customers c ON c.id = a.customer_id
    WHERE p.id IN (SELECT jsonb_array_elements_text($1::jsonb))`,
};

/** Appends changes to the feed in the order given, each with its branch (NULL: every branch). Call after the rows are written. */
export async function appendToFeed(tx: HubQueryable, items: readonly { change: Change; scope: Scope }[]): Promise<void> {
  if (items.length === 0) return;
  const branches = new Map<string, string>();
  for (const owner of ['customer', 'account', 'product'] as const) {
    const ids = [...new Set(items.flatMap(({ scope }) => (scope.of === owner ? [scope.id] : [])))];
    if (ids.length === 0) continue;
    for (const row of await tx.query<{ id: string; branch_id: string }>(BRANCH_OF[owner], [JSON.stringify(ids)])) branches.set(`${owner}:${row.id}`, row.branch_id);
  }
  const rows = items.map(({ change, scope }, ord) => ({ ord, branch_id: branchOf(scope, branches), change }));
  // nextval() is volatile, so PostgreSQL evaluates it after the ORDER BY: server_seq follows `ord`.
  await tx.query(
    `INSERT INTO changes (branch_id, change)
     SELECT branch_id, change FROM jsonb_to_recordset($1::jsonb) AS x(ord int, branch_id text, change jsonb) ORDER BY ord`,
    [JSON.stringify(rows)],
  );
}

function branchOf(scope: Scope, branches: ReadonlyMap<string, string>): string | null {
  if (scope.of === 'everyBranch') return null;
  if (scope.of === 'branch') return scope.id;
  const branch = branches.get(`${scope.of}:${scope.id}`);
  if (branch === undefined) throw new Error(`no branch for ${scope.of} ${scope.id}: its row was not written`);
  return branch;
}
