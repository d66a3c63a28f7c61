import type { KioskApi } from '../../../../shared/contract/index.ts';
import type { StaffRole, StaffSessionInfo } from '../../../../shared/contract/assist.ts';
import type { Money } from '../../../../shared/money.ts';
import type { KioskErrorData, Result } from '../../../../shared/errors.ts';
import type { Translator } from '../../i18n/index.ts';
import { IdleCountdown } from './idle.svelte.ts';
import { PinForm } from './pin-form.svelte.ts';
import { authProblem } from './sign-in.svelte.ts';
import { TouchThrottle } from './throttle.ts';

export type StaffField = 'staffId' | 'pin';

export const STAFF_ID_MAX_LENGTH = 24;
export const STAFF_PIN_MIN_LENGTH = 4;
export const STAFF_PIN_MAX_LENGTH = 8;
const STAFF_ID = /^[A-Z0-9-]{2,24}$/;

/** Why the last staff sign-in did not start assist mode; turned into a sentence by staffSignInMessage. */
export type StaffSignInProblem =
  | { kind: 'authFailed'; attemptsLeft: number | null }
  | { kind: 'lockedOut'; lockedUntil: string | null }
  | { kind: 'throttled'; retryAt: string | null }
  | { kind: 'missingId' }
  | { kind: 'invalidId' }
  | { kind: 'invalidPin' }
  /** A supervisor's confirmation: the id given is not a supervisor's, or is the one asking. */
  | { kind: 'notSupervisor' }
  | { kind: 'ownAction' }
  /** Beyond what anyone may approve at this kiosk: headquarters decides. */
  | { kind: 'beyondAuthority' }
  | { kind: 'other' };

/** The core's error codes (AUTH_FAILED, LOCKED_OUT, VALIDATION) as problems the screen can say in any language. */
export function staffProblemFromError(error: KioskErrorData): StaffSignInProblem {
  const auth = authProblem(error);
  if (auth) return auth;
  switch (error.code) {
    case 'VALIDATION': {
      // The core's message is English; which field it is about is in its details.
      const issues = error.details?.['issues'];
      const about = issues && typeof issues === 'object' ? Object.keys(issues) : [];
      return about.includes('staffId') || !about.includes('pin') ? { kind: 'invalidId' } : { kind: 'invalidPin' };
    }
    default:
      return { kind: 'other' };
  }
}

/**
 * The core's answers to a supervisor's confirmation (dual control). FORBIDDEN says which: still
 * needing a supervisor with the limit named (the id is not a supervisor's), needing another
 * supervisor (their own action), or nobody at the kiosk may (headquarters decides).
 */
export function supervisorProblemFromError(error: KioskErrorData): StaffSignInProblem {
  if (error.code !== 'FORBIDDEN') return staffProblemFromError(error);
  if (error.details?.['needs'] !== 'supervisor') return { kind: 'beyondAuthority' };
  return 'limitMinor' in (error.details ?? {}) ? { kind: 'notSupervisor' } : { kind: 'ownAction' };
}

/** The sentence for a problem. Like the customer's, it never says whether a staff id exists. */
export function staffSignInMessage(problem: StaffSignInProblem, tr: Translator): string {
  switch (problem.kind) {
    case 'authFailed':
      return problem.attemptsLeft === null ? tr.t('assist.signIn.error.authFailedPlain') : tr.plural('assist.signIn.error.authFailed', problem.attemptsLeft);
    case 'lockedOut':
      return problem.lockedUntil === null
        ? tr.t('assist.signIn.error.lockedOutPlain')
        : tr.t('assist.signIn.error.lockedOut', { time: tr.time(problem.lockedUntil) });
    case 'throttled':
      return problem.retryAt === null ? tr.t('assist.signIn.error.throttledPlain') : tr.t('assist.signIn.error.throttled', { time: tr.time(problem.retryAt) });
    case 'missingId':
      return tr.t('assist.signIn.error.missingId');
    case 'invalidId':
      return tr.t('assist.signIn.error.invalidId');
    case 'invalidPin':
      return tr.t('assist.signIn.error.invalidPin');
    case 'notSupervisor':
      return tr.t('assist.confirm.error.notSupervisor');
    case 'ownAction':
      return tr.t('assist.confirm.error.ownAction');
    case 'beyondAuthority':
      return tr.t('assist.confirm.error.beyondAuthority');
    case 'other':
      return tr.t('assist.signIn.error.generic');
  }
}

/** A role as the banner says it. */
export function roleName(role: StaffRole, tr: Translator): string {
  return tr.t(role === 'supervisor' ? 'assist.role.supervisor' : 'assist.role.agent');
}

/** What a staff id may hold (letters, digits, dashes), upper-case as the core stores it. */
export function cleanStaffId(raw: string): string {
  return raw
    .toUpperCase()
    .replace(/[^A-Z0-9-]/g, '')
    .slice(0, STAFF_ID_MAX_LENGTH);
}

export function cleanStaffPin(raw: string): string {
  return raw.replace(/\D/g, '').slice(0, STAFF_PIN_MAX_LENGTH);
}

/**
 * A staff id (typed, or typed by a badge reader that ends with Enter) and a PIN of 4 to 8 digits,
 * checked here and then sent: the staff sign-in (`staff.signIn`), or a supervisor confirming an
 * action on the spot (the same decision sent again with `supervisor`). Enter in a filled-in staff
 * id moves on to the PIN. See PinForm for the keypad and focus.
 */
export class StaffSignInForm<T = StaffSessionInfo> extends PinForm<StaffField, StaffSignInProblem> {
  readonly #send: (staffId: string, pin: string) => Promise<Result<T>>;
  readonly #onSuccess: (value: T) => void;
  readonly #fromError: (error: KioskErrorData) => StaffSignInProblem;

  /** Without `send`, signs staff in; with it, sends what it is given (a supervisor's confirmation). */
  constructor(
    api: KioskApi,
    onSuccess: (value: T) => void,
    send?: { send: (staffId: string, pin: string) => Promise<Result<T>>; fromError?: (error: KioskErrorData) => StaffSignInProblem },
  ) {
    super('staffId', { cleanTyped: cleanStaffId, cleanPin: cleanStaffPin, pinReady: (pin) => pin.length >= STAFF_PIN_MIN_LENGTH });
    this.#onSuccess = onSuccess;
    this.#send = send?.send ?? ((staffId, pin) => api.invoke('staff.signIn', { staffId, pin }) as Promise<Result<T>>);
    this.#fromError = send?.fromError ?? staffProblemFromError;
  }

  get staffId(): string {
    return this.typed;
  }

  setStaffId(raw: string): void {
    this.setTyped(raw);
  }

  async submit(): Promise<void> {
    if (this.busy) return;
    if (this.staffId === '') return this.refuse({ kind: 'missingId' }, 'staffId');
    if (!STAFF_ID.test(this.staffId)) return this.refuse({ kind: 'invalidId' }, 'staffId');
    if (this.pin.length < STAFF_PIN_MIN_LENGTH) return this.refuse({ kind: 'invalidPin' }, 'pin');
    await this.send(
      () => this.#send(this.staffId, this.pin),
      this.#onSuccess,
      (error) => {
        const problem = this.#fromError(error);
        // About who: the id; otherwise the PIN.
        return [problem, problem.kind === 'invalidId' || problem.kind === 'notSupervisor' || problem.kind === 'ownAction' ? 'staffId' : 'pin'];
      },
    );
  }
}

/** What a supervisor is asked to confirm, for the dialog to say (it is the staff member's own decision, sent again). */
export type ConfirmSubject =
  | { kind: 'creditApprove'; customerName: string; limit: Money }
  | { kind: 'creditDecline'; customerName: string }
  | { kind: 'orderApprove'; customerName: string; offeringName: string; monthlyChange: Money }
  | { kind: 'orderDecline'; customerName: string }
  | { kind: 'feeWaiver'; billNo: string; amount: Money }
  | { kind: 'adjustment'; direction: 'credit' | 'debit'; amount: Money };

export interface SupervisorConfirmation {
  subject: ConfirmSubject;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each request answers its own type
  form: StaffSignInForm<any>;
  cancel: () => void;
}

/** The core's answer means a supervisor must confirm on the spot (and any supervisor would do). */
export function needsSupervisor(error: KioskErrorData): boolean {
  return error.code === 'FORBIDDEN' && error.details?.['needs'] === 'supervisor';
}

export interface AssistOptions {
  /** Assist mode is over (signed out, timed out or ended by the core): the app wipes and reloads. */
  onEnded: () => void | Promise<void>;
  /** Staff signed in through the dialog (the app opens the assist desk when no customer is signed in). */
  onSignedIn?: (staff: StaffSessionInfo) => void;
  now?: () => number;
  /** Least time between two activity touches of the staff clock (default 5 s). */
  touchIntervalMs?: number;
}

/**
 * Assist mode as the screens see it: who of the staff is signed in (for the banner on every
 * screen), the staff sign-in dialog, and the staff idle warning. The core holds the staff session
 * and its idle clock; this follows its events and, after a reload, asks it with `staff.session`.
 */
export class AssistState {
  staff = $state<StaffSessionInfo | null>(null);
  /** The sign-in dialog's form while the dialog is open. */
  form = $state<StaffSignInForm | null>(null);
  /** Dual control: a supervisor's id and PIN asked for, on top of whatever screen asked. */
  confirmation = $state<SupervisorConfirmation | null>(null);
  ending = $state(false);
  readonly idle: IdleCountdown;

  readonly #api: KioskApi;
  readonly #options: AssistOptions;
  readonly #throttle: TouchThrottle;
  readonly #subscriptions: Array<() => void> = [];
  #ended = false;

  constructor(api: KioskApi, options: AssistOptions) {
    this.#api = api;
    this.#options = options;
    const now = options.now ?? (() => Date.now());
    this.idle = new IdleCountdown(now);
    this.#throttle = new TouchThrottle({ intervalMs: options.touchIntervalMs ?? 5000, now });
  }

  get active(): boolean {
    return this.staff !== null;
  }

  get dialogOpen(): boolean {
    return this.form !== null || this.confirmation !== null;
  }

  /**
   * Dual control. Sends a staff decision; when the core answers that it is above the staff
   * member's authority, asks for a supervisor's id and PIN in a dialog and sends the same decision
   * again with them, as often as the supervisor needs (a wrong PIN, not a supervisor, their own
   * action: said in the dialog). Answers the core's last answer, or null when the dialog was
   * cancelled. Any other answer closes the dialog and is handed back as it is.
   */
  async withSupervisor<T>(send: (supervisor?: { staffId: string; pin: string }) => Promise<Result<T>>, subject: ConfirmSubject): Promise<Result<T> | null> {
    const first = await send();
    if (first.ok || !needsSupervisor(first.error) || this.ending) return first;
    return new Promise((resolve) => {
      const done = (answer: Result<T> | null): void => {
        this.confirmation = null;
        resolve(answer);
      };
      const form = new StaffSignInForm<T>(this.#api, (value) => done({ ok: true, value }), {
        send: async (staffId, pin) => {
          const answer = await send({ staffId, pin });
          // What the dialog cannot help with (the request was decided meanwhile, staff signed out) goes back to the screen.
          if (!answer.ok && !['AUTH_FAILED', 'LOCKED_OUT', 'FORBIDDEN', 'VALIDATION'].includes(answer.error.code)) done(answer);
          return answer;
        },
        fromError: supervisorProblemFromError,
      });
      this.confirmation = { subject, form, cancel: () => done(null) };
    });
  }

  /** Cancel on the supervisor's dialog (not while it is checking). */
  cancelConfirmation(): void {
    if (!this.confirmation?.form.busy) this.confirmation?.cancel();
  }

  /** Follows the core's assist events and brings the banner back after a reload. */
  async init(): Promise<void> {
    this.#subscriptions.push(
      this.#api.on('assist.idleWarning', ({ secondsLeft }) => {
        if (this.active && !this.ending) this.idle.show(secondsLeft);
      }),
      this.#api.on('assist.resumed', () => this.idle.hide()),
      this.#api.on('assist.ended', () => void this.#end()),
    );
    const result = await this.#api.invoke('staff.session', {});
    if (result.ok && result.value && !this.ending) this.staff = result.value;
  }

  openSignIn(): void {
    if (this.active || this.ending) return;
    this.form = new StaffSignInForm(this.#api, (staff) => {
      this.staff = staff;
      this.form = null;
      this.#throttle.reset();
      this.#throttle.hit(); // signing in was the latest activity
      this.#options.onSignedIn?.(staff);
    });
  }

  /** Closes the dialog, forgetting what was typed. */
  closeSignIn(): void {
    if (this.form?.busy) return;
    this.form = null;
  }

  /** "End assist mode": signed out or not, the kiosk goes back to a clean state. */
  async signOut(): Promise<void> {
    if (this.ending) return;
    this.ending = true;
    try {
      await this.#api.invoke('staff.signOut', {});
    } finally {
      await this.#end();
    }
  }

  /** "Continue" on the staff idle warning. */
  stillHere(): void {
    this.idle.hide();
    if (this.#throttle.hit(true)) void this.touch();
  }

  /** A tap or key in assist mode with no customer signed in (a customer's session.touch counts for staff too). */
  activity(): void {
    if (!this.active || this.ending) return;
    if (this.#throttle.hit(this.idle.visible)) void this.touch();
  }

  /** Tells the core staff are still here (asking who is in assist mode touches their clock); ends assist mode here if the core says they are gone. */
  async touch(): Promise<void> {
    if (!this.active) return;
    const result = await this.#api.invoke('staff.session', {});
    if (result.ok && result.value) this.idle.hide();
    else if (result.ok || result.error.code === 'FORBIDDEN' || result.error.code === 'NOT_SIGNED_IN') await this.#end();
  }

  /** The kiosk is being cleared for another reason (a customer's session ended): drop everything. */
  reset(): void {
    this.idle.hide();
    this.form = null;
    this.confirmation?.cancel();
  }

  dispose(): void {
    this.idle.dispose();
    for (const off of this.#subscriptions.splice(0)) off();
  }

  async #end(): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    this.ending = true;
    this.idle.hide();
    this.form = null;
    this.confirmation?.cancel();
    this.staff = null;
    await this.#options.onEnded();
  }
}
