import type { KioskApi } from '../../../../shared/contract/index.ts';
import type { SessionInfo } from '../../../../shared/contract/schemas.ts';
import type { KioskErrorData } from '../../../../shared/errors.ts';
import type { Translator } from '../../i18n/index.ts';

export type Field = 'identifier' | 'pin';

export const PIN_LENGTH = 4;
export const IDENTIFIER_MAX_LENGTH = 32;

/** Why the last attempt did not sign the customer in; turned into a sentence by signInMessage. */
export type SignInProblem =
  | { kind: 'authFailed'; attemptsLeft: number | null }
  | { kind: 'lockedOut'; lockedUntil: string | null }
  | { kind: 'validation'; message: string }
  | { kind: 'missingIdentifier' }
  | { kind: 'missingPin' }
  | { kind: 'other' };

export function problemFromError(error: KioskErrorData): SignInProblem {
  switch (error.code) {
    case 'AUTH_FAILED': {
      const left = error.details?.['attemptsLeft'];
      return { kind: 'authFailed', attemptsLeft: typeof left === 'number' && Number.isInteger(left) && left >= 0 ? left : null };
    }
    case 'LOCKED_OUT': {
      const until = error.details?.['lockedUntil'];
      return { kind: 'lockedOut', lockedUntil: typeof until === 'string' && !Number.isNaN(Date.parse(until)) ? until : null };
    }
    case 'VALIDATION':
      return { kind: 'validation', message: error.message };
    default:
      return { kind: 'other' };
  }
}

/** The human sentence for a problem. Never says whether the account exists. */
export function signInMessage(problem: SignInProblem, tr: Translator): string {
  switch (problem.kind) {
    case 'authFailed':
      return problem.attemptsLeft === null
        ? tr.t('signIn.error.authFailedPlain')
        : tr.plural('signIn.error.authFailed', problem.attemptsLeft);
    case 'lockedOut':
      return problem.lockedUntil === null
        ? tr.t('signIn.error.lockedOutPlain')
        : tr.t('signIn.error.lockedOut', { time: tr.time(problem.lockedUntil) });
    case 'validation':
      return problem.message || tr.t('signIn.error.generic');
    case 'missingIdentifier':
      return tr.t('signIn.error.missingIdentifier');
    case 'missingPin':
      return tr.t('signIn.error.missingPin');
    case 'other':
      return tr.t('signIn.error.generic');
  }
}

/** Keeps what an account or phone number may contain (see SignInInput), at most 32 characters. */
export function cleanIdentifier(raw: string): string {
  return raw.replace(/[^\d+\s\-().]/g, '').slice(0, IDENTIFIER_MAX_LENGTH);
}

export function cleanPin(raw: string): string {
  return raw.replace(/\D/g, '').slice(0, PIN_LENGTH);
}

export interface SignInOptions {
  /** The identifier, e.g. from a barcode scanned on the attract screen; the PIN is then next. */
  prefill?: string;
  onSuccess: (session: SessionInfo) => void;
}

/**
 * The sign-in form: two fields, one of them active; the on-screen keypad and a physical
 * keyboard both type into the active one. `focusRequest` changes when the form wants the view to
 * move focus to a field (after Enter in the identifier, after a failed attempt, after a scan).
 */
export class SignInState {
  identifier = $state('');
  pin = $state('');
  active = $state<Field>('identifier');
  busy = $state(false);
  problem = $state<SignInProblem | null>(null);
  focusRequest = $state<{ field: Field; seq: number } | null>(null);

  readonly #api: KioskApi;
  readonly #onSuccess: (session: SessionInfo) => void;
  #seq = 0;

  constructor(api: KioskApi, options: SignInOptions) {
    this.#api = api;
    this.#onSuccess = options.onSuccess;
    if (options.prefill) {
      this.identifier = cleanIdentifier(options.prefill);
      this.#focus('pin');
    }
  }

  get pinComplete(): boolean {
    return this.pin.length === PIN_LENGTH;
  }

  /** The view reports which field has focus; that one becomes the keypad's target. */
  activate(field: Field): void {
    this.active = field;
  }

  setIdentifier(raw: string): void {
    this.identifier = cleanIdentifier(raw);
  }

  setPin(raw: string): void {
    this.pin = cleanPin(raw);
  }

  /** A digit from the on-screen keypad. */
  press(digit: string): void {
    if (!/^\d$/.test(digit) || this.busy) return;
    if (this.active === 'pin') this.setPin(this.pin + digit);
    else this.setIdentifier(this.identifier + digit);
  }

  backspace(): void {
    if (this.busy) return;
    if (this.active === 'pin') this.pin = this.pin.slice(0, -1);
    else this.identifier = this.identifier.slice(0, -1);
  }

  clear(): void {
    if (this.busy) return;
    if (this.active === 'pin') this.pin = '';
    else this.identifier = '';
  }

  /** Enter or the Sign in button: from a filled-in identifier go on to the PIN, otherwise try to sign in. */
  async enter(): Promise<void> {
    if (this.active === 'identifier' && this.identifier.trim() !== '' && !this.pinComplete) {
      this.#focus('pin');
      return;
    }
    await this.submit();
  }

  async submit(): Promise<void> {
    if (this.busy) return;
    if (this.identifier.trim() === '') {
      this.problem = { kind: 'missingIdentifier' };
      this.#focus('identifier');
      return;
    }
    if (!this.pinComplete) {
      this.problem = { kind: 'missingPin' };
      this.#focus('pin');
      return;
    }
    this.busy = true;
    const result = await this.#api.invoke('session.signIn', { identifier: this.identifier.trim(), pin: this.pin });
    this.busy = false;
    if (result.ok) {
      this.problem = null;
      this.pin = '';
      this.#onSuccess(result.value);
      return;
    }
    this.problem = problemFromError(result.error);
    this.pin = '';
    // The PIN is checked before sending, so a validation error is about the number.
    this.#focus(result.error.code === 'VALIDATION' ? 'identifier' : 'pin');
  }

  #focus(field: Field): void {
    this.active = field;
    this.focusRequest = { field, seq: ++this.#seq };
  }
}
