import { KioskError } from '../../../shared/errors.ts';
import type { Authority } from '../settings/schema.ts';
import type { StaffMember, StaffSignIn } from './staff-sign-in.ts';

export type AuthorityKind = keyof Authority;

/** A supervisor confirming on the spot: their id and PIN, typed at the kiosk. */
export interface SupervisorConfirmation {
  staffId: string;
  pin: string;
}

/**
 * Staff authority, enforced here and not only in the screens. An amount within the staff member's
 * own limit for that kind of action goes ahead; above it, a supervisor other than them must
 * confirm with their PIN (dual control), and the amount must be within the supervisor's limit.
 * A wrong supervisor PIN counts towards locking that supervisor's id, as any staff sign-in does.
 */
export class AuthorityCheck {
  constructor(
    private readonly limits: Record<StaffMember['role'], Authority>,
    private readonly signIn: StaffSignIn,
  ) {}

  /** The supervisor who confirmed (null: within the member's own authority); FORBIDDEN when it may not go ahead. */
  async authorise(member: StaffMember, kind: AuthorityKind, amountMinor: number, supervisor?: SupervisorConfirmation): Promise<{ approvedBy: string | null }> {
    const own = this.limits[member.role][kind];
    if (amountMinor <= own) return { approvedBy: null };
    const highest = this.limits.supervisor[kind];
    if (amountMinor > highest) {
      throw new KioskError('FORBIDDEN', 'This is beyond what anyone may approve at this kiosk: headquarters must decide.', { kind, limitMinor: highest });
    }
    if (!supervisor) {
      throw new KioskError('FORBIDDEN', 'This is above your authority: a supervisor must confirm it with their PIN.', { needs: 'supervisor', kind, limitMinor: own });
    }
    const confirming = await this.signIn.verify(supervisor.staffId, supervisor.pin);
    if (confirming.role !== 'supervisor') throw new KioskError('FORBIDDEN', 'Only a supervisor can confirm this.', { needs: 'supervisor', kind, limitMinor: own });
    if (confirming.staffId === member.staffId) throw new KioskError('FORBIDDEN', 'Another supervisor must confirm this: nobody confirms their own action.', { needs: 'supervisor' });
    return { approvedBy: confirming.staffId };
  }
}
