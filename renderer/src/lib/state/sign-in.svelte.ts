import type { KioskApi } from '../../../../shared/contract/index.ts';
import type { SessionInfo } from '../../../../shared/contract/schemas.ts';
import type { KioskErrorData } from '../../../../shared/errors.ts';
import type { Translator } from '../../../../shared/i18n/translator.ts';
import { PinForm } from './pin-form.svelte.ts';

export type Field = 'identifier' | 'pin';

export const PIN_LENGTH = 4;
export const IDENTIFIER_MAX_LENGTH = 32;

/** Why the last attempt did not sign the customer in; turned into a sentence by signInMessage. */
export type SignInProblem =
  | { kind: 'authFailed'; attemptsLeft: number | null }
  | { kind: 'lockedOut'; lockedUntil: string | null }
  | { kind: 'throttled'; retryAt: string | null }
  | { kind: 'validation'; message: string }
  | { kind: 'missingIdentifier' }
  | { kind: 'missingPin' }
  | { kind: 'other' };

export type AuthProblem =
  | { kind: 'authFailed'; attemptsLeft: number | null }
  | { kind: 'lockedOut'; lockedUntil: string | null }
  | { kind: 'throttled'; retryAt: string | null };

/** A wrong PIN (with the attempts left), a lock-out (until when) or the kiosk slowed down after many wrong PINs, for customers and staff alike; null for any other error. */
export function authProblem(error: KioskErrorData): AuthProblem | null {
  if (error.code === 'AUTH_FAILED') {
    const left = error.details?.['attemptsLeft'];
    return { kind: 'authFailed', attemptsLeft: typeof left === 'number' && Number.isInteger(left) && left >= 0 ? left : null };
  }
  if (error.code === 'LOCKED_OUT') {
    const until = error.details?.['lockedUntil'];
    return { kind: 'lockedOut', lockedUntil: instantOrNull(until) };
  }
  if (error.code === 'THROTTLED') return { kind: 'throttled', retryAt: instantOrNull(error.details?.['retryAt']) };
  return null;
}

function instantOrNull(value: unknown): string | null {
  return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? value : null;
}

export function problemFromError(error: KioskErrorData): SignInProblem {
  const auth = authProblem(error);
  if (auth) return auth;
  switch (error.code) {
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
    case 'throttled':
      return problem.retryAt === null ? tr.t('signIn.error.throttledPlain') : tr.t('signIn.error.throttled', { time: tr.time(problem.retryAt) });
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
 * The sign-in form: the account or phone number and the PIN (see PinForm for the keypad and
 * focus handling), with the customer's own checks and `session.signIn`.
 */
export class SignInState extends PinForm<'identifier', SignInProblem> {
  readonly #api: KioskApi;
  readonly #onSuccess: (session: SessionInfo) => void;

  constructor(api: KioskApi, options: SignInOptions) {
    super('identifier', { cleanTyped: cleanIdentifier, cleanPin, pinReady: (pin) => pin.length === PIN_LENGTH });
    this.#api = api;
    this.#onSuccess = options.onSuccess;
    if (options.prefill) {
      this.setIdentifier(options.prefill);
      this.focus('pin');
    }
  }

  get identifier(): string {
    return this.typed;
  }

  get pinComplete(): boolean {
    return this.pin.length === PIN_LENGTH;
  }

  setIdentifier(raw: string): void {
    this.setTyped(raw);
  }

  async submit(): Promise<void> {
    if (this.busy) return;
    if (this.identifier.trim() === '') return this.refuse({ kind: 'missingIdentifier' }, 'identifier');
    if (!this.pinComplete) return this.refuse({ kind: 'missingPin' }, 'pin');
    await this.send(
      () => this.#api.invoke('session.signIn', { identifier: this.identifier.trim(), pin: this.pin }),
      this.#onSuccess,
      // The PIN is checked before sending, so a validation error is about the number.
      (error) => [problemFromError(error), error.code === 'VALIDATION' ? 'identifier' : 'pin'],
    );
  }
}
