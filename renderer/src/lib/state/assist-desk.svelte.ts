import type { KioskApi } from '../../../../shared/contract/index.ts';
import {
  identityChecks,
  type CreditReferral,
  type CreditReferralDecided,
  type CustomerMatch,
  type HelpCallView,
  type OrderReferral,
  type OrderReferralDecided,
} from '../../../../shared/contract/assist.ts';
import type { SessionInfo } from '../../../../shared/contract/schemas.ts';
import type { KioskErrorData, Result } from '../../../../shared/errors.ts';
import { authorityProblem, type AssistState, type Proof } from './assist.svelte.ts';
import type { AuthorityProblem, ConfirmSubject } from '../authority.ts';
import { FocusRequests } from './focus.svelte.ts';
import type { JourneyLoad } from './journey.svelte.ts';

export type IdentityCheck = (typeof identityChecks)[number];
export { identityChecks };

/** Shortest query the core searches for (CustomerLookupInput). */
export const QUERY_MIN_LENGTH = 2;
export const QUERY_MAX_LENGTH = 80;
export const NOTE_MAX_LENGTH = 200;
export const REASON_MIN_LENGTH = 3;
export const REASON_MAX_LENGTH = 300;

/** Why something on the desk did not happen; the screen says it in words. */
export type DeskProblem =
  | { kind: 'queryShort' }
  | { kind: 'noCheck' }
  | { kind: 'noReason' }
  /** Decided or closed meanwhile (by someone else, or by headquarters). */
  | { kind: 'gone' }
  | { kind: 'failed' }
  /** Beyond what anyone may approve at this kiosk, or a PIN asked for was not given. */
  | AuthorityProblem;

/** What the kiosk referred to staff: a credit-limit request, or an order (held). */
export type Referred = { kind: 'credit'; referral: CreditReferral } | { kind: 'order'; order: OrderReferral };
export const referredId = (target: Referred): string => (target.kind === 'credit' ? target.referral.requestId : target.order.orderId);

/** A referred request or order being decided: which, which way, and why. */
export interface DecisionDraft {
  target: Referred;
  decision: 'approve' | 'decline';
  reason: string;
}

/** The last decision taken at the desk. */
export type Decided = { kind: 'credit'; referral: CreditReferral; result: CreditReferralDecided } | { kind: 'order'; order: OrderReferral; result: OrderReferralDecided };

export interface DeskOptions {
  /** The identity check is recorded and the customer's account is open: the app shows it. */
  onOpened: (session: SessionInfo) => void;
}

/** The core refused it because it is no longer waiting (decided, closed or gone meanwhile). */
const isGone = (error: KioskErrorData): boolean => error.code === 'NOT_FOUND' || error.code === 'CONFLICT';

/**
 * The assist desk: where staff find a customer and record how they checked who it is (then the
 * account opens; it may ask for the staff member's PIN again), decide the credit requests and the
 * orders the kiosk referred to staff (with a reason; above their authority a supervisor confirms on
 * the spot, see AssistState.authorised), and see and close the customers' calls for staff.
 */
export class AssistDesk extends FocusRequests<'query' | 'results' | 'check' | 'reason' | 'decided' | 'note' | 'calls' | 'referrals'> {
  query = $state('');
  searching = $state(false);
  /** The last answer: null before the first search. */
  matches = $state<CustomerMatch[] | null>(null);
  more = $state(false);
  lookupProblem = $state<DeskProblem | null>(null);

  /** The customer chosen from the matches: the identity check is next. */
  chosen = $state<CustomerMatch | null>(null);
  checks = $state<IdentityCheck[]>([]);
  note = $state('');
  opening = $state(false);
  openProblem = $state<DeskProblem | null>(null);

  referrals = $state<CreditReferral[]>([]);
  referralsLoad = $state<JourneyLoad>('idle');
  draft = $state<DecisionDraft | null>(null);
  deciding = $state(false);
  decideProblem = $state<DeskProblem | null>(null);
  /** The last decision taken here, for the screen to confirm. */
  decided = $state<Decided | null>(null);
  orders = $state<OrderReferral[]>([]);
  ordersLoad = $state<JourneyLoad>('idle');

  calls = $state<HelpCallView[]>([]);
  callsLoad = $state<JourneyLoad>('idle');
  /** The call being closed, and the optional note on how it was helped. */
  closing = $state<{ call: HelpCallView; note: string } | null>(null);
  closingBusy = $state(false);
  closeProblem = $state<DeskProblem | null>(null);

  readonly #api: KioskApi;
  readonly #assist: AssistState;
  readonly #options: DeskOptions;

  constructor(api: KioskApi, assist: AssistState, options: DeskOptions) {
    super();
    this.#api = api;
    this.#assist = assist;
    this.#options = options;
  }

  /** The keypad types into the query (account and phone numbers); a keyboard types names. */
  get busy(): boolean {
    return this.searching;
  }

  async open(): Promise<void> {
    await Promise.all([this.loadReferrals(), this.loadOrders(), this.loadCalls()]);
  }

  // — find a customer —

  setQuery(raw: string): void {
    this.query = raw.slice(0, QUERY_MAX_LENGTH);
  }

  press(digit: string): void {
    if (/^\d$/.test(digit) && !this.searching) this.setQuery(this.query + digit);
  }

  backspace(): void {
    if (!this.searching) this.query = this.query.slice(0, -1);
  }

  clear(): void {
    if (!this.searching) this.query = '';
  }

  async search(): Promise<void> {
    if (this.searching) return;
    const query = this.query.trim();
    if (query.length < QUERY_MIN_LENGTH) {
      this.lookupProblem = { kind: 'queryShort' };
      this.requestFocus('query');
      return;
    }
    this.searching = true;
    this.lookupProblem = null;
    const result = await this.#api.invoke('assist.lookup', { query });
    this.searching = false;
    if (result.ok) {
      this.matches = result.value.matches;
      this.more = result.value.more;
      this.requestFocus('results');
    } else {
      this.lookupProblem = result.error.code === 'VALIDATION' ? { kind: 'queryShort' } : { kind: 'failed' };
      this.requestFocus('query');
    }
  }

  /** A match chosen: the identity check is next, with nothing ticked. */
  choose(match: CustomerMatch): void {
    this.chosen = match;
    this.checks = [];
    this.note = '';
    this.openProblem = null;
    this.requestFocus('check');
  }

  /** Back from the identity check to the matches. */
  backToResults(): void {
    if (this.opening) return;
    this.chosen = null;
    this.openProblem = null;
    this.requestFocus('results');
  }

  toggleCheck(check: IdentityCheck): void {
    if (this.opening) return;
    this.checks = this.checks.includes(check) ? this.checks.filter((c) => c !== check) : identityChecks.filter((c) => c === check || this.checks.includes(c));
    if (this.checks.length > 0 && this.openProblem?.kind === 'noCheck') this.openProblem = null;
  }

  setNote(raw: string): void {
    this.note = raw.slice(0, NOTE_MAX_LENGTH);
  }

  /** Records the identity check (an audit event in the core) and opens the account; the core may ask for the staff PIN again first. */
  async openAccount(): Promise<void> {
    const chosen = this.chosen;
    if (!chosen || this.opening) return;
    if (this.checks.length === 0) {
      this.openProblem = { kind: 'noCheck' };
      return;
    }
    this.opening = true;
    this.openProblem = null;
    const note = this.note.trim();
    const checks = [...this.checks];
    const result = await this.#assist.authorised(
      ({ staffPin }) => this.#api.invoke('assist.openAccount', { accountId: chosen.accountId, checks, ...(note ? { note } : {}), ...(staffPin ? { staffPin } : {}) }),
      { kind: 'openAccount', customerName: chosen.name },
    );
    this.opening = false;
    if (!('cancelled' in result) && result.ok) {
      this.#options.onOpened(result.value);
      return;
    }
    this.openProblem = authorityProblem(result) ?? (!('cancelled' in result) && result.error.code === 'NOT_FOUND' ? { kind: 'gone' } : { kind: 'failed' });
  }

  // — referred credit requests and orders —

  async loadReferrals(): Promise<void> {
    this.referralsLoad = 'loading';
    const result = await this.#api.invoke('assist.creditReferrals', {});
    if (result.ok) {
      this.referrals = result.value.referrals;
      this.referralsLoad = result.value.referrals.length > 0 ? 'ready' : 'empty';
    } else {
      this.referralsLoad = 'error';
    }
  }

  async loadOrders(): Promise<void> {
    this.ordersLoad = 'loading';
    const result = await this.#api.invoke('assist.orderReferrals', {});
    if (result.ok) {
      this.orders = result.value.referrals;
      this.ordersLoad = result.value.referrals.length > 0 ? 'ready' : 'empty';
    } else {
      this.ordersLoad = 'error';
    }
  }

  /** Approve or Decline on one request or order: its reason is asked for next. */
  startDecision(target: Referred, decision: 'approve' | 'decline'): void {
    if (this.deciding) return;
    this.draft = { target, decision, reason: '' };
    this.decideProblem = null;
    this.requestFocus('reason');
  }

  /** The request or order being decided, by its id (for the screen to open its form in place). */
  drafting(id: string): DecisionDraft | null {
    return this.draft && referredId(this.draft.target) === id ? this.draft : null;
  }

  setReason(raw: string): void {
    if (this.draft) this.draft.reason = raw.slice(0, REASON_MAX_LENGTH);
  }

  cancelDecision(): void {
    if (this.deciding) return;
    this.draft = null;
    this.decideProblem = null;
    this.requestFocus('referrals');
  }

  /** Sends the decision; above the staff member's authority a supervisor confirms it in a dialog. */
  async decide(): Promise<void> {
    const draft = this.draft;
    if (!draft || this.deciding) return;
    const reason = draft.reason.trim();
    if (reason.length < REASON_MIN_LENGTH) {
      this.decideProblem = { kind: 'noReason' };
      this.requestFocus('reason');
      return;
    }
    const { target, decision } = draft;
    const approve = decision === 'approve';
    if (target.kind === 'credit') {
      const { referral } = target;
      await this.#decide(
        (proof) => this.#api.invoke('assist.decideCredit', { requestId: referral.requestId, decision, reason, ...proof }),
        approve ? { kind: 'creditApprove', customerName: referral.customerName, limit: referral.requestedLimit } : { kind: 'creditDecline', customerName: referral.customerName },
        (result) => {
          this.decided = { kind: 'credit', referral, result };
          this.referrals = this.referrals.filter((r) => r.requestId !== referral.requestId);
          if (this.referrals.length === 0) this.referralsLoad = 'empty';
        },
        () => this.loadReferrals(),
      );
    } else {
      const { order } = target;
      await this.#decide(
        (proof) => this.#api.invoke('assist.decideOrder', { orderId: order.orderId, decision, reason, ...proof }),
        approve
          ? { kind: 'orderApprove', customerName: order.customerName, offeringName: order.offeringName, monthlyChange: order.monthlyChange }
          : { kind: 'orderDecline', customerName: order.customerName },
        (result) => {
          this.decided = { kind: 'order', order, result };
          this.orders = this.orders.filter((o) => o.orderId !== order.orderId);
          if (this.orders.length === 0) this.ordersLoad = 'empty';
        },
        () => this.loadOrders(),
      );
    }
  }

  async #decide<T>(send: (proof: Proof) => Promise<Result<T>>, subject: ConfirmSubject, onDecided: (result: T) => void, reload: () => Promise<void>): Promise<void> {
    this.deciding = true;
    this.decideProblem = null;
    const result = await this.#assist.authorised(send, subject);
    this.deciding = false;
    const stopped = authorityProblem(result);
    if (stopped || 'cancelled' in result) {
      this.decideProblem = stopped;
      this.requestFocus('reason');
      return;
    }
    if (result.ok) {
      this.draft = null;
      onDecided(result.value);
      this.requestFocus('decided');
      return;
    }
    if (isGone(result.error)) {
      this.draft = null;
      this.decideProblem = { kind: 'gone' };
      await reload();
      this.requestFocus('referrals');
      return;
    }
    this.decideProblem = result.error.code === 'VALIDATION' ? { kind: 'noReason' } : { kind: 'failed' };
    this.requestFocus('reason');
  }

  // — calls for staff —

  async loadCalls(): Promise<void> {
    this.callsLoad = 'loading';
    const result = await this.#api.invoke('assist.helpCalls', {});
    if (result.ok) {
      this.calls = result.value.calls;
      this.callsLoad = result.value.calls.length > 0 ? 'ready' : 'empty';
    } else {
      this.callsLoad = 'error';
    }
  }

  startClosing(call: HelpCallView): void {
    if (this.closingBusy) return;
    this.closing = { call, note: '' };
    this.closeProblem = null;
    this.requestFocus('note');
  }

  setCloseNote(raw: string): void {
    if (this.closing) this.closing.note = raw.slice(0, REASON_MAX_LENGTH);
  }

  cancelClosing(): void {
    if (this.closingBusy) return;
    this.closing = null;
    this.closeProblem = null;
    this.requestFocus('calls');
  }

  async closeCall(): Promise<void> {
    const closing = this.closing;
    if (!closing || this.closingBusy) return;
    this.closingBusy = true;
    this.closeProblem = null;
    const note = closing.note.trim();
    const result = await this.#api.invoke('assist.closeHelp', { id: closing.call.id, ...(note ? { note } : {}) });
    this.closingBusy = false;
    if (result.ok || isGone(result.error)) {
      this.closing = null;
      this.calls = this.calls.filter((c) => c.id !== closing.call.id);
      if (this.calls.length === 0) this.callsLoad = 'empty';
      this.requestFocus('calls');
      return;
    }
    this.closeProblem = { kind: 'failed' };
  }
}
