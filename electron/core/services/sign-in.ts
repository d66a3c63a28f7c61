import { createHash } from 'node:crypto';
import { KioskError } from '../../../shared/errors.ts';
import { parseSignInIdentifier } from '../../../shared/identifiers.ts';
import type { Language } from '../../../shared/locales.ts';
import type { Database } from '../ledger/db.ts';
import { burnPinCheck, verifyPin } from '../../../shared/node/pin.ts';

export const MAX_PIN_FAILURES = 5;
export const LOCKOUT_MINUTES = 15;

export interface SignedIn {
  accountId: string;
  customerName: string;
  language: Language;
}

interface AccountRow {
  account_id: string;
  name: string;
  language: Language;
  pin_hash: string;
}

/**
 * Checks an account or phone number and PIN. Failures are counted per account (and per unknown
 * identifier, so that an unknown number behaves exactly like a known one) in the ledger, so a
 * restart does not reset them. Nothing in the answer says whether the account exists.
 */
export class SignInService {
  readonly #byAccountNo;
  readonly #byPhone;
  readonly #attempts;
  readonly #recordFailure;
  readonly #clear;

  constructor(
    db: Database,
    private readonly countryCallingCode: string,
    private readonly now: () => Date,
  ) {
    const account = `SELECT a.id AS account_id, c.name, c.language, c.pin_hash FROM billing_accounts a JOIN customers c ON c.id = a.customer_id`;
    this.#byAccountNo = db.prepare(`${account} WHERE a.account_no = ?`);
    this.#byPhone = db.prepare(
      `${account} JOIN products p ON p.account_id = a.id WHERE p.identifier = ? AND p.kind IN ('mobile','fixed') AND p.status <> 'terminated' AND p.parent_id IS NULL`,
    );
    this.#attempts = db.prepare(`SELECT failures, locked_until FROM sign_in_attempts WHERE subject = ?`);
    this.#recordFailure = db.prepare(
      `INSERT INTO sign_in_attempts (subject, failures, locked_until) VALUES (@subject, @failures, @lockedUntil)
       ON CONFLICT(subject) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until`,
    );
    this.#clear = db.prepare(`DELETE FROM sign_in_attempts WHERE subject = ?`);
  }

  async signIn(rawIdentifier: string, pin: string): Promise<SignedIn> {
    const identifier = parseSignInIdentifier(rawIdentifier, this.countryCallingCode);
    if (!identifier) throw new KioskError('VALIDATION', 'Enter a 10-digit account number or a phone number.');
    const row = (identifier.kind === 'account' ? this.#byAccountNo.get(identifier.accountNo) : this.#byPhone.get(identifier.e164)) as
      | AccountRow
      | undefined;
    const subject = row
      ? `account:${row.account_id}`
      : `unknown:${createHash('sha256').update(identifier.kind === 'account' ? identifier.accountNo : identifier.e164).digest('hex')}`;

    const now = this.now();
    const state = this.#attempts.get(subject) as { failures: number; locked_until: string | null } | undefined;
    if (state?.locked_until && Date.parse(state.locked_until) > now.getTime()) {
      throw lockedOut(state.locked_until);
    }

    const ok = row ? await verifyPin(pin, row.pin_hash) : (await burnPinCheck(pin), false);
    if (ok && row) {
      this.#clear.run(subject);
      return { accountId: row.account_id, customerName: row.name, language: row.language };
    }

    const failures = (state?.locked_until ? 0 : (state?.failures ?? 0)) + 1;
    if (failures >= MAX_PIN_FAILURES) {
      const lockedUntil = new Date(now.getTime() + LOCKOUT_MINUTES * 60_000).toISOString();
      this.#recordFailure.run({ subject, failures, lockedUntil });
      throw lockedOut(lockedUntil);
    }
    this.#recordFailure.run({ subject, failures, lockedUntil: null });
    throw new KioskError('AUTH_FAILED', "That number and PIN don't match.", { attemptsLeft: MAX_PIN_FAILURES - failures });
  }
}

function lockedOut(lockedUntil: string): KioskError {
  return new KioskError('LOCKED_OUT', 'Too many wrong PINs. Sign-in is locked for a while.', { lockedUntil });
}
