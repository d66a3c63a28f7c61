import { z } from 'zod';
import {
  assertCollectRequest,
  CashOutcome,
  type CashAcceptor,
  type CashLookup,
  type CashProgress,
  type CollectRequest,
} from './cash-acceptor.ts';
import { DeviceError } from './errors.ts';
import { JsonJournal } from './journal-file.ts';
import { Script } from './script.ts';
import { delay, eitherSignal } from './timing.ts';

/** EUR notes of 5, 10, 20 and 50 and coins of 1 and 2, in cents. */
export const EUR_DENOMINATIONS: readonly number[] = [100, 200, 500, 1000, 2000, 5000];

/**
 * What the simulated customer does with one `collect` call:
 * - 'pay': inserts notes and coins, largest first, until the amount due is reached (see `payingDenominations`).
 * - `{ insert, then }`: inserts exactly these denominations in order (one the acceptor does not
 *   take is handed back and emitted as `rejected`). Collection ends as soon as the amount due is
 *   reached; if the list runs out first: `then: 'wait'` (the default) walks away and the acceptor
 *   times out, `'cancel'` presses cancel, `'disconnect'` loses the link.
 */
export type CashStep = 'pay' | { insert: readonly number[]; then?: 'wait' | 'cancel' | 'disconnect' };

/**
 * Without a script the last two digits of the amount due choose (same digits as the terminal):
 * 14 the customer inserts one note or coin and walks away, 15 inserts one and cancels, 16 inserts
 * one and the link drops; anything else pays.
 */
export function cashStepForAmount(amountDueMinor: number, denominations: readonly number[]): CashStep {
  const first = payingDenominations(amountDueMinor, denominations).slice(0, 1);
  switch (amountDueMinor % 100) {
    case 14:
      return { insert: first, then: 'wait' };
    case 15:
      return { insert: first, then: 'cancel' };
    case 16:
      return { insert: first, then: 'disconnect' };
    default:
      return 'pay';
  }
}

/** A customer paying: the largest denomination not above what remains, and when none is, the smallest one (which gives change). */
export function payingDenominations(amountDueMinor: number, denominations: readonly number[]): number[] {
  const largestFirst = [...denominations].sort((a, b) => b - a);
  const smallest = largestFirst.at(-1);
  if (smallest === undefined) return [];
  const inserted: number[] = [];
  let remaining = amountDueMinor;
  while (remaining > 0) {
    const note = largestFirst.find((d) => d <= remaining) ?? smallest;
    inserted.push(note);
    remaining -= note;
  }
  return inserted;
}

export interface CashDelays {
  /** Time the simulated customer takes for each note or coin. */
  insertIntervalMs: number;
  /** How long the acceptor waits for the next note before it gives up. */
  idleTimeoutMs: number;
}

export const realisticCashDelays: CashDelays = { insertIntervalMs: 1200, idleTimeoutMs: 45_000 };
export const instantCashDelays: CashDelays = { insertIntervalMs: 0, idleTimeoutMs: 0 };

export interface CashAcceptorSimulatorOptions {
  dir: string;
  delays?: Partial<CashDelays>;
  /** Accepted denominations per currency; EUR only by default. */
  denominations?: Readonly<Record<string, readonly number[]>>;
  now?: () => Date;
}

const Minor = z.number().int().nonnegative();
const Interrupted = z.object({ status: z.literal('interrupted'), insertedMinor: Minor }).strict();

export const CashJournalRecord = z
  .object({
    intentId: z.string().min(1),
    amountDueMinor: z.number().int().positive(),
    currency: z.string().regex(/^[A-Z]{3}$/),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    /** Every accepted note and coin, in order; their sum is `insertedMinor`. */
    accepted: z.array(z.number().int().positive()),
    insertedMinor: Minor,
    /** null while collecting. */
    outcome: z.union([CashOutcome, Interrupted]).nullable(),
  })
  .strict();
export type CashJournalRecord = z.infer<typeof CashJournalRecord>;

const disconnected = (): DeviceError => new DeviceError('cashAcceptor', 'disconnected', 'the connection to the cash acceptor was lost');

export class CashAcceptorSimulator implements CashAcceptor {
  readonly script = new Script<CashStep>();
  readonly #journal: JsonJournal<CashJournalRecord>;
  readonly #delays: CashDelays;
  readonly #denominations: Readonly<Record<string, readonly number[]>>;
  readonly #now: () => Date;
  readonly #listeners = new Set<(progress: CashProgress) => void>();
  #inFlight: { intentId: string; controller: AbortController } | null = null;
  #connected = true;

  constructor(options: CashAcceptorSimulatorOptions) {
    this.#delays = { ...realisticCashDelays, ...options.delays };
    this.#denominations = options.denominations ?? { EUR: EUR_DENOMINATIONS };
    this.#now = options.now ?? (() => new Date());
    this.#journal = JsonJournal.open('cashAcceptor', options.dir, CashJournalRecord);
    // A collection still open was cut off by a restart: the acceptor keeps what it took (see the money rule).
    for (const [id, record] of [...this.#journal.entries()]) {
      if (record.outcome === null) {
        this.#journal.put(id, { ...record, finishedAt: this.#now().toISOString(), outcome: { status: 'interrupted', insertedMinor: record.insertedMinor } });
      }
    }
  }

  get journalFile(): string {
    return this.#journal.file;
  }

  records(): CashJournalRecord[] {
    return [...this.#journal.entries()].map(([, record]) => record);
  }

  disconnect(): void {
    this.#connected = false;
  }

  reconnect(): void {
    this.#connected = true;
  }

  acceptedDenominations(currency: string): readonly number[] {
    return [...(this.#denominations[currency] ?? [])].sort((a, b) => a - b);
  }

  onProgress(listener: (progress: CashProgress) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async collect(request: CollectRequest): Promise<CashOutcome> {
    assertCollectRequest(request);
    if (!this.#connected) throw disconnected();
    const accepted = this.acceptedDenominations(request.currency);
    if (accepted.length === 0) throw new DeviceError('cashAcceptor', 'unsupported', `the cash acceptor does not take ${request.currency}`);
    const existing = this.#journal.get(request.intentId);
    if (existing) {
      if (existing.amountDueMinor !== request.amountDueMinor || existing.currency !== request.currency) {
        throw new DeviceError('cashAcceptor', 'intentConflict', 'this intent id was already used for another amount');
      }
      if (existing.outcome === null) throw new DeviceError('cashAcceptor', 'busy', 'the cash acceptor is still collecting for this intent');
      if (existing.outcome.status === 'interrupted') {
        throw new DeviceError('cashAcceptor', 'intentConflict', 'this intent was interrupted; look it up and settle it, then use a new intent');
      }
      return existing.outcome;
    }
    if (this.#inFlight) throw new DeviceError('cashAcceptor', 'busy', 'the cash acceptor is collecting another payment');

    const step = this.script.take(() => cashStepForAmount(request.amountDueMinor, accepted));
    const controller = new AbortController();
    this.#inFlight = { intentId: request.intentId, controller };
    try {
      return await this.#collect(request, step, accepted, eitherSignal(controller.signal, request.signal));
    } finally {
      this.#inFlight = null;
    }
  }

  async lookup(intentId: string): Promise<CashLookup> {
    if (!this.#connected) throw disconnected();
    const record = this.#journal.get(intentId);
    if (!record) return { status: 'unknown' };
    return record.outcome ?? { status: 'pending', insertedMinor: record.insertedMinor };
  }

  async cancel(intentId: string): Promise<void> {
    if (!this.#connected) throw disconnected();
    if (this.#inFlight?.intentId === intentId) this.#inFlight.controller.abort();
  }

  async #collect(request: CollectRequest, step: CashStep, accepted: readonly number[], signal: AbortSignal): Promise<CashOutcome> {
    const { intentId, amountDueMinor } = request;
    const plan = step === 'pay' ? { insert: payingDenominations(amountDueMinor, accepted), then: 'wait' as const } : { insert: step.insert, then: step.then ?? 'wait' };
    let record: CashJournalRecord = {
      intentId,
      amountDueMinor,
      currency: request.currency,
      startedAt: this.#now().toISOString(),
      finishedAt: null,
      accepted: [],
      insertedMinor: 0,
      outcome: null,
    };
    this.#journal.put(intentId, record);

    const cancelled = (): CashOutcome => this.#finish(record, { status: 'cancelled', insertedMinor: record.insertedMinor, returnedMinor: record.insertedMinor });

    for (const note of plan.insert) {
      if ((await delay(this.#delays.insertIntervalMs, signal)) === 'aborted') return cancelled();
      if (!accepted.includes(note)) {
        this.#emit({ type: 'rejected', intentId, denominationMinor: note });
        continue;
      }
      record = { ...record, accepted: [...record.accepted, note], insertedMinor: record.insertedMinor + note };
      // On disk before the screen shows it: this money is in the machine now.
      this.#journal.put(intentId, record);
      this.#emit({ type: 'inserted', intentId, denominationMinor: note, insertedMinor: record.insertedMinor, remainingMinor: Math.max(0, amountDueMinor - record.insertedMinor) });
      if (record.insertedMinor >= amountDueMinor) {
        return this.#finish(record, { status: 'collected', insertedMinor: record.insertedMinor, changeMinor: record.insertedMinor - amountDueMinor });
      }
    }

    switch (plan.then) {
      case 'cancel':
        return cancelled();
      case 'disconnect':
        this.#finish(record, { status: 'interrupted', insertedMinor: record.insertedMinor });
        throw disconnected();
      case 'wait':
        if ((await delay(this.#delays.idleTimeoutMs, signal)) === 'aborted') return cancelled();
        return this.#finish(record, { status: 'timedOut', insertedMinor: record.insertedMinor });
    }
  }

  #finish<O extends CashOutcome | z.infer<typeof Interrupted>>(record: CashJournalRecord, outcome: O): O {
    this.#journal.put(record.intentId, { ...record, finishedAt: this.#now().toISOString(), outcome });
    return outcome;
  }

  #emit(progress: CashProgress): void {
    for (const listener of this.#listeners) {
      try {
        listener(progress);
      } catch {
        // A screen-side listener must never break a collection in progress.
      }
    }
  }
}
