import { CreditLimitRequest, type CreditDecisionView, type CreditStatus } from '../../../../shared/contract/credit.ts';
import { minorDigits } from '../../../../shared/money.ts';
import { Journey } from './journey.svelte.ts';

/** The most any account may ask for, in minor units: read from the contract so the two never drift. */
export const MAX_LIMIT_MINOR = CreditLimitRequest.shape.requestedLimitMinor.maxValue ?? 10_000_000;
/** Whole currency units only, so a few digits are plenty (and one more than the maximum needs, so "too large" can be said). */
export const AMOUNT_MAX_DIGITS = 7;

/** Why a request was not sent, or not decided; turned into a sentence by the screen. */
export type CreditProblem =
  | { kind: 'empty' }
  | { kind: 'notAbove'; currentLimitMinor: number }
  | { kind: 'tooLarge'; maxMinor: number }
  | { kind: 'invalid' }
  | { kind: 'failed' };

export function cleanAmount(raw: string): string {
  return raw.replace(/\D/g, '').replace(/^0+/, '').slice(0, AMOUNT_MAX_DIGITS);
}

/**
 * The credit-limit journey: the limit, what is used and what is available; a new limit typed
 * with the keypad (whole currency units), checked here first and then decided by the core. Each
 * submitted request gets its own id, chosen once: a retry after a failed call sends the same id,
 * so the core never files one request twice.
 */
export class CreditJourney extends Journey<'amount' | 'decision'> {
  status = $state<CreditStatus | null>(null);
  amount = $state('');
  busy = $state(false);
  problem = $state<CreditProblem | null>(null);
  decision = $state<CreditDecisionView | null>(null);

  get currency(): string | null {
    return this.status?.creditLimit.currency ?? null;
  }

  /** The typed amount in minor units, or null when nothing is typed (or the currency is not known yet). */
  get requestedMinor(): number | null {
    if (this.amount === '' || this.currency === null) return null;
    return Number(this.amount) * 10 ** minorDigits(this.currency);
  }

  override open(): Promise<void> {
    return this.loadFrom(
      () => this.api.invoke('credit.status', {}),
      (status) => {
        this.status = status;
        return 'ready';
      },
    );
  }

  setAmount(raw: string): void {
    this.amount = cleanAmount(raw);
  }

  press(digit: string): void {
    if (!/^\d$/.test(digit) || this.busy) return;
    this.setAmount(this.amount + digit);
  }

  backspace(): void {
    if (!this.busy) this.amount = this.amount.slice(0, -1);
  }

  clear(): void {
    if (!this.busy) this.amount = '';
  }

  /** Checks the amount, then asks the core; the decision (or the reason there is none) lands in the state. */
  async submit(): Promise<void> {
    if (this.busy || !this.status) return;
    const requested = this.requestedMinor;
    const current = this.status.creditLimit.amountMinor;
    const problem: CreditProblem | null =
      requested === null
        ? { kind: 'empty' }
        : requested <= current
          ? { kind: 'notAbove', currentLimitMinor: current }
          : requested > MAX_LIMIT_MINOR
            ? { kind: 'tooLarge', maxMinor: MAX_LIMIT_MINOR }
            : null;
    if (problem || requested === null) {
      this.#fail(problem ?? { kind: 'empty' });
      return;
    }
    // The same request tried again keeps its id; a different amount is a new request.
    const request = { requestId: this.ids.for(String(requested)), requestedLimitMinor: requested };
    this.busy = true;
    this.problem = null;
    const result = await this.api.invoke('credit.request', request);
    this.busy = false;
    if (result.ok) {
      this.ids.settle();
      this.decision = result.value;
      this.requestFocus('decision');
      await this.refresh(() => this.api.invoke('credit.status', {}), (status) => (this.status = status));
      return;
    }
    if (this.signedOut(result.error)) return;
    if (result.error.code === 'VALIDATION') {
      this.ids.settle(); // refused before it was filed: nothing to repeat
      const currentLimit = result.error.details?.['currentLimitMinor'];
      this.#fail(typeof currentLimit === 'number' ? { kind: 'notAbove', currentLimitMinor: currentLimit } : { kind: 'invalid' });
      return;
    }
    // Not known to have been filed (no answer, or an error): keep the id for the retry.
    this.#fail({ kind: 'failed' });
  }

  /** After a decision: ask for another amount. */
  again(): void {
    this.decision = null;
    this.amount = '';
    this.problem = null;
    this.requestFocus('amount');
  }

  #fail(problem: CreditProblem): void {
    this.problem = problem;
    this.requestFocus('amount');
  }
}
