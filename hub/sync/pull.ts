import { PROTOCOL_VERSION, SCHEMA_VERSION, type PullQuery, type PullResponse } from '../../shared/sync/protocol.ts';
import type { HubQueryable } from '../db/hub-db.ts';

/**
 * A page of the feed for a kiosk of `branchId`: the changes after its cursor that are its
 * branch's or every branch's, in server_seq order.
 *
 * The cursor is the last serverSeq on the page, or `after` when the page is empty: it never moves
 * past a row the kiosk has not been given, not even past rows of other branches. Moving it past
 * those could only save the kiosk work it does not do (each branch's rows and the global rows are
 * read through the (branch_id, server_seq) index, so other branches' rows are never scanned), and
 * it keeps the one rule that makes paging safe: a row is skipped only if the kiosk received it.
 * Rows that commit later than this read have a higher server_seq than any row it saw, because
 * every writer appends under the feed's lock (hub/ledger/feed.ts), so `after=<cursor>` finds them.
 */
export async function readFeed(db: HubQueryable, branchId: string, query: PullQuery): Promise<FeedPage> {
  // One statement, one snapshot; limit + 1 rows tell whether there is more.
  const rows = await db.query<{ server_seq: number; json: string }>(
    `SELECT server_seq, change::text AS json FROM (
       (SELECT server_seq, change FROM changes WHERE branch_id = $2 AND server_seq > $1 ORDER BY server_seq LIMIT $3)
       UNION ALL
       (SELECT server_seq, change FROM changes WHERE branch_id IS NULL AND server_seq > $1 ORDER BY server_seq LIMIT $3)
     ) AS scoped ORDER BY server_seq LIMIT $3`,
    [query.after, branchId, query.limit + 1],
  );
  const page = rows.slice(0, query.limit);
  return { changes: page.map((r) => ({ serverSeq: r.server_seq, json: r.json })), cursor: page.at(-1)?.server_seq ?? query.after, hasMore: rows.length > query.limit };
}

/** A page of the feed, each change as the JSON text the database holds. */
export interface FeedPage {
  changes: { serverSeq: number; json: string }[];
  cursor: number;
  hasMore: boolean;
}

/**
 * The page as a PullResponse body. Each change goes out as the database wrote it: a page is a
 * thousand changes, and parsing them only to write them again was most of the hub's work.
 */
export function pullBody(page: FeedPage): string {
  const head: Omit<PullResponse, 'changes'> = { protocolVersion: PROTOCOL_VERSION, schemaVersion: SCHEMA_VERSION, cursor: page.cursor, hasMore: page.hasMore };
  const changes = page.changes.map((c) => `{"serverSeq":${c.serverSeq},"change":${c.json}}`).join(',');
  return `${JSON.stringify(head).slice(0, -1)},"changes":[${changes}]}`;
}
