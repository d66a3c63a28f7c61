import { createHash } from 'node:crypto';
import { z } from 'zod';
import { DeviceError } from './errors.ts';
import { JsonJournal } from './journal-file.ts';
import {
  assertAuthorizeRequest,
  CardBrand,
  CardLast4,
  DeclineReason,
  TerminalOutcome,
  type AuthorizeRequest,
  type PaymentTerminal,
  type TerminalLookup,
  type TerminalProgress,
  type TerminalStage,
} from './payment-terminal.ts';
import { Script } from './script.ts';
import { delay, eitherSignal } from './timing.ts';

/**
 * What the simulated terminal does with one `authorize` call:
 * - approve: card read, issuer approves.
 * - decline: card read, issuer declines.
 * - timeout: nobody presents a card before `cardWaitTimeoutMs`.
 * - cancel: the customer presses cancel on the terminal instead of presenting a card.
 * - disconnect: the link drops before the terminal receives the request (it never hears of the intent).
 * - approveThenDisconnect: the terminal approves and records it, then the link drops before the
 *   answer arrives: the caller gets DeviceError('disconnected') although the card was charged.
 */
export const terminalSteps = ['approve', 'decline', 'timeout', 'cancel', 'disconnect', 'approveThenDisconnect'] as const;
export type TerminalStep = (typeof terminalSteps)[number];

/**
 * The rule used when nothing is scripted, so a demo can show every path by the amount typed:
 * the last two digits of the amount in minor units choose the step.
 */
export const terminalAmountRules: Readonly<Record<number, TerminalStep>> = {
  13: 'decline',
  14: 'timeout',
  15: 'cancel',
  16: 'disconnect',
  17: 'approveThenDisconnect',
};

export function terminalStepForAmount(amountMinor: number): TerminalStep {
  return terminalAmountRules[amountMinor % 100] ?? 'approve';
}

export interface TerminalDelays {
  /** How long the simulated customer takes to present the card. */
  presentCardMs: number;
  /** How long the issuer takes to answer. */
  processingMs: number;
  /** How long the customer takes to take the card back. */
  removeCardMs: number;
  /** How long the terminal waits for a card before giving up (the `timeout` step). */
  cardWaitTimeoutMs: number;
}

export const realisticTerminalDelays: TerminalDelays = { presentCardMs: 2000, processingMs: 1500, removeCardMs: 800, cardWaitTimeoutMs: 60_000 };
export const instantTerminalDelays: TerminalDelays = { presentCardMs: 0, processingMs: 0, removeCardMs: 0, cardWaitTimeoutMs: 0 };

export interface PaymentTerminalSimulatorOptions {
  /** Where the terminal keeps its transaction journal; the same directory after a restart finds the same transactions. */
  dir: string;
  delays?: Partial<TerminalDelays>;
  /** The card the simulated customer presents. */
  card?: { brand: string; last4: string };
  declineReason?: DeclineReason;
  now?: () => Date;
}

export const TerminalJournalRecord = z
  .object({
    intentId: z.string().min(1),
    amountMinor: z.number().int().positive(),
    currency: z.string().regex(/^[A-Z]{3}$/),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    /** null while the transaction is in progress. */
    outcome: TerminalOutcome.nullable(),
  })
  .strict();
export type TerminalJournalRecord = z.infer<typeof TerminalJournalRecord>;

const disconnected = (): DeviceError => new DeviceError('terminal', 'disconnected', 'the connection to the payment terminal was lost');

export class PaymentTerminalSimulator implements PaymentTerminal {
  /** Steps for the coming `authorize` calls; without one, `terminalStepForAmount` decides. */
  readonly script = new Script<TerminalStep>();
  readonly #journal: JsonJournal<TerminalJournalRecord>;
  readonly #delays: TerminalDelays;
  readonly #card: { brand: string; last4: string };
  readonly #declineReason: DeclineReason;
  readonly #now: () => Date;
  readonly #listeners = new Set<(progress: TerminalProgress) => void>();
  #inFlight: { intentId: string; controller: AbortController } | null = null;
  #connected = true;

  constructor(options: PaymentTerminalSimulatorOptions) {
    this.#delays = { ...realisticTerminalDelays, ...options.delays };
    this.#card = { brand: CardBrand.parse(options.card?.brand ?? 'VISA'), last4: CardLast4.parse(options.card?.last4 ?? '4242') };
    this.#declineReason = options.declineReason ?? 'insufficientFunds';
    this.#now = options.now ?? (() => new Date());
    this.#journal = JsonJournal.open('terminal', options.dir, TerminalJournalRecord);
    // A transaction still open in the journal was cut off when the terminal last stopped. A terminal
    // that restarts abandons what it had not approved (approvals are journaled before they are
    // reported), so the intent is settled as cancelled: nothing was charged.
    for (const [id, record] of [...this.#journal.entries()]) {
      if (record.outcome === null) this.#journal.put(id, { ...record, finishedAt: this.#now().toISOString(), outcome: { status: 'cancelled' } });
    }
  }

  get journalFile(): string {
    return this.#journal.file;
  }

  /** Every transaction the terminal has recorded, in the order it first saw them. */
  records(): TerminalJournalRecord[] {
    return [...this.#journal.entries()].map(([, record]) => record);
  }

  /** The link drops: every call fails with DeviceError('disconnected') until `reconnect`. */
  disconnect(): void {
    this.#connected = false;
  }

  reconnect(): void {
    this.#connected = true;
  }

  onProgress(listener: (progress: TerminalProgress) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async authorize(request: AuthorizeRequest): Promise<TerminalOutcome> {
    assertAuthorizeRequest(request);
    if (!this.#connected) throw disconnected();
    const existing = this.#journal.get(request.intentId);
    if (existing) {
      if (existing.amountMinor !== request.amountMinor || existing.currency !== request.currency) {
        throw new DeviceError('terminal', 'intentConflict', 'this intent id was already used for another amount');
      }
      // A retry of an intent the terminal already finished: the same answer, no second charge.
      if (existing.outcome) return existing.outcome;
      throw new DeviceError('terminal', 'busy', 'the payment terminal is still working on this intent');
    }
    if (this.#inFlight) throw new DeviceError('terminal', 'busy', 'the payment terminal is working on another payment');

    const step = this.script.take(() => terminalStepForAmount(request.amountMinor));
    if (step === 'disconnect') throw disconnected();
    const controller = new AbortController();
    this.#inFlight = { intentId: request.intentId, controller };
    try {
      return await this.#transact(request, step, eitherSignal(controller.signal, request.signal));
    } finally {
      this.#inFlight = null;
    }
  }

  async lookup(intentId: string): Promise<TerminalLookup> {
    if (!this.#connected) throw disconnected();
    const record = this.#journal.get(intentId);
    if (!record) return { status: 'unknown' };
    return record.outcome ?? { status: 'pending' };
  }

  async cancel(intentId: string): Promise<void> {
    if (!this.#connected) throw disconnected();
    if (this.#inFlight?.intentId === intentId) this.#inFlight.controller.abort();
  }

  async #transact(request: AuthorizeRequest, step: Exclude<TerminalStep, 'disconnect'>, signal: AbortSignal): Promise<TerminalOutcome> {
    const { intentId } = request;
    this.#journal.put(intentId, {
      intentId,
      amountMinor: request.amountMinor,
      currency: request.currency,
      startedAt: this.#now().toISOString(),
      finishedAt: null,
      outcome: null,
    });
    this.#emit(intentId, 'presentCard');

    if (step === 'timeout') {
      const waited = await delay(this.#delays.cardWaitTimeoutMs, signal);
      return this.#finish(intentId, waited === 'aborted' ? { status: 'cancelled' } : { status: 'timedOut' });
    }
    const presented = await delay(this.#delays.presentCardMs, signal);
    if (presented === 'aborted' || step === 'cancel') return this.#finish(intentId, { status: 'cancelled' });

    this.#emit(intentId, 'processing');
    // Not abortable: the card has been read and the request is with the issuer.
    await delay(this.#delays.processingMs);
    const outcome: TerminalOutcome =
      step === 'decline'
        ? { status: 'declined', reason: this.#declineReason }
        : { status: 'approved', authorizationCode: authorizationCodeFor(intentId), cardLast4: this.#card.last4, cardBrand: this.#card.brand };
    // Recorded before anyone hears of it: an approval must survive whatever happens next.
    this.#finish(intentId, outcome);
    if (step === 'approveThenDisconnect') throw disconnected();
    this.#emit(intentId, 'removeCard');
    await delay(this.#delays.removeCardMs);
    return outcome;
  }

  #finish(intentId: string, outcome: TerminalOutcome): TerminalOutcome {
    const record = this.#journal.get(intentId);
    if (!record) throw new Error(`no journal record for ${intentId}`);
    this.#journal.put(intentId, { ...record, finishedAt: this.#now().toISOString(), outcome });
    return outcome;
  }

  #emit(intentId: string, stage: TerminalStage): void {
    for (const listener of this.#listeners) {
      try {
        listener({ intentId, stage });
      } catch {
        // A screen-side listener must never break a payment in progress.
      }
    }
  }
}

const CODE_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Six characters derived from the intent id, so runs are reproducible. */
function authorizationCodeFor(intentId: string): string {
  const digest = createHash('sha256').update(`auth:${intentId}`).digest();
  let code = '';
  for (let i = 0; i < 6; i++) code += CODE_ALPHABET[(digest[i] ?? 0) % CODE_ALPHABET.length];
  return code;
}
