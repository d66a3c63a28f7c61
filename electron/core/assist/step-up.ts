import { KioskError } from '../../../shared/errors.ts';
import type { StaffMember, StaffSignIn } from './staff-sign-in.ts';

export interface ReconfirmSettings {
  /** How long a PIN given counts as the staff member being there (seconds). */
  afterSeconds: number;
  /** Money up to this much (minor units, added up since the PIN was last given) needs no PIN again. */
  aboveMinor: number;
}

/** The refusal the screens answer by asking the staff member for their PIN and sending again with it. */
export function staffPinNeeded(): KioskError {
  return new KioskError('FORBIDDEN', 'Give your staff PIN again to do this: it was last given more than a minute ago.', { needs: 'staffPin' });
}

/**
 * Staff authority belongs to the staff member, not to the screen. The sensitive steps (the
 * identity check, a PIN reset or unlock, money above a small amount) go ahead only when the staff
 * member gave their PIN within `afterSeconds` (on the core's clock), or give it again with the
 * request: assist mode left open, or kept open by someone else's taps, cannot open an account, reset
 * a PIN or move money. Small amounts done without the PIN add up: once their sum since the PIN was
 * last given would pass `aboveMinor`, the PIN is asked for too.
 *
 * A PIN given here is checked by the staff sign-in, so a wrong one counts towards locking the staff
 * id; a lock-out ends assist mode (`onLockedOut`).
 */
export class StaffReconfirmation {
  #last: { staffId: string; atMs: number; withoutPinMinor: number } | null = null;

  constructor(
    private readonly signIn: StaffSignIn,
    private readonly settings: ReconfirmSettings,
    private readonly now: () => Date,
    /** Whoever holds assist mode now: a PIN checked for someone who has meanwhile left changes nothing. */
    private readonly current: () => StaffMember | null,
    private readonly onLockedOut: () => void,
  ) {}

  /** The staff member gave their PIN (signing in, or again for a step). */
  given(staffId: string): void {
    this.#last = { staffId, atMs: this.now().getTime(), withoutPinMinor: 0 };
  }

  /** Assist mode ended: nobody's PIN counts any more. */
  forget(): void {
    this.#last = null;
  }

  /** A step that always needs a recent PIN (the identity check, a PIN reset). */
  async confirm(member: StaffMember, staffPin: string | undefined): Promise<void> {
    await this.accept(member, staffPin);
    if (!this.#fresh(member)) throw staffPinNeeded();
  }

  /** Checks a PIN sent with the request: then it is the PIN last given. */
  async accept(member: StaffMember, staffPin: string | undefined): Promise<void> {
    if (staffPin === undefined) return;
    await this.verify(member.staffId, staffPin);
    if (this.current()?.staffId !== member.staffId) throw new KioskError('FORBIDDEN', 'This needs a member of staff to sign in.');
    this.given(member.staffId);
  }

  /** A staff PIN checked by the staff sign-in (wrong ones count); locking the id of the member in assist mode ends it. */
  async verify(staffId: string, pin: string): Promise<StaffMember> {
    try {
      return await this.signIn.verify(staffId, pin);
    } catch (err) {
      if (err instanceof KioskError && err.code === 'LOCKED_OUT' && this.current()?.staffId === staffId) this.onLockedOut();
      throw err;
    }
  }

  /**
   * Money: throws `needs: staffPin` unless the PIN is recent or this amount still fits in what may
   * be done without it. Answers whether it went ahead without the PIN (then `spent` counts it).
   */
  checkMoney(member: StaffMember, amountMinor: number): { withoutPin: boolean } {
    if (this.#fresh(member)) return { withoutPin: false };
    const last = this.#last?.staffId === member.staffId ? this.#last : null;
    if ((last?.withoutPinMinor ?? 0) + amountMinor > this.settings.aboveMinor) throw staffPinNeeded();
    return { withoutPin: true };
  }

  /** Counts money done without the PIN (in the transaction that records it, after `checkMoney`). */
  spent(member: StaffMember, amountMinor: number): void {
    if (this.#last?.staffId === member.staffId) this.#last.withoutPinMinor += amountMinor;
    else this.#last = { staffId: member.staffId, atMs: Number.NEGATIVE_INFINITY, withoutPinMinor: amountMinor };
  }

  #fresh(member: StaffMember): boolean {
    const last = this.#last;
    return last !== null && last.staffId === member.staffId && this.now().getTime() - last.atMs <= this.settings.afterSeconds * 1000;
  }
}
