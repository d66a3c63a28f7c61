import { createHash } from 'node:crypto';
import { KioskError } from '../../../shared/errors.ts';
import { parseSignInIdentifier } from '../../../shared/identifiers.ts';
import type { Language } from '../../../shared/locales.ts';
import type { Database } from '../ledger/db.ts';
import type { PinVerifiers } from '../../../shared/node/pin.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { PinAttempts, pinRefusal, type PinOutcome, type PinScope } from './pin-attempts.ts';

export interface SignedIn {
  accountId: string;
  customerName: string;
  language: Language;
}

interface AccountRow {
  account_id: string;
  customer_id: string;
  name: string;
  language: Language;
  pin_hash: string;
}

/** Who records a PIN check's failures on the trail: the kiosk itself, never the person typing (who may be anyone). */
export const SIGN_IN_ACTOR = { actorKind: 'system', actorId: 'sign-in' } as const;

/** What a sign-in service does once a check failed: the trail, and staff when someone seems to be guessing. */
export interface SignInWatch {
  audit: AuditLog;
  /** Called once per throttle window when wrong PINs for many different subjects pile up. */
  callStaff(scope: PinScope): void;
}

/** Puts a failed check on the trail (failed, or locked out by it) and calls staff when the throttle says so. */
export function recordFailure(watch: SignInWatch, scope: PinScope, outcome: Extract<PinOutcome, { ok: false }>, who: { accountId: string | null; after: Record<string, string> }): void {
  const lockedOut = outcome.lockedUntil !== null;
  watch.audit.record({
    ...SIGN_IN_ACTOR,
    action: `${scope}.${lockedOut ? 'lockedOut' : 'signInFailed'}`,
    accountId: who.accountId,
    after: { ...who.after, ...(lockedOut ? { lockedUntil: outcome.lockedUntil } : { attemptsLeft: outcome.attemptsLeft }) },
  });
  if (outcome.staffCalled) {
    watch.audit.record({ ...SIGN_IN_ACTOR, action: 'kiosk.signInThrottled', after: { scope, subjectsFailed: outcome.subjectsFailed } });
    watch.callStaff(scope);
  }
}

/**
 * Checks an account or phone number and PIN. Failures are counted per account (and per unknown
 * identifier, so that an unknown number behaves exactly like a known one) in the ledger before
 * the PIN is hashed, so neither a restart nor a burst of concurrent guesses resets them. Nothing
 * in the answer says whether the account exists; the trail records every outcome, never the PIN.
 */
export class SignInService {
  readonly #byAccountNo;
  readonly #byPhone;
  readonly #attempts: PinAttempts;

  constructor(
    db: Database,
    private readonly pins: PinVerifiers,
    private readonly countryCallingCode: string,
    now: () => Date,
    private readonly watch: SignInWatch,
  ) {
    const account = `SELECT a.id AS account_id, c.id AS customer_id, c.name, c.language, c.pin_hash FROM billing_accounts a JOIN customers c ON c.id = a.customer_id`;
    this.#byAccountNo = db.prepare(`${account} WHERE a.account_no = ?`);
    this.#byPhone = db.prepare(
      `${account} JOIN products p ON p.account_id = a.id WHERE p.identifier = ? AND p.kind IN ('mobile','fixed') AND p.status <> 'terminated' AND p.parent_id IS NULL`,
    );
    this.#attempts = new PinAttempts(db, 'customer', now);
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

    const outcome = await this.#attempts.check(subject, async () => (row ? this.pins.verify(pin, row.pin_hash) : (await this.pins.burn(pin), false)));
    const via = { via: identifier.kind };
    if (!outcome.ok) {
      recordFailure(this.watch, 'customer', outcome, { accountId: row?.account_id ?? null, after: via });
      throw pinRefusal(outcome, "That number and PIN don't match.");
    }
    // Only a known account's PIN can be right.
    const { account_id: accountId, customer_id: customerId, name, language } = row as AccountRow;
    this.watch.audit.record({ actorKind: 'customer', actorId: customerId, action: 'customer.signedIn', accountId, after: via });
    return { accountId, customerName: name, language };
  }
}
