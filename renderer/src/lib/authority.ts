import type { AuthorityRefusal } from '../../../shared/contract/assist.ts';
import type { Money } from '../../../shared/money.ts';

// What a staff request's authority check can come to: the assist state makes these, authority-text.ts says them.

/** What a step is, for a PIN dialog to say what the PIN is given for (it is the staff member's own request, sent again). */
export type ConfirmSubject =
  | { kind: 'creditApprove'; customerName: string; limit: Money }
  | { kind: 'creditDecline'; customerName: string }
  | { kind: 'orderApprove'; customerName: string; offeringName: string; monthlyChange: Money }
  | { kind: 'orderDecline'; customerName: string }
  | { kind: 'feeWaiver'; billNo: string; amount: Money }
  | { kind: 'adjustment'; direction: 'credit' | 'debit'; amount: Money }
  | { kind: 'counterCash'; amount: Money }
  | { kind: 'openAccount'; customerName: string }
  | { kind: 'resetPin' };

/** Not sent: the dialog asking for a PIN was closed (the supervisor's, or the staff member's own). */
export interface Cancelled {
  cancelled: 'supervisor' | 'staffPin';
}

/** Why a staff request did not go ahead once `authorised` is done with it: beyond the kiosk (headquarters decides), or a PIN not given. */
export type AuthorityProblem = { kind: 'beyondAuthority'; refusal: AuthorityRefusal | null } | { kind: 'cancelled'; by: Cancelled['cancelled'] };
