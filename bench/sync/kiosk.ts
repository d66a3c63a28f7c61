import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AuditHead, OutboxEvent, PullResponse, PushResponse } from '../../shared/sync/protocol.ts';
import { ChangeApplier } from '../../electron/core/ledger/apply-changes.ts';
import { openLedger, type Database } from '../../electron/core/ledger/db.ts';
import { BENCH_LEDGER_KEY } from '../ledger-key.ts';
import type { HubCredential } from '../../electron/core/sync/enrolment.ts';
import { OutboxQueue } from '../../electron/core/sync/outbox-queue.ts';
import { PullApplier } from '../../electron/core/sync/pull-applier.ts';
import { SyncEngine } from '../../electron/core/sync/sync-engine.ts';
import { HttpTransport, type SyncTransport } from '../../electron/core/sync/transport.ts';

/** A fresh kiosk ledger (the kiosk's own migrations and pragmas: WAL, synchronous=FULL) in a temporary folder. */
export async function freshLedger(prefix: string): Promise<{ db: Database; file: string; remove(): void }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `bench-${prefix}-`));
  const file = path.join(dir, 'ledger.sqlite');
  const db = await openLedger(file, BENCH_LEDGER_KEY);
  return {
    db,
    file,
    remove() {
      if (db.open) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The kiosk's HttpTransport with a stopwatch: how long each call waited for the hub (request,
 * hub's work, answer, parsing and checking it), so a round's time splits into the hub's share and
 * the kiosk's own (reading the outbox, writing the answers, applying pages).
 */
export class TimedTransport implements SyncTransport {
  readonly pushMs: number[] = [];
  readonly pullMs: number[] = [];
  /** performance.now() when the round's first pull started: its push phase ends there. */
  firstPullAt: number | null = null;

  constructor(private readonly inner: SyncTransport) {}

  async push(events: readonly OutboxEvent[], schemaVersion: number, auditHead?: AuditHead): Promise<PushResponse> {
    const start = performance.now();
    const response = await this.inner.push(events, schemaVersion, auditHead);
    this.pushMs.push(performance.now() - start);
    return response;
  }

  async pull(after: number, limit: number): Promise<PullResponse> {
    const start = performance.now();
    this.firstPullAt ??= start;
    const response = await this.inner.pull(after, limit);
    this.pullMs.push(performance.now() - start);
    return response;
  }

  reset(): void {
    this.pushMs.length = 0;
    this.pullMs.length = 0;
    this.firstPullAt = null;
  }
}

/** The kiosk's pull applier with a stopwatch: how long the kiosk spent writing pages (the engine asks for the next page meanwhile). */
export class TimedPullApplier extends PullApplier {
  readonly applyMs: number[] = [];

  override apply(...args: Parameters<PullApplier['apply']>): ReturnType<PullApplier['apply']> {
    const start = performance.now();
    try {
      return super.apply(...args);
    } finally {
      this.applyMs.push(performance.now() - start);
    }
  }
}

/** The kiosk's sync engine (outbox queue, pull applier, HTTP transport) over `db`, with default batch and page sizes. */
export function kioskEngine(db: Database, credential: HubCredential): { engine: SyncEngine; transport: TimedTransport; outbox: OutboxQueue; pull: TimedPullApplier } {
  // Generous: a 500-event push on PGlite on a busy machine takes seconds, and a timeout would be a failed run.
  const transport = new TimedTransport(new HttpTransport({ baseUrl: credential.hubUrl, credential: credential.credential, timeoutMs: 120_000 }));
  const outbox = new OutboxQueue(db);
  const pull = new TimedPullApplier(db, new ChangeApplier(db));
  return { engine: new SyncEngine({ outbox, pull, transport, now: () => new Date() }), transport, outbox, pull };
}
