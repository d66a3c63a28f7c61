import { Change } from '../../../shared/sync/changes.ts';
import type { PullResponse } from '../../../shared/sync/protocol.ts';
import type { ApplyResult, ChangeApplier } from '../ledger/apply-changes.ts';
import type { Database } from '../ledger/db.ts';

const CURSOR = 'pull.cursor';

export interface PageResult {
  applied: number;
  duplicates: number;
  parked: number;
}

/**
 * The pull side: a page of the hub's changes and its cursor commit in one transaction, so a
 * crash replays the page from the old cursor and the applier's idempotency makes that harmless.
 * A change this kiosk cannot apply (a type it does not know yet, or a fact it refuses) is parked
 * with its reason, never dropped, and the rest of the page goes on.
 */
/** How many pulled changes wait aside: the badge shows it whether or not a sync is running. */
export function parkedCounter(db: Database): () => number {
  const count = db.prepare(`SELECT COUNT(*) FROM parked_changes`).pluck();
  return () => count.get() as number;
}

export class PullApplier {
  readonly #cursor;
  readonly #parkedCount;
  readonly #page;

  constructor(db: Database, applier: ChangeApplier) {
    this.#cursor = db.prepare(`SELECT value FROM sync_state WHERE key = '${CURSOR}'`).pluck();
    this.#parkedCount = parkedCounter(db);
    const setCursor = db.prepare(`INSERT INTO sync_state (key, value) VALUES ('${CURSOR}', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`);
    const park = db.prepare(`INSERT OR IGNORE INTO parked_changes (server_seq, change, reason, parked_at) VALUES (?, ?, ?, ?)`);
    this.#page = db.transaction((page: PullResponse, at: string): PageResult => {
      const result: PageResult = { applied: 0, duplicates: 0, parked: 0 };
      const parkOne = (serverSeq: number, change: unknown, reason: string) => {
        park.run(serverSeq, JSON.stringify(change), reason, at);
        result.parked++;
      };
      const readable: { serverSeq: number; change: Change }[] = [];
      for (const { serverSeq, change } of page.changes) {
        const parsed = Change.safeParse(change);
        if (parsed.success) readable.push({ serverSeq, change: parsed.data });
        else parkOne(serverSeq, change, unreadable(change, parsed.error.issues[0]?.message));
      }
      // The page at once; when the applier refuses one of its changes, that whole try is undone
      // and the changes are applied one by one, so only the refused one is parked.
      const together = tryApply(readable.map((r) => r.change));
      const outcomes = 'reason' in together ? readable.map(({ change }) => tryApply([change])) : [together];
      outcomes.forEach((outcome, i) => {
        if ('reason' in outcome) {
          const { serverSeq, change } = readable[i] as (typeof readable)[number];
          parkOne(serverSeq, change, outcome.reason);
        } else {
          result.applied += outcome.applied;
          result.duplicates += outcome.duplicates;
        }
      });
      setCursor.run(String(page.cursor));
      return result;
    });
    const tryApply = (changes: readonly Change[]): ApplyResult | { reason: string } => {
      try {
        return applier.applyParsed(changes);
      } catch (err) {
        return { reason: err instanceof Error ? err.message : String(err) };
      }
    };
  }

  /** The last serverSeq applied (0 before the first pull). */
  cursor(): number {
    const value = this.#cursor.get() as string | undefined;
    return value === undefined ? 0 : Number(value);
  }

  parked(): number {
    return this.#parkedCount();
  }

  apply(page: PullResponse, at: Date): PageResult {
    const after = this.cursor();
    // A page asked for again (a retried request) may hold changes already here; the cursor never goes back.
    const fresh = page.changes.filter((c) => c.serverSeq > after);
    return this.#page({ ...page, changes: fresh, cursor: Math.max(page.cursor, after) }, at.toISOString());
  }
}

function unreadable(raw: unknown, problem: string | undefined): string {
  const type = typeof raw === 'object' && raw !== null && 'type' in raw ? String(raw.type) : '(none)';
  return `cannot read a change of type ${type}: ${problem ?? 'invalid'}`;
}
