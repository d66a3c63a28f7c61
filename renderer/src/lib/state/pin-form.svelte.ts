import type { KioskErrorData, Result } from '../../../../shared/errors.ts';
import { FocusRequests } from './focus.svelte.ts';

/** What a PinForm's two fields may hold, and when the PIN is long enough to send. */
export interface PinFormRules {
  cleanTyped(raw: string): string;
  cleanPin(raw: string): string;
  pinReady(pin: string): boolean;
}

/**
 * A form of two fields typed with the on-screen keypad or a keyboard: who (an account or phone
 * number, a staff id) and a PIN. One field is active; the keypad types into it. Enter in a
 * filled-in first field moves on to the PIN. `focusRequest` changes when the form wants the view
 * to move focus to a field (after Enter, after a failed attempt, after a scan). The customer's
 * sign-in, the staff sign-in and a supervisor's confirmation are each one of these with their own
 * checks and their own call.
 */
export abstract class PinForm<F extends string, P> extends FocusRequests<F | 'pin'> {
  /** What is typed in the first field (the subclass names it: identifier, staffId). */
  protected typed = $state('');
  pin = $state('');
  active = $state<F | 'pin'>('pin');
  busy = $state(false);
  problem = $state<P | null>(null);

  readonly #rules: PinFormRules;

  constructor(first: F, rules: PinFormRules) {
    super();
    this.active = first;
    this.#rules = rules;
  }

  /** Checks what it can, then sends (see `send`). */
  abstract submit(): Promise<void>;

  /** The view reports which field has focus; that one becomes the keypad's target. */
  activate(field: F | 'pin'): void {
    this.active = field;
  }

  setPin(raw: string): void {
    this.pin = this.#rules.cleanPin(raw);
  }

  /** A digit from the on-screen keypad. */
  press(digit: string): void {
    if (!/^\d$/.test(digit) || this.busy) return;
    if (this.active === 'pin') this.setPin(this.pin + digit);
    else this.setTyped(this.typed + digit);
  }

  backspace(): void {
    if (this.busy) return;
    if (this.active === 'pin') this.pin = this.pin.slice(0, -1);
    else this.typed = this.typed.slice(0, -1);
  }

  clear(): void {
    if (this.busy) return;
    if (this.active === 'pin') this.pin = '';
    else this.typed = '';
  }

  /** Enter or the submit key: from a filled-in first field (a scan ends so) go on to the PIN, otherwise submit. */
  async enter(): Promise<void> {
    if (this.active !== 'pin' && this.typed.trim() !== '' && !this.#rules.pinReady(this.pin)) {
      this.problem = null;
      this.focus('pin');
      return;
    }
    await this.submit();
  }

  protected setTyped(raw: string): void {
    this.typed = this.#rules.cleanTyped(raw);
  }

  /** Sends; the PIN is forgotten either way. Success is handed over; a failure is said, on the field it is about. */
  protected async send<T>(call: () => Promise<Result<T>>, onSuccess: (value: T) => void, problemOf: (error: KioskErrorData) => [P, F | 'pin']): Promise<void> {
    this.busy = true;
    const result = await call();
    this.busy = false;
    this.pin = '';
    if (result.ok) {
      this.problem = null;
      onSuccess(result.value);
      return;
    }
    this.refuse(...problemOf(result.error));
  }

  /** Says what is wrong and moves focus to the field it is about. */
  protected refuse(problem: P, field: F | 'pin'): void {
    this.problem = problem;
    this.focus(field);
  }

  protected focus(field: F | 'pin'): void {
    this.active = field;
    this.requestFocus(field);
  }
}
