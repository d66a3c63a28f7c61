import type { AdjustmentResult, LateFeeView } from '../../../../shared/contract/assist.ts';
import type { KioskApi } from '../../../../shared/contract/index.ts';
import type { PaymentQuote, PaymentResult } from '../../../../shared/contract/payments.ts';
import type { Result } from '../../../../shared/errors.ts';
import type { Language } from '../../../../shared/locales.ts';
import { minorDigits, money } from '../../../../shared/money.ts';
import { authorityProblem, type AssistState, type Proof } from './assist.svelte.ts';
import type { AuthorityProblem, ConfirmSubject } from '../authority.ts';
import { REASON_MAX_LENGTH, REASON_MIN_LENGTH } from './assist-desk.svelte.ts';
import { Journey, type JourneyOptions } from './journey.svelte.ts';
import { cleanAmount, parseAmount } from './pay.svelte.ts';

/** Why counter cash was not taken; the screen says it in words. */
export type CounterCashProblem = { kind: 'empty' } | { kind: 'tooLarge'; maxMinor: number } | { kind: 'rejected' } | { kind: 'failed' } | AuthorityProblem;

/** A journey of assist mode: what staff do on the open account, above their authority with a supervisor or their PIN again. */
abstract class AssistJourney<F extends string> extends Journey<F> {
  protected readonly assist: AssistState;

  constructor(api: KioskApi, assist: AssistState, options: JourneyOptions) {
    super(api, options);
    this.assist = assist;
  }
}

/** An amount typed on the keypad (digits and the decimal point) in the account's currency, for the journeys below. */
abstract class AmountEntry<F extends string> extends AssistJourney<F> {
  amount = $state('');
  busy = $state(false);

  /** The account's currency; null until it is known. */
  abstract get currency(): string | null;

  get amountMinor(): number | null {
    return this.currency === null ? null : parseAmount(this.amount, minorDigits(this.currency));
  }

  setAmount(raw: string): void {
    this.amount = cleanAmount(raw, this.currency === null ? 2 : minorDigits(this.currency));
  }

  press(key: string): void {
    if (!this.busy && /^[\d.]$/.test(key)) this.setAmount(this.amount + key);
  }

  backspace(): void {
    if (!this.busy) this.amount = this.amount.slice(0, -1);
  }

  clear(): void {
    if (!this.busy) this.amount = '';
  }
}

/**
 * Cash handed to staff at the counter for the open account: an amount typed on the keypad, for
 * the oldest bills first or one bill chosen; posted at once and receipted with the staff id. Above
 * the staff member's authority a supervisor confirms, and the core may ask for the staff PIN again
 * (AssistState.authorised). The request id is chosen once, so a retry after a lost answer never
 * posts twice.
 */
export class CounterCashJourney extends AmountEntry<'amount' | 'result'> {
  quote = $state<PaymentQuote | null>(null);
  billNo = $state<string | null>(null);
  problem = $state<CounterCashProblem | null>(null);
  result = $state<PaymentResult | null>(null);

  get currency(): string | null {
    return this.quote?.balance.currency ?? null;
  }

  override open(): Promise<void> {
    return this.loadFrom(
      () => this.api.invoke('payment.quote', {}),
      (quote) => {
        this.quote = quote;
        return 'ready';
      },
    );
  }

  /** null: the oldest bills first. */
  chooseBill(billNo: string | null): void {
    if (!this.busy) this.billNo = billNo;
  }

  async take(language: Language): Promise<void> {
    const quote = this.quote;
    if (this.busy || !quote) return;
    const amountMinor = this.amountMinor;
    if (amountMinor === null || amountMinor <= 0) return this.#fail({ kind: 'empty' });
    // Counter cash is not the kiosk's cash acceptor, but the same limit on one payment holds.
    if (amountMinor > quote.maxAmount.amountMinor) return this.#fail({ kind: 'tooLarge', maxMinor: quote.maxAmount.amountMinor });
    const billNo = this.billNo;
    const requestId = this.ids.for(`${amountMinor}|${billNo}`);
    this.busy = true;
    this.problem = null;
    const result = await this.assist.authorised(
      (proof) => this.api.invoke('assist.takeCash', { requestId, amountMinor, billNo, language, ...proof }),
      { kind: 'counterCash', amount: money(amountMinor, quote.balance.currency) },
    );
    this.busy = false;
    const stopped = authorityProblem(result);
    if (stopped || 'cancelled' in result) {
      this.ids.settle(); // refused before anything was posted
      return this.#fail(stopped ?? { kind: 'failed' });
    }
    if (result.ok) {
      this.ids.settle();
      this.result = result.value;
      this.requestFocus('result');
      const quoteAgain = await this.api.invoke('payment.quote', {});
      if (quoteAgain.ok) this.quote = quoteAgain.value;
      return;
    }
    if (this.signedOut(result.error)) return;
    if (result.error.code === 'VALIDATION' || result.error.code === 'CONFLICT') {
      this.ids.settle(); // refused before anything was posted
      return this.#fail({ kind: 'rejected' });
    }
    this.#fail({ kind: 'failed' }); // not known to have been posted: the retry repeats the same id
  }

  /** After a receipt: take another amount. */
  again(): void {
    this.result = null;
    this.amount = '';
    this.billNo = null;
    this.problem = null;
    this.requestFocus('amount');
  }

  #fail(problem: CounterCashProblem): void {
    this.problem = problem;
    this.requestFocus('amount');
  }
}

export const NEW_PIN_LENGTH = 4;
export type PinResetField = 'pin' | 'confirm';
export type PinResetProblem = { kind: 'noReason' } | { kind: 'pinShort' } | { kind: 'mismatch' } | { kind: 'failed' } | AuthorityProblem;

/**
 * Unlock the open customer's sign-in and set the new PIN they chose: why (for the audit trail),
 * and the PIN typed twice on the keypad, by the customer, hidden. The core may ask for the staff
 * member's PIN again first (AssistState.authorised). The new PIN is never kept after it is sent.
 */
export class PinResetJourney extends AssistJourney<'reason' | PinResetField | 'done'> {
  reason = $state('');
  pin = $state('');
  confirm = $state('');
  active = $state<PinResetField>('pin');
  busy = $state(false);
  problem = $state<PinResetProblem | null>(null);
  done = $state(false);

  setReason(raw: string): void {
    this.reason = raw.slice(0, REASON_MAX_LENGTH);
  }

  activate(field: PinResetField): void {
    this.active = field;
  }

  set(field: PinResetField, raw: string): void {
    this[field] = raw.replace(/\D/g, '').slice(0, NEW_PIN_LENGTH);
  }

  press(digit: string): void {
    if (!this.busy && /^\d$/.test(digit)) this.set(this.active, this[this.active] + digit);
  }

  backspace(): void {
    if (!this.busy) this[this.active] = this[this.active].slice(0, -1);
  }

  clear(): void {
    if (!this.busy) this[this.active] = '';
  }

  /** Enter or the keypad's key: a full first PIN moves on to the second, otherwise send. */
  async enter(): Promise<void> {
    if (this.active === 'pin' && this.pin.length === NEW_PIN_LENGTH && this.confirm.length < NEW_PIN_LENGTH) {
      this.#focus('confirm');
      return;
    }
    await this.submit();
  }

  async submit(): Promise<void> {
    if (this.busy) return;
    const reason = this.reason.trim();
    if (reason.length < REASON_MIN_LENGTH) return this.#fail({ kind: 'noReason' }, 'reason');
    if (this.pin.length !== NEW_PIN_LENGTH) return this.#fail({ kind: 'pinShort' }, 'pin');
    if (this.confirm !== this.pin) {
      this.confirm = '';
      return this.#fail({ kind: 'mismatch' }, 'confirm');
    }
    this.busy = true;
    this.problem = null;
    const newPin = this.pin;
    const result = await this.assist.authorised(({ staffPin }) => this.api.invoke('assist.resetPin', { newPin, reason, ...(staffPin ? { staffPin } : {}) }), { kind: 'resetPin' });
    this.busy = false;
    this.pin = '';
    this.confirm = '';
    const stopped = authorityProblem(result);
    if (stopped || 'cancelled' in result) return this.#fail(stopped ?? { kind: 'failed' }, 'pin');
    if (result.ok) {
      this.done = true;
      this.#focus('done');
      return;
    }
    if (this.signedOut(result.error)) return;
    this.#fail(result.error.code === 'VALIDATION' ? { kind: 'pinShort' } : { kind: 'failed' }, 'pin');
  }

  #fail(problem: PinResetProblem, target: 'reason' | PinResetField): void {
    this.problem = problem;
    if (target !== 'reason') this.active = target;
    this.#focus(target);
  }

  #focus(target: 'reason' | PinResetField | 'done'): void {
    if (target === 'pin' || target === 'confirm') this.active = target;
    this.requestFocus(target);
  }
}

/** Why a fee waiver or an adjustment did not happen; the screen says it in words. */
export type AdjustProblem =
  | { kind: 'noReason' }
  | { kind: 'empty' }
  | { kind: 'tooLarge'; maxMinor: number }
  | { kind: 'alreadyWaived' }
  | { kind: 'failed' }
  /** Beyond what anyone may approve at this kiosk, or a PIN asked for was not given. */
  | AuthorityProblem;

/** The most one adjustment may be (the contract's AmountMinor). */
const ADJUST_MAX_MINOR = 10_000_000;

/**
 * Fees and adjustments on the open account: its late fees, each waived whole once with a reason,
 * and a credit or debit of an amount typed on the keypad, with a reason. Above the staff member's
 * authority a supervisor confirms on the spot, and above a small amount the core may ask for the
 * staff PIN again (AssistState.authorised). Each request id is
 * chosen once, so a retry after a lost answer never adjusts twice.
 */
export class AdjustmentsJourney extends AmountEntry<'waiverReason' | 'amount' | 'reason' | 'done'> {
  fees = $state<LateFeeView[]>([]);
  /** The fee being waived, and why. */
  waiver = $state<{ fee: LateFeeView; reason: string } | null>(null);
  direction = $state<'credit' | 'debit'>('credit');
  reason = $state('');
  /** Where the last problem is: the waiver's form or the adjustment's. */
  problem = $state<{ about: 'waiver' | 'adjust'; problem: AdjustProblem } | null>(null);
  /** The last adjustment made here (a waiver or a credit/debit), for the screen to confirm. */
  done = $state<AdjustmentResult | null>(null);

  /** The currency of the account (from its fees; euros until one is known). */
  get currency(): string {
    return this.fees[0]?.amount.currency ?? this.done?.balanceAfter.currency ?? 'EUR';
  }

  override open(): Promise<void> {
    return this.loadFrom(
      () => this.api.invoke('assist.lateFees', {}),
      ({ fees }) => {
        this.fees = fees;
        return fees.length > 0 ? 'ready' : 'empty';
      },
    );
  }

  startWaiver(fee: LateFeeView): void {
    if (this.busy || fee.waived) return;
    this.waiver = { fee, reason: '' };
    this.problem = null;
    this.requestFocus('waiverReason');
  }

  setWaiverReason(raw: string): void {
    if (this.waiver) this.waiver.reason = raw.slice(0, REASON_MAX_LENGTH);
  }

  cancelWaiver(): void {
    if (!this.busy) this.waiver = null;
  }

  async waive(): Promise<void> {
    const waiver = this.waiver;
    if (!waiver || this.busy) return;
    const reason = waiver.reason.trim();
    if (reason.length < REASON_MIN_LENGTH) return this.#fail('waiver', { kind: 'noReason' });
    const { billNo, amount } = waiver.fee;
    const requestId = this.ids.for(`waive|${billNo}|${reason}`);
    await this.#send(
      'waiver',
      (proof) => this.api.invoke('assist.waiveFee', { requestId, billNo, reason, ...proof }),
      { kind: 'feeWaiver', billNo, amount },
    );
    if (this.done) this.waiver = null;
  }

  setDirection(direction: 'credit' | 'debit'): void {
    if (!this.busy) this.direction = direction;
  }

  setReason(raw: string): void {
    this.reason = raw.slice(0, REASON_MAX_LENGTH);
  }

  async adjust(): Promise<void> {
    if (this.busy) return;
    const amountMinor = this.amountMinor;
    if (amountMinor === null || amountMinor <= 0) return this.#fail('adjust', { kind: 'empty' }, 'amount');
    if (amountMinor > ADJUST_MAX_MINOR) return this.#fail('adjust', { kind: 'tooLarge', maxMinor: ADJUST_MAX_MINOR }, 'amount');
    const reason = this.reason.trim();
    if (reason.length < REASON_MIN_LENGTH) return this.#fail('adjust', { kind: 'noReason' }, 'reason');
    const direction = this.direction;
    const requestId = this.ids.for(`adjust|${direction}|${amountMinor}|${reason}`);
    await this.#send(
      'adjust',
      (proof) => this.api.invoke('assist.adjust', { requestId, direction, amountMinor, reason, ...proof }),
      { kind: 'adjustment', direction, amount: money(amountMinor, this.currency) },
    );
    if (this.done) {
      this.amount = '';
      this.reason = '';
    }
  }

  async #send(about: 'waiver' | 'adjust', send: (proof: Proof) => Promise<Result<AdjustmentResult>>, subject: ConfirmSubject): Promise<void> {
    this.busy = true;
    this.problem = null;
    this.done = null;
    const result = await this.assist.authorised(send, subject);
    this.busy = false;
    const stopped = authorityProblem(result);
    if (stopped || 'cancelled' in result) {
      this.ids.settle(); // refused before anything was posted
      return this.#fail(about, stopped ?? { kind: 'failed' });
    }
    if (result.ok) {
      this.ids.settle();
      this.done = result.value;
      this.requestFocus('done');
      await this.open(); // a waived fee shows as waived
      return;
    }
    if (this.signedOut(result.error)) return;
    const { code } = result.error;
    if (code === 'VALIDATION' || code === 'CONFLICT' || code === 'NOT_FOUND') this.ids.settle(); // refused: nothing to repeat
    this.#fail(about, code === 'CONFLICT' || code === 'NOT_FOUND' ? { kind: 'alreadyWaived' } : code === 'VALIDATION' ? { kind: 'noReason' } : { kind: 'failed' });
  }

  #fail(about: 'waiver' | 'adjust', problem: AdjustProblem, target?: 'amount' | 'reason'): void {
    this.problem = { about, problem };
    this.requestFocus(about === 'waiver' ? 'waiverReason' : (target ?? 'reason'));
  }
}
