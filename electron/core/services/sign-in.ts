import { createHash } from 'node:crypto';
import { KioskError } from '../../../shared/errors.ts';
import { parseSignInIdentifier } from '../../../shared/identifiers.ts';
import type { Language } from '../../../shared/locales.ts';
import type { Database } from '../ledger/db.ts';
import { burnPinCheck, verifyPin } from '../../../shared/node/pin.ts';
import { PinAttempts } from './pin-attempts.ts';

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
  readonly #attempts: PinAttempts;

  constructor(
    db: Database,
    private readonly countryCallingCode: string,
    now: () => Date,
  ) {
    const account = `SELECT a.id AS account_id, c.name, c.language, c.pin_hash FROM billing_accounts a JOIN customers c ON c.id = a.customer_id`;
    this.#byAccountNo = db.prepare(`${account} WHERE a.account_no = ?`);
    this.#byPhone = db.prepare(
      `${account} JOIN products p ON p.account_id = a.id WHERE p.identifier = ? AND p.kind IN ('mobile','fixed') AND p.status <> 'terminated' AND p.parent_id IS NULL`,
    );
    this.#attempts = new PinAttempts(db, now);
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

    this.#attempts.assertOpen(subject);
    const ok = row ? await verifyPin(pin, row.pin_hash) : (await burnPinCheck(pin), false);
    if (!ok || !row) return this.#attempts.failed(subject, "That number and PIN don't match.");
    this.#attempts.succeeded(subject);
    return { accountId: row.account_id, customerName: row.name, language: row.language };
  }
}
