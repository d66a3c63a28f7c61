import { dateInZone } from '../../../shared/calendar.ts';
import type { AuthorityKind, AuthorityRefusal } from '../../../shared/contract/assist.ts';
import { KioskError } from '../../../shared/errors.ts';
import type { Database } from '../ledger/db.ts';
import type { Authority, Limit } from '../settings/schema.ts';
import type { StaffMember, StaffSignIn } from './staff-sign-in.ts';
import type { StaffReconfirmation } from './step-up.ts';

export type { AuthorityKind };

/** A supervisor confirming on the spot: their id and PIN, typed at the kiosk. */
export interface SupervisorConfirmation {
  staffId: string;
  pin: string;
}

/** What a staff action asks of its actor's authority. */
export interface AuthorityAsk {
  kind: AuthorityKind;
  /** What the per-request limit bounds (for a credit decision: the limit granted). */
  amountMinor: number;
  /** What it adds to the day's total and is the money at stake (for a credit decision: the increase); `amountMinor` unless said. */
  addsMinor?: number;
}

/** What came with the request: a supervisor's confirmation, the staff member's own PIN again. */
export interface AuthorityProof {
  supervisor?: SupervisorConfirmation | undefined;
  staffPin?: string | undefined;
}

/** An action allowed, to be counted (`commit`) in the transaction that records it. */
export interface Grant {
  member: StaffMember;
  kind: AuthorityKind;
  amountMinor: number;
  addsMinor: number;
  /** The supervisor who confirmed it (null: within the member's own authority). */
  approvedBy: string | null;
  approver: StaffMember | null;
  /** Went ahead on a PIN given more than a minute ago, as a small amount: it counts towards the next PIN. */
  withoutPin: boolean;
}

/** Which of someone's limits an action is above, what it is, what they used of it today and what is left of their day. */
interface Over {
  limit: 'perRequest' | 'perDay';
  limitMinor: number;
  usedTodayMinor: number;
  leftMinor: number;
}

export interface AuthoritySettings {
  limits: Record<StaffMember['role'], Authority>;
  currency: string;
  timeZone: string;
}

/**
 * Staff authority, enforced here and not only in the screens. Each kind (fee waivers,
 * adjustments, credit, counter cash) has a limit per request and per staff member per day; what a
 * member did today, in the branch's time zone, is read from the ledger (`staff_authority_uses`), so
 * it adds up across requests and restarts. Within both limits an action goes ahead on the member's
 * own authority; above either, a supervisor other than them must confirm with their PIN (dual
 * control), within the supervisor's own limits, and it counts against both their days. Above the
 * supervisors' limit for one request, headquarters decides. Every refusal says which limit, what it
 * is, what was used of it today and what is left (AuthorityRefusal).
 *
 * `authorise` decides before anything is written (a supervisor's PIN takes a moment); `commit`,
 * called in the transaction that records the action, checks the day again and counts it, so two
 * requests at once cannot both fit in what was left. A wrong supervisor PIN counts towards locking
 * that supervisor's id, as any staff sign-in does.
 */
export class AuthorityCheck {
  readonly #usedToday;
  readonly #use;

  constructor(
    db: Database,
    private readonly settings: AuthoritySettings,
    private readonly signIn: StaffSignIn,
    private readonly reconfirm: StaffReconfirmation,
    private readonly now: () => Date,
  ) {
    this.#usedToday = db.prepare(`SELECT COALESCE(SUM(amount_minor), 0) FROM staff_authority_uses WHERE staff_id = ? AND kind = ? AND day = ?`).pluck();
    this.#use = db.prepare(
      `INSERT INTO staff_authority_uses (staff_id, kind, amount_minor, day, ref, as_approver, occurred_at) VALUES (@staffId, @kind, @amountMinor, @day, @ref, @asApprover, @at)`,
    );
  }

  /** Whether the member may go ahead, and on whose authority; FORBIDDEN (AuthorityRefusal details) when not. */
  async authorise(member: StaffMember, ask: AuthorityAsk, proof: AuthorityProof = {}): Promise<Grant> {
    const addsMinor = ask.addsMinor ?? ask.amountMinor;
    // Who is asking comes first: a stale PIN is asked for before anything about limits is said.
    await this.reconfirm.accept(member, proof.staffPin);
    const { withoutPin } = this.reconfirm.checkMoney(member, addsMinor);
    const grant: Grant = { member, kind: ask.kind, amountMinor: ask.amountMinor, addsMinor, approvedBy: null, approver: null, withoutPin };
    const own = this.#over(member, grant);
    if (own === null) return grant;
    const highest = this.settings.limits.supervisor[ask.kind].perRequestMinor;
    if (ask.amountMinor > highest) {
      throw this.#refusal('This is beyond what anyone may approve at this kiosk: headquarters must decide.', {
        needs: 'headquarters',
        kind: ask.kind,
        limit: 'perRequest',
        limitMinor: highest,
      });
    }
    const overLimit = { needs: 'supervisor', reason: 'overLimit', kind: ask.kind, staffId: member.staffId, ...own } as const;
    if (!proof.supervisor) {
      throw this.#refusal(
        own.limit === 'perDay'
          ? 'This is above what is left of your authority today: a supervisor must confirm it with their PIN.'
          : 'This is above your authority: a supervisor must confirm it with their PIN.',
        overLimit,
      );
    }
    const confirming = await this.signIn.verify(proof.supervisor.staffId, proof.supervisor.pin);
    if (confirming.role !== 'supervisor') throw this.#refusal('Only a supervisor can confirm this.', { ...overLimit, reason: 'notSupervisor' });
    if (confirming.staffId === member.staffId) {
      throw this.#refusal('Another supervisor must confirm this: nobody confirms their own action.', { ...overLimit, reason: 'ownAction' });
    }
    const confirmed = { ...grant, approvedBy: confirming.staffId, approver: confirming };
    this.#assertFits(confirmed);
    return confirmed;
  }

  /**
   * In the transaction that records the action (`ref`: its id): checks the day again for whoever's
   * authority it uses (another request may have used it meanwhile) and counts it for the member and
   * for the supervisor who confirmed it.
   */
  commit(grant: Grant, ref: string): void {
    this.#assertFits(grant);
    if (grant.withoutPin) this.reconfirm.checkMoney(grant.member, grant.addsMinor);
    const at = this.now();
    const day = dateInZone(at, this.settings.timeZone);
    const use = (staffId: string, asApprover: boolean) =>
      this.#use.run({ staffId, kind: grant.kind, amountMinor: Math.max(grant.addsMinor, 0), day, ref, asApprover: Number(asApprover), at: at.toISOString() });
    use(grant.member.staffId, false);
    if (grant.approver) use(grant.approver.staffId, true);
    if (grant.withoutPin) this.reconfirm.spent(grant.member, grant.addsMinor);
  }

  /** The one whose authority the grant rests on (the member, or the supervisor who confirmed) still has room for it today. */
  #assertFits(grant: Grant): void {
    const bearer = grant.approver ?? grant.member;
    const over = this.#over(bearer, grant);
    if (over === null) return;
    if (grant.approver) {
      throw this.#refusal(`This is above what ${bearer.staffId} may still approve: another supervisor must confirm it.`, {
        needs: 'supervisor',
        reason: 'supervisorOverLimit',
        kind: grant.kind,
        staffId: bearer.staffId,
        ...over,
      });
    }
    throw this.#refusal('This is above what is left of your authority today: a supervisor must confirm it with their PIN.', {
      needs: 'supervisor',
      reason: 'overLimit',
      kind: grant.kind,
      staffId: bearer.staffId,
      ...over,
    });
  }

  /** null: within both limits. */
  #over(who: StaffMember, ask: { kind: AuthorityKind; amountMinor: number; addsMinor: number }): Over | null {
    const limit: Limit = this.settings.limits[who.role][ask.kind];
    const usedTodayMinor = this.#usedToday.get(who.staffId, ask.kind, dateInZone(this.now(), this.settings.timeZone)) as number;
    const leftMinor = Math.max(0, limit.perDayMinor - usedTodayMinor);
    if (ask.amountMinor > limit.perRequestMinor) return { limit: 'perRequest', limitMinor: limit.perRequestMinor, usedTodayMinor, leftMinor };
    if (ask.addsMinor > leftMinor) return { limit: 'perDay', limitMinor: limit.perDayMinor, usedTodayMinor, leftMinor };
    return null;
  }

  #refusal(message: string, details: AuthorityRefusal): KioskError {
    return new KioskError('FORBIDDEN', message, { ...details, currency: this.settings.currency });
  }
}
