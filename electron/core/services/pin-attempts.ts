import { KioskError } from '../../../shared/errors.ts';
import type { Database } from '../ledger/db.ts';

export const MAX_PIN_FAILURES = 5;
export const LOCKOUT_MINUTES = 15;

/**
 * The kiosk-wide throttle: wrong PINs for *different* subjects within the window slow every
 * sign-in of that scope down, so guessing one PIN across many accounts (each with its own five
 * tries) costs time; and staff are called. The same subject failing again is the lock-out's job.
 */
export const THROTTLE = {
  windowMinutes: 15,
  /** Subjects that may fail within the window before the kiosk slows down. */
  freeSubjects: 3,
  /** The wait after the last failure once slowed down: doubled for each subject more, at most maxDelaySeconds. */
  firstDelaySeconds: 5,
  maxDelaySeconds: 300,
  /** Subjects failed within the window when staff are called (once per window). */
  callStaffAtSubjects: 5,
} as const;

/** Customers and staff are throttled apart: a customer's guessing never keeps the staff who come to help from signing in. */
export type PinScope = 'customer' | 'staff';

/** The one attempt a check was allowed: counted as a failure until its PIN proves right. */
export interface PinReservation {
  readonly subject: string;
  readonly failureId: number;
  /** Tries left after this one, if it fails. */
  readonly attemptsLeft: number;
  /** Set when this attempt is the last one: failing it leaves the subject locked until then. */
  readonly lockedUntil: string | null;
}

export type PinOutcome =
  | { ok: true }
  | { ok: false; attemptsLeft: number; lockedUntil: string | null; subjectsFailed: number; staffCalled: boolean };

interface AttemptRow {
  failures: number;
  locked_until: string | null;
}

/**
 * Wrong PINs counted per subject (`account:<id>`, `staff:<id>`, or a hash of an unknown
 * identifier) in the ledger. An attempt is reserved, and counted as a failure, *before* its PIN is
 * hashed, in one transaction with the lock check: concurrent guesses cannot outrun the lock-out
 * (the fifth reservation locks, the rest are refused unhashed), a crash mid-check leaves the
 * attempt counted, and nothing but time, a right PIN or staff unlocks a subject.
 */
export class PinAttempts {
  readonly #reserve;
  readonly #succeed;
  readonly #failed;

  constructor(
    db: Database,
    private readonly scope: PinScope,
    private readonly now: () => Date,
  ) {
    const get = db.prepare(`SELECT failures, locked_until FROM sign_in_attempts WHERE subject = ?`);
    const put = db.prepare(
      `INSERT INTO sign_in_attempts (subject, failures, locked_until) VALUES (@subject, @failures, @lockedUntil)
       ON CONFLICT(subject) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until`,
    );
    const clear = db.prepare(`DELETE FROM sign_in_attempts WHERE subject = ?`);
    const prune = db.prepare(`DELETE FROM pin_failures WHERE scope = ? AND failed_at <= ?`);
    const recent = db.prepare(`SELECT COUNT(DISTINCT subject) AS subjects, MAX(failed_at) AS last FROM pin_failures WHERE scope = ? AND failed_at > ?`);
    const addFailure = db.prepare(`INSERT INTO pin_failures (scope, subject, failed_at) VALUES (?, ?, ?)`);
    const dropFailure = db.prepare(`DELETE FROM pin_failures WHERE id = ?`);
    const called = db.prepare(`SELECT value FROM meta WHERE key = ?`).pluck();
    const markCalled = db.prepare(`INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`);
    const calledKey = `pinThrottle.${scope}.staffCalledAt`;
    const windowStart = (at: Date) => new Date(at.getTime() - THROTTLE.windowMinutes * 60_000).toISOString();

    this.#reserve = db.transaction((subject: string): PinReservation => {
      const at = this.now();
      const since = windowStart(at);
      prune.run(this.scope, since);
      const { subjects, last } = recent.get(this.scope, since) as { subjects: number; last: string | null };
      if (last !== null && subjects >= THROTTLE.freeSubjects) {
        const retryAt = new Date(Date.parse(last) + throttleDelaySeconds(subjects) * 1000);
        if (retryAt > at) throw throttled(retryAt.toISOString());
      }
      const state = get.get(subject) as AttemptRow | undefined;
      if (state?.locked_until && Date.parse(state.locked_until) > at.getTime()) throw lockedOut(state.locked_until);
      // A lock that has run out starts a new count; a failure never does.
      const failures = (state?.locked_until ? 0 : (state?.failures ?? 0)) + 1;
      if (failures > MAX_PIN_FAILURES) throw lockedOut(state?.locked_until ?? at.toISOString());
      const lockedUntil = failures === MAX_PIN_FAILURES ? new Date(at.getTime() + LOCKOUT_MINUTES * 60_000).toISOString() : null;
      put.run({ subject, failures, lockedUntil });
      const failureId = Number(addFailure.run(this.scope, subject, at.toISOString()).lastInsertRowid);
      return { subject, failureId, attemptsLeft: MAX_PIN_FAILURES - failures, lockedUntil };
    });
    this.#succeed = db.transaction((reservation: PinReservation) => {
      clear.run(reservation.subject);
      dropFailure.run(reservation.failureId);
    });
    this.#failed = db.transaction((): { subjectsFailed: number; staffCalled: boolean } => {
      const at = this.now();
      const since = windowStart(at);
      const { subjects } = recent.get(this.scope, since) as { subjects: number };
      const lastCall = called.get(calledKey) as string | undefined;
      const staffCalled = subjects >= THROTTLE.callStaffAtSubjects && (lastCall === undefined || lastCall <= since);
      if (staffCalled) markCalled.run(calledKey, at.toISOString());
      return { subjectsFailed: subjects, staffCalled };
    });
  }

  /**
   * One PIN check for a subject: throws LOCKED_OUT or THROTTLED before `verify` runs when no
   * attempt may be made; otherwise the attempt is counted, `verify` runs, and only a right PIN
   * takes the count back (and clears the subject's failures).
   */
  async check(subject: string, verify: () => Promise<boolean>): Promise<PinOutcome> {
    const reservation = this.#reserve.immediate(subject);
    let ok = false;
    try {
      ok = await verify();
    } finally {
      if (ok) this.#succeed(reservation);
    }
    if (ok) return { ok: true };
    return { ok: false, attemptsLeft: reservation.attemptsLeft, lockedUntil: reservation.lockedUntil, ...this.#failed() };
  }
}

/** How long the kiosk waits after the last failure once `subjects` different ones failed within the window. */
export function throttleDelaySeconds(subjects: number): number {
  if (subjects < THROTTLE.freeSubjects) return 0;
  return Math.min(THROTTLE.firstDelaySeconds * 2 ** (subjects - THROTTLE.freeSubjects), THROTTLE.maxDelaySeconds);
}

/** The error for a failed outcome: AUTH_FAILED with the attempts left, or LOCKED_OUT when it was the last. */
export function pinRefusal(outcome: Extract<PinOutcome, { ok: false }>, message: string): KioskError {
  if (outcome.lockedUntil !== null) return lockedOut(outcome.lockedUntil);
  return new KioskError('AUTH_FAILED', message, { attemptsLeft: outcome.attemptsLeft });
}

function lockedOut(lockedUntil: string): KioskError {
  return new KioskError('LOCKED_OUT', 'Too many wrong PINs. Sign-in is locked for a while.', { lockedUntil });
}

function throttled(retryAt: string): KioskError {
  return new KioskError('THROTTLED', 'Too many wrong PINs at this kiosk. Please wait a moment; staff have been told.', { retryAt });
}
