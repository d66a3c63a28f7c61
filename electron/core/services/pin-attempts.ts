import { KioskError } from '../../../shared/errors.ts';
import type { Database } from '../ledger/db.ts';

export const MAX_PIN_FAILURES = 5;
export const LOCKOUT_MINUTES = 15;

/**
 * Wrong PINs counted per subject (`account:<id>`, `staff:<id>`, or a hash of an unknown
 * identifier) in the ledger, so a restart does not reset them: the fifth in a row locks the
 * subject for LOCKOUT_MINUTES.
 */
export class PinAttempts {
  readonly #get;
  readonly #record;
  readonly #clear;

  constructor(
    db: Database,
    private readonly now: () => Date,
  ) {
    this.#get = db.prepare(`SELECT failures, locked_until FROM sign_in_attempts WHERE subject = ?`);
    this.#record = db.prepare(
      `INSERT INTO sign_in_attempts (subject, failures, locked_until) VALUES (@subject, @failures, @lockedUntil)
       ON CONFLICT(subject) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until`,
    );
    this.#clear = db.prepare(`DELETE FROM sign_in_attempts WHERE subject = ?`);
  }

  /** Throws LOCKED_OUT while the subject is locked. */
  assertOpen(subject: string): void {
    const state = this.#state(subject);
    if (state?.locked_until && Date.parse(state.locked_until) > this.now().getTime()) throw lockedOut(state.locked_until);
  }

  succeeded(subject: string): void {
    this.#clear.run(subject);
  }

  /** Counts a wrong PIN and throws: AUTH_FAILED with the attempts left, or LOCKED_OUT on the last one. */
  failed(subject: string, message: string): never {
    const state = this.#state(subject);
    const failures = (state?.locked_until ? 0 : (state?.failures ?? 0)) + 1;
    if (failures >= MAX_PIN_FAILURES) {
      const lockedUntil = new Date(this.now().getTime() + LOCKOUT_MINUTES * 60_000).toISOString();
      this.#record.run({ subject, failures, lockedUntil });
      throw lockedOut(lockedUntil);
    }
    this.#record.run({ subject, failures, lockedUntil: null });
    throw new KioskError('AUTH_FAILED', message, { attemptsLeft: MAX_PIN_FAILURES - failures });
  }

  #state(subject: string): { failures: number; locked_until: string | null } | undefined {
    return this.#get.get(subject) as { failures: number; locked_until: string | null } | undefined;
  }
}

function lockedOut(lockedUntil: string): KioskError {
  return new KioskError('LOCKED_OUT', 'Too many wrong PINs. Sign-in is locked for a while.', { lockedUntil });
}
