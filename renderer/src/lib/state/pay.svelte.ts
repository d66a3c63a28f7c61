import type { PaymentMethod, PaymentQuote, PaymentResult } from '../../../../shared/contract/payments.ts';
import type { Language } from '../../../../shared/locales.ts';
import { minorDigits } from '../../../../shared/money.ts';
import { Journey } from './journey.svelte.ts';

/** What the customer pays: the whole balance due, one open bill, or an amount they type. */
export type PayChoice = { kind: 'balance' } | { kind: 'bill'; billNo: string } | { kind: 'other' };
export type PayStep = 'choose' | 'paying' | 'result';
/** Where the screen moves focus: the amount or the problem, the progress, the result. */
export type PayFocus = 'amount' | 'problem' | 'progress' | 'result';
/** Where the device is, from the core's `payment.progress` events. */
export type PayStage = 'starting' | 'presentCard' | 'processing' | 'removeCard' | 'insertCash';

/** Why a payment was not started; turned into a sentence by the screen. */
export type PayProblem =
  | { kind: 'empty' }
  | { kind: 'zero' }
  | { kind: 'tooLarge'; maxMinor: number }
  | { kind: 'nothingDue' }
  | { kind: 'rejected' }
  | { kind: 'device' }
  | { kind: 'failed' };

/** Whole units typed: enough digits for the cap and one more, so "too large" can be said. */
const WHOLE_MAX_DIGITS = 7;

/**
 * The pay journey: a quote (balance, open bills, the cap), the customer's choice of what to pay
 * and how, then the payment on the card terminal or the cash acceptor, with its progress, and the
 * outcome with the receipt. Each payment gets its request id once: a retry after a lost answer
 * sends the same id, so the core settles it with the device and never charges twice; "Try again"
 * after a decline is a new payment with a new id.
 */
export class PayJourney extends Journey<PayFocus> {
  quote = $state<PaymentQuote | null>(null);
  choice = $state<PayChoice>({ kind: 'balance' });
  method = $state<PaymentMethod>('card');
  /** The typed amount for "another amount", with `.` as the decimal point whatever the language. */
  amount = $state('');
  step = $state<PayStep>('choose');
  stage = $state<PayStage>('starting');
  /** Cash inserted so far, in minor units. */
  insertedMinor = $state(0);
  cancelling = $state(false);
  problem = $state<PayProblem | null>(null);
  result = $state<PaymentResult | null>(null);

  /** The payment sent last and not yet settled: what Cancel and Check again act on. */
  #pending: { requestId: string; amountMinor: number; billNo: string | null; method: PaymentMethod } | null = null;

  get currency(): string | null {
    return this.quote?.balance.currency ?? null;
  }

  get busy(): boolean {
    return this.step === 'paying';
  }

  /** The amount the current choice pays, in minor units (null: nothing chosen or typed yet). */
  get amountMinor(): number | null {
    const quote = this.quote;
    if (!quote) return null;
    switch (this.choice.kind) {
      case 'balance':
        return quote.totalDue.amountMinor > 0 ? quote.totalDue.amountMinor : null;
      case 'bill': {
        const billNo = this.choice.billNo;
        return quote.openBills.find((b) => b.billNo === billNo)?.remaining.amountMinor ?? null;
      }
      case 'other':
        return this.currency === null ? null : parseAmount(this.amount, minorDigits(this.currency));
    }
  }

  /** What would be left as credit on the account: the part of the amount above everything due. */
  get creditAfterMinor(): number {
    const amount = this.amountMinor;
    if (amount === null || !this.quote || this.choice.kind === 'bill') return 0;
    return Math.max(0, amount - Math.max(0, this.quote.totalDue.amountMinor));
  }

  get cashAccepted(): boolean {
    return (this.quote?.cashDenominations.length ?? 0) > 0;
  }

  /** Opens on the whole balance, or on the bill named (from the bill screen), or on another amount when nothing is due. */
  override open(billNo?: string): Promise<void> {
    return this.loadFrom(
      () => this.api.invoke('payment.quote', {}),
      (quote) => {
        this.quote = quote;
        if (billNo !== undefined && quote.openBills.some((b) => b.billNo === billNo)) this.choice = { kind: 'bill', billNo };
        else this.choice = quote.totalDue.amountMinor > 0 ? { kind: 'balance' } : { kind: 'other' };
        return 'ready';
      },
    );
  }

  choose(choice: PayChoice): void {
    if (this.busy) return;
    this.choice = choice;
    this.problem = null;
    if (choice.kind === 'other') this.requestFocus('amount');
  }

  setMethod(method: PaymentMethod): void {
    if (this.busy || (method === 'cash' && !this.cashAccepted)) return;
    this.method = method;
  }

  setAmount(raw: string): void {
    this.amount = cleanAmount(raw, this.currency === null ? 2 : minorDigits(this.currency));
  }

  /** A key on the keypad: a digit or the decimal point. */
  press(key: string): void {
    if (this.busy || !/^[\d.]$/.test(key)) return;
    if (this.choice.kind !== 'other') this.choose({ kind: 'other' });
    this.setAmount(this.amount + key);
  }

  backspace(): void {
    if (!this.busy) this.amount = this.amount.slice(0, -1);
  }

  clear(): void {
    if (!this.busy) this.amount = '';
  }

  /** Checks the choice, then takes the payment; the outcome (or why there is none) lands in the state. */
  async pay(language: Language): Promise<void> {
    if (this.busy || !this.quote) return;
    const amountMinor = this.amountMinor;
    const problem = this.#check(amountMinor);
    if (problem || amountMinor === null) {
      this.#fail(problem ?? { kind: 'empty' });
      return;
    }
    const billNo = this.choice.kind === 'bill' ? this.choice.billNo : null;
    const request = { requestId: this.ids.for(`${amountMinor}|${billNo}|${this.method}`), amountMinor, billNo, method: this.method };
    this.#pending = request;

    this.problem = null;
    this.result = null;
    this.step = 'paying';
    this.stage = 'starting';
    this.insertedMinor = 0;
    this.cancelling = false;
    this.requestFocus('progress');
    const off = this.api.on('payment.progress', (progress) => {
      if (progress.intentId !== request.requestId) return;
      this.stage = progress.stage;
      if (progress.inserted) this.insertedMinor = progress.inserted.amountMinor;
    });
    const result = await this.api.invoke('payment.start', { ...request, language }).finally(off);
    this.cancelling = false;
    if (result.ok) {
      const outcome = result.value;
      this.result = outcome;
      this.step = 'result';
      // Settled either way: the next payment is a new one. A pending one is asked about again with the same id.
      if (outcome.status !== 'pending') this.#settle();
      this.requestFocus('result');
      if (outcome.status !== 'pending') await this.#refreshQuote();
      return;
    }
    this.step = 'choose';
    if (this.signedOut(result.error)) return;
    if (result.error.code === 'VALIDATION') {
      this.#settle(); // refused before any device was asked: nothing to repeat
      await this.#refreshQuote();
      this.#fail({ kind: 'rejected' });
      return;
    }
    if (result.error.code === 'DEVICE') {
      this.#fail({ kind: 'device' });
      return;
    }
    // No answer, or an error: the payment may be with the device. The retry repeats the same id.
    this.#fail({ kind: 'failed' });
  }

  /** The customer's cancel while the device waits. A card already read still stands; the outcome says. */
  async cancel(): Promise<void> {
    if (!this.busy || !this.#pending || this.cancelling) return;
    this.cancelling = true;
    const result = await this.api.invoke('payment.cancel', { intentId: this.#pending.requestId });
    if (!result.ok) {
      this.cancelling = false;
      this.signedOut(result.error);
    }
  }

  /** After a payment that did not go through: choose again (the next attempt is a new payment). */
  tryAgain(): void {
    if (this.busy) return;
    this.#settle();
    this.result = null;
    this.step = 'choose';
    this.requestFocus(this.choice.kind === 'other' ? 'amount' : 'problem');
  }

  /** The device had not answered: ask again about the same payment. */
  async checkAgain(language: Language): Promise<void> {
    if (this.result?.status !== 'pending' || !this.#pending) return;
    await this.pay(language);
  }

  #settle(): void {
    this.ids.settle();
    this.#pending = null;
  }

  #check(amountMinor: number | null): PayProblem | null {
    const quote = this.quote;
    if (!quote) return { kind: 'failed' };
    if (amountMinor === null) return this.choice.kind === 'balance' ? { kind: 'nothingDue' } : { kind: 'empty' };
    if (amountMinor <= 0) return { kind: 'zero' };
    if (amountMinor > quote.maxAmount.amountMinor) return { kind: 'tooLarge', maxMinor: quote.maxAmount.amountMinor };
    if (this.method === 'cash' && !this.cashAccepted) return { kind: 'device' };
    return null;
  }

  #refreshQuote(): Promise<void> {
    return this.refresh(
      () => this.api.invoke('payment.quote', {}),
      (quote) => (this.quote = quote),
    );
  }

  #fail(problem: PayProblem): void {
    this.problem = problem;
    this.requestFocus(this.choice.kind === 'other' && problem.kind !== 'failed' && problem.kind !== 'device' ? 'amount' : 'problem');
  }
}

/** Keeps digits and one decimal point, at most `fractionDigits` after it and a sane number before it. */
export function cleanAmount(raw: string, fractionDigits: number): string {
  const normalised = raw.replace(/,/g, '.').replace(/[^\d.]/g, '');
  const dot = normalised.indexOf('.');
  const whole = (dot === -1 ? normalised : normalised.slice(0, dot)).replace(/^0+(?=\d)/, '').slice(0, WHOLE_MAX_DIGITS);
  if (dot === -1 || fractionDigits === 0) return whole;
  const fraction = normalised.slice(dot + 1).replace(/\./g, '').slice(0, fractionDigits);
  return `${whole === '' ? '0' : whole}.${fraction}`;
}

/** A cleaned amount in minor units, exactly (no floating point); null when nothing is typed. */
export function parseAmount(amount: string, fractionDigits: number): number | null {
  if (amount === '' || amount === '.') return null;
  const [whole = '', fraction = ''] = amount.split('.');
  return Number(whole || '0') * 10 ** fractionDigits + Number(fraction.padEnd(fractionDigits, '0') || '0');
}
