import { MAX_PULL_PAGE, MAX_PUSH_BATCH, type PullResponse } from '../../../shared/sync/protocol.ts';
import type { OutboxQueue } from './outbox-queue.ts';
import type { PullApplier } from './pull-applier.ts';
import { SyncError, type SyncTransport } from './transport.ts';

export interface SyncStatus {
  /** online: the last round reached the hub; offline: it did not; syncing: a round is running; stopped: the hub refused this kiosk. */
  state: 'online' | 'offline' | 'syncing' | 'stopped';
  lastSyncAt: string | null;
  /** Events this kiosk still has to push. */
  waiting: number;
  /** Pulled changes this kiosk could not apply, kept aside. */
  parked: number;
  lastError: string | null;
}

export interface RoundResult {
  pushed: number;
  pulled: number;
}

/**
 * One sync round: push every waiting event in device-ordered batches, then pull pages until the
 * hub has nothing more. Each batch and each page commits on its own, so a round cut short by a
 * lost link, a crash or a kill loses nothing: the next round starts from what was committed.
 */
export class SyncEngine {
  #status: SyncStatus;

  constructor(
    private readonly deps: {
      outbox: OutboxQueue;
      pull: PullApplier;
      transport: SyncTransport;
      now: () => Date;
      onStatus?: (status: SyncStatus) => void;
      pushBatch?: number;
      pullPage?: number;
    },
  ) {
    this.#status = { state: 'offline', lastSyncAt: null, waiting: deps.outbox.waiting(), parked: deps.pull.parked(), lastError: null };
  }

  /** The last round's state, with the counts as they are now (new events may have been written since). */
  get status(): SyncStatus {
    return { ...this.#status, waiting: this.deps.outbox.waiting(), parked: this.deps.pull.parked() };
  }

  async round(): Promise<RoundResult> {
    const result: RoundResult = { pushed: 0, pulled: 0 };
    this.#report({ state: 'syncing' });
    try {
      for (;;) {
        const { events, schemaVersion, auditHead } = this.deps.outbox.nextBatch(this.deps.pushBatch ?? MAX_PUSH_BATCH);
        if (events.length === 0) break;
        const response = await this.deps.transport.push(events, schemaVersion, auditHead);
        this.deps.outbox.settle(response, this.deps.now());
        const acked = events.filter((e) => e.deviceSeq <= response.ackedThrough).length;
        result.pushed += acked;
        this.#report({ waiting: this.deps.outbox.waiting() });
        if (acked === 0) throw new SyncError('protocol', `the hub acknowledged none of events ${events[0]?.deviceSeq}…${events.at(-1)?.deviceSeq}`);
      }
      for (let next = this.#pullAfter(this.deps.pull.cursor()); ; ) {
        const page = await next;
        // The next page is asked for before this one is written: the hub reads while the kiosk writes.
        if (page.hasMore) next = this.#pullAfter(page.cursor);
        const applied = this.deps.pull.apply(page, this.deps.now());
        result.pulled += applied.applied + applied.duplicates + applied.parked;
        if (!page.hasMore) break;
      }
      this.#report({ state: 'online', lastSyncAt: this.deps.now().toISOString(), lastError: null, parked: this.deps.pull.parked() });
      return result;
    } catch (err) {
      const error = err instanceof SyncError ? err : new SyncError('protocol', err instanceof Error ? err.message : String(err));
      this.#report({ state: error.kind === 'unauthorized' ? 'stopped' : 'offline', lastError: error.message, waiting: this.deps.outbox.waiting(), parked: this.deps.pull.parked() });
      throw error;
    }
  }

  /** A page after `cursor`; a failure is seen where it is awaited, not as an unhandled rejection if writing the page before it failed first. */
  #pullAfter(cursor: number): Promise<PullResponse> {
    const page = this.deps.transport.pull(cursor, this.deps.pullPage ?? MAX_PULL_PAGE);
    page.catch(() => undefined);
    return page;
  }

  #report(change: Partial<SyncStatus>): void {
    this.#status = { ...this.#status, ...change };
    this.deps.onStatus?.(this.#status);
  }
}
