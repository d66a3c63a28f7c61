import type { KioskApi } from '../../../../shared/contract/index.ts';
import { AuthorityRefusal, type StaffSessionInfo } from '../../../../shared/contract/assist.ts';
import type { StaffRole } from '../../../../shared/domain/staff-role.ts';
import type { KioskErrorData, Result } from '../../../../shared/errors.ts';
import type { Translator } from '../../../../shared/i18n/translator.ts';
import { IdleCountdown } from './idle.svelte.ts';
import { PinForm } from './pin-form.svelte.ts';
import { authProblem } from './sign-in.svelte.ts';
import { TouchThrottle } from './throttle.ts';
import { limitText } from '../authority-text.ts';
import type { AuthorityProblem, Cancelled, ConfirmSubject } from '../authority.ts';

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
  /** Above what the supervisor given may still approve (their own limits): another supervisor must. */
  | { kind: 'supervisorLimit'; refusal: AuthorityRefusal }
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

/** What a FORBIDDEN answer says is needed and why (AuthorityRefusal); null for any other answer. */
export function refusalOf(error: KioskErrorData): AuthorityRefusal | null {
  if (error.code !== 'FORBIDDEN') return null;
  const parsed = AuthorityRefusal.safeParse(error.details);
  return parsed.success ? parsed.data : null;
}

/**
 * The core's answers to a supervisor's confirmation (dual control). FORBIDDEN says which: the id
 * is not a supervisor's, is the one asking, is above that supervisor's own limits, or nobody at the
 * kiosk may (headquarters decides).
 */
export function supervisorProblemFromError(error: KioskErrorData): StaffSignInProblem {
  if (error.code !== 'FORBIDDEN') return staffProblemFromError(error);
  const refusal = refusalOf(error);
  switch (refusal?.reason) {
    case 'notSupervisor':
      return { kind: 'notSupervisor' };
    case 'ownAction':
      return { kind: 'ownAction' };
    case 'supervisorOverLimit':
      return { kind: 'supervisorLimit', refusal };
    default:
      return { kind: 'beyondAuthority' };
  }
}

/** The sentence for a problem. Like the customer's, it never says whether a staff id exists. */
export function staffSignInMessage(problem: StaffSignInProblem, tr: Translator): string {
  if (problem.kind === 'supervisorLimit') return limitText(problem.refusal, tr);
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
 * checked here and then sent: the staff sign-in (`staff.signIn`), a supervisor confirming an
 * action on the spot (the same decision sent again with `supervisor`), or, with `staffId` fixed,
 * the staff member in assist mode giving their own PIN again (a step that asks for it, the idle
 * warning's Continue). Enter in a filled-in staff id moves on to the PIN. See PinForm for the
 * keypad and focus.
 */
export class StaffSignInForm<T = StaffSessionInfo> extends PinForm<StaffField, StaffSignInProblem> {
  /** The staff id when it is not for typing (the one in assist mode); null when it is typed. */
  readonly fixedStaffId: string | null;
  readonly #send: (staffId: string, pin: string) => Promise<Result<T>>;
  readonly #onSuccess: (value: T) => void;
  readonly #fromError: (error: KioskErrorData) => StaffSignInProblem;

  /** Without `send`, signs staff in; with it, sends what it is given (a supervisor's confirmation, a step's PIN). */
  constructor(
    api: KioskApi,
    onSuccess: (value: T) => void,
    send?: { send?: (staffId: string, pin: string) => Promise<Result<T>>; fromError?: (error: KioskErrorData) => StaffSignInProblem; staffId?: string },
  ) {
    super('staffId', { cleanTyped: cleanStaffId, cleanPin: cleanStaffPin, pinReady: (pin) => pin.length >= STAFF_PIN_MIN_LENGTH });
    this.#onSuccess = onSuccess;
    this.#send = send?.send ?? ((staffId, pin) => api.invoke('staff.signIn', { staffId, pin }) as Promise<Result<T>>);
    this.#fromError = send?.fromError ?? staffProblemFromError;
    this.fixedStaffId = send?.staffId ?? null;
    if (this.fixedStaffId !== null) {
      this.setTyped(this.fixedStaffId);
      this.active = 'pin';
    }
  }

  get staffId(): string {
    return this.typed;
  }

  setStaffId(raw: string): void {
    if (this.fixedStaffId === null) this.setTyped(raw);
  }

  override activate(field: StaffField): void {
    super.activate(this.fixedStaffId === null ? field : 'pin');
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


/** A PIN asked for, on top of whatever screen asked: a supervisor's (dual control), or the staff member's own again (a step-up). */
export interface PinRequest {
  subject: ConfirmSubject;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each request answers its own type
  form: StaffSignInForm<any>;
  /** The refusal that opened it: which limit the request is above, and what is left. */
  why: AuthorityRefusal;
  cancel: () => void;
}
/** What came with a staff request when the core asked for it: a supervisor's confirmation, the staff member's own PIN. */
export interface Proof {
  supervisor?: { staffId: string; pin: string };
  staffPin?: string;
}



/** The problem for the screen to say when the request went no further (null: another answer, the screen's own business). */
export function authorityProblem(answer: Result<unknown> | Cancelled): AuthorityProblem | null {
  if ('cancelled' in answer) return { kind: 'cancelled', by: answer.cancelled };
  if (answer.ok || answer.error.code !== 'FORBIDDEN') return null;
  return { kind: 'beyondAuthority', refusal: refusalOf(answer.error) };
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

/** Answers a PIN dialog keeps to itself (said in the dialog, to try again); anything else closes it and goes back to whoever asked. */
const keptBy: Record<'supervisor' | 'stepUp', (error: KioskErrorData) => boolean> = {
  supervisor: (error) => ['AUTH_FAILED', 'LOCKED_OUT', 'VALIDATION'].includes(error.code) || refusalOf(error)?.needs === 'supervisor',
  stepUp: (error) => ['AUTH_FAILED', 'VALIDATION'].includes(error.code),
};

/**
 * Assist mode as the screens see it: who of the staff is signed in (for the banner on every
 * screen), the staff sign-in dialog, the PIN dialogs a staff request may need (a supervisor's, the
 * staff member's own again), and the staff idle warning, which carries on only with the staff
 * member's PIN. The core holds the staff session and its idle clock, and only staff calls push it
 * on: this follows its events, tells it when staff work on an assist screen (`staff.touch`) and,
 * after a reload, asks who is in assist mode with `staff.session` (which only reports).
 */
export class AssistState {
  staff = $state<StaffSessionInfo | null>(null);
  /** The sign-in dialog's form while the dialog is open. */
  form = $state<StaffSignInForm | null>(null);
  /** Dual control: a supervisor's id and PIN asked for, on top of whatever screen asked. */
  confirmation = $state<PinRequest | null>(null);
  /** A step that needs the staff member's own PIN again (it was given more than a minute ago). */
  stepUp = $state<PinRequest | null>(null);
  /** While the idle warning is up: the staff member's PIN carries on. */
  continueForm = $state<StaffSignInForm | null>(null);
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
    return this.form !== null || this.confirmation !== null || this.stepUp !== null;
  }

  /**
   * Sends a staff request and answers what the core asks for, as often as it asks: its staff
   * member's own PIN again (a dialog with their id shown), then the same request with `staffPin`;
   * above their authority, a supervisor's id and PIN (dual control), then the same request with
   * `supervisor`. A wrong PIN, not a supervisor, their own action: said in the dialog, which stays.
   * Answers the core's last answer, or which dialog was cancelled.
   */
  async authorised<T>(send: (proof: Proof) => Promise<Result<T>>, subject: ConfirmSubject): Promise<Result<T> | Cancelled> {
    let answer = await send({});
    for (;;) {
      if (answer.ok || this.ending) return answer;
      const why = refusalOf(answer.error);
      let next: Result<T> | null;
      if (why?.needs === 'staffPin') {
        next = await this.#askPin('stepUp', subject, why, (_staffId, pin) => send({ staffPin: pin }));
        if (next === null) return { cancelled: 'staffPin' };
      } else if (why?.needs === 'supervisor' && why.reason === 'overLimit') {
        next = await this.#askPin('supervisor', subject, why, (staffId, pin) => send({ supervisor: { staffId, pin } }));
        if (next === null) return { cancelled: 'supervisor' };
      } else {
        return answer;
      }
      answer = next;
    }
  }

  /** Cancel on a PIN dialog (not while it is checking). */
  cancelConfirmation(): void {
    if (!this.confirmation?.form.busy) this.confirmation?.cancel();
  }

  cancelStepUp(): void {
    if (!this.stepUp?.form.busy) this.stepUp?.cancel();
  }

  /** Follows the core's assist events and brings the banner back after a reload. */
  async init(): Promise<void> {
    this.#subscriptions.push(
      this.#api.on('assist.idleWarning', ({ secondsLeft }) => {
        if (!this.staff || this.ending) return;
        this.idle.show(secondsLeft);
        this.continueForm ??= new StaffSignInForm(this.#api, (staff) => this.#carryOn(staff), { staffId: this.staff.staffId });
      }),
      this.#api.on('assist.resumed', () => this.#carryOn()),
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

  /** A tap or key on an assist screen (the desk, counter cash, fees, unlock): staff at work. Customers' screens never touch the staff clock. */
  activity(): void {
    if (!this.active || this.ending || this.idle.visible) return;
    if (this.#throttle.hit()) void this.touch();
  }

  /** Tells the core staff are still at work (`staff.touch`); ends assist mode here if the core says they are gone. */
  async touch(): Promise<void> {
    if (!this.active) return;
    const result = await this.#api.invoke('staff.touch', {});
    if (!result.ok && (result.error.code === 'FORBIDDEN' || result.error.code === 'NOT_SIGNED_IN')) await this.#end();
  }

  /** The kiosk is being cleared for another reason (a customer's session ended): drop everything. */
  reset(): void {
    this.idle.hide();
    this.form = null;
    this.continueForm = null;
    this.confirmation?.cancel();
    this.stepUp?.cancel();
  }

  dispose(): void {
    this.idle.dispose();
    for (const off of this.#subscriptions.splice(0)) off();
  }

  /** Opens a PIN dialog for a request; resolves with the core's answer it closed on, or null when cancelled. */
  #askPin<T>(which: 'supervisor' | 'stepUp', subject: ConfirmSubject, why: AuthorityRefusal, send: (staffId: string, pin: string) => Promise<Result<T>>): Promise<Result<T> | null> {
    return new Promise((resolve) => {
      const done = (answer: Result<T> | null): void => {
        if (which === 'supervisor') this.confirmation = null;
        else this.stepUp = null;
        resolve(answer);
      };
      const form = new StaffSignInForm<T>(this.#api, (value) => done({ ok: true, value }), {
        send: async (staffId, pin) => {
          const answer = await send(staffId, pin);
          if (!answer.ok && !keptBy[which](answer.error)) done(answer);
          return answer;
        },
        fromError: which === 'supervisor' ? supervisorProblemFromError : staffProblemFromError,
        ...(which === 'stepUp' && this.staff ? { staffId: this.staff.staffId } : {}),
      });
      const request: PinRequest = { subject, form, why, cancel: () => done(null) };
      if (which === 'supervisor') this.confirmation = request;
      else this.stepUp = request;
    });
  }

  /** The idle warning is over because staff gave their PIN (or the core says they carried on). */
  #carryOn(staff?: StaffSessionInfo): void {
    if (staff) this.staff = staff;
    this.idle.hide();
    this.continueForm = null;
    this.#throttle.reset();
    this.#throttle.hit();
  }

  async #end(): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    this.ending = true;
    this.idle.hide();
    this.form = null;
    this.continueForm = null;
    this.confirmation?.cancel();
    this.stepUp?.cancel();
    this.staff = null;
    await this.#options.onEnded();
  }
}
