import { dateInZone } from '../../shared/calendar.ts';
import type { ChangeOf, DecisionReason } from '../../shared/sync/changes.ts';
import { decideCreditLimit, scoreCredit, type CreditLimitDecision } from '../../shared/billing/credit-risk.ts';
import { formatMoney, money } from '../../shared/money.ts';
import type { EventPayload } from '../../shared/sync/protocol.ts';
import type { HubQueryable } from '../db/hub-db.ts';
import { writeChanges } from '../ledger/change-writer.ts';
import { branchAllowance, usedOn } from './allowance.ts';
import { accountWithLimit, centralProfile, readCentralAccount } from './central-account.ts';

export type CreditRequested = EventPayload<'credit.requested'>;
type Status = ChangeOf<'credit.decided'>['status'];
type Offline = NonNullable<ChangeOf<'credit.decided'>['offline']>;

export interface RequestOrigin {
  branchId: string;
  deviceId: string;
  receivedAt: Date;
}

const ENGINE = 'engine';
const statusOf: Record<CreditLimitDecision['decision'], Status> = { approve: 'approved', refer: 'referred', decline: 'declined' };
const reason = (code: string, text: string, params: DecisionReason['params'] = {}): DecisionReason => ({ code, text, params });

/**
 * Decides a credit-limit request a kiosk sent, with the risk engine over the central ledger, in
 * the push's transaction (the request row is already stored). The outcome:
 *
 * - No raise granted at the kiosk: the engine's decision stands (approve raises the limit,
 *   refer waits for staff as `referred`, decline leaves it).
 * - The kiosk raised the limit on its own (within its offline allowance): the raise is counted
 *   against the branch's allowance for the day the kiosk granted it (offline_approvals), then
 *   reconciled. If the engine approves at least as much, they agree (and an approval above the
 *   kiosk's grant, the part it referred, is given too). If not, headquarters' decision wins,
 *   and what that means depends on whether the raise was covered by the allowance:
 *     - within it (per request, and the branch's total that day): the raise stands, because an
 *       allowance is risk the operator accepted in advance, like a card terminal's floor limit;
 *       the request is `referred` for staff to review (`keptForReview`).
 *     - beyond it (a kiosk set above the branch's policy, or the branch's kiosks together over
 *       the day's total): the raise was never covered, so the limit goes back to what the engine
 *       decides (`reduced`), and the kiosk hears it.
 *
 * The account's new limit is written as an account.upsert (every kiosk of the branch gets it),
 * and a credit.decided change carries the decision and the limit now in force to the branch; the
 * kiosk that took the request records it on its row and takes the limit even when the central
 * limit did not move (a reduced raise lived only on that kiosk).
 */
export async function decideCreditRequest(tx: HubQueryable, request: CreditRequested, origin: RequestOrigin): Promise<void> {
  const central = await readCentralAccount(tx, request.accountId, origin.receivedAt);
  if (!central || central.branchId !== origin.branchId) {
    // The kiosk cannot hold an account the hub does not (it pulls them from here): staff look at it.
    await referCreditRequest(tx, request, origin, reason('ACCOUNT_NOT_IN_BRANCH', "Headquarters does not hold this account in the kiosk's branch: staff must decide.", { accountId: request.accountId }));
    return;
  }

  const current = central.creditLimitMinor;
  const profile = centralProfile(central);
  const score = scoreCredit(profile);
  // A request that is no longer an increase (the limit was raised meanwhile) is already met.
  const engine: { decision: CreditLimitDecision['decision']; limit: number; reasons: DecisionReason[] } =
    request.requested > current
      ? fromEngine(decideCreditLimit(score, profile, request.requested), current)
      : { decision: 'approve', limit: current, reasons: [reason('LIMIT_ALREADY_IN_FORCE', 'The account already has at least the limit asked for.', { creditLimitMinor: current })] };
  const engineLimit = engine.limit;
  const reasons = [...engine.reasons];

  let decided = engineLimit;
  let status = statusOf[engine.decision];
  let offline: Offline | null = null;
  let allowanceUse: unknown[] | null = null;
  const grant = request.granted - request.previous;
  if (grant > 0) {
    const allowance = await branchAllowance(tx, origin.branchId);
    // The day the kiosk granted it, in the branch's zone: approvals sent in one batch after days offline count on their own days.
    const day = dateInZone(new Date(request.createdAt), central.account.timeZone);
    const usedBefore = await usedOn(tx, origin.branchId, day);
    const within = grant <= allowance.perRequestMinor && usedBefore + grant <= allowance.perDayMinor;
    const agrees = engine.decision === 'approve' && engineLimit >= request.granted;
    offline = agrees ? 'agreed' : within ? 'keptForReview' : 'reduced';
    const fmt = (minor: number) => formatMoney(money(minor, central.account.currency), 'en');
    if (offline === 'keptForReview') {
      decided = Math.max(engineLimit, request.granted);
      status = 'referred';
      reasons.push(reason('OFFLINE_GRANT_KEPT', `The kiosk raised the limit by ${fmt(grant)} on its own, within the branch's offline allowance: the raise stands and staff will review it.`, { grantedMinor: grant }));
    } else if (offline === 'reduced') {
      reasons.push(
        reason(
          'OFFLINE_ALLOWANCE_EXCEEDED',
          `The kiosk raised the limit by ${fmt(grant)} on its own, beyond the branch's offline allowance (${fmt(allowance.perRequestMinor)} a request, ${fmt(allowance.perDayMinor)} a day, ${fmt(usedBefore)} already used that day): headquarters' decision applies.`,
          { grantedMinor: grant, perRequestMinor: allowance.perRequestMinor, perDayMinor: allowance.perDayMinor, usedBeforeMinor: usedBefore },
        ),
      );
    }
    allowanceUse = [request.id, origin.branchId, origin.deviceId, request.accountId, day, request.previous, request.granted, grant, allowance.perRequestMinor, allowance.perDayMinor, usedBefore, within, agrees, offline];
  }
  await recordDecision(tx, request, origin, { decision: engine.decision, status, previous: current, engineLimit: engine.decision === 'approve' ? engineLimit : null, decided, score, reasons });
  if (allowanceUse) {
    await tx.query(
      `INSERT INTO offline_approvals (request_id, branch_id, device_id, account_id, business_day, previous_limit_minor, granted_limit_minor, amount_minor,
         per_request_minor, per_day_minor, used_before_minor, within_allowance, engine_agrees, outcome, central_limit_minor, recorded_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
      [...allowanceUse, decided, origin.receivedAt],
    );
  }

  const decidedChange: ChangeOf<'credit.decided'> = {
    type: 'credit.decided',
    id: request.id,
    accountId: request.accountId,
    decision: engine.decision,
    status,
    creditLimitMinor: decided,
    offline,
    reasons,
    decidedAt: origin.receivedAt.toISOString(),
  };
  await writeChanges(tx, decided === current ? [decidedChange] : [accountWithLimit(central, decided), decidedChange]);
}

function fromEngine(decided: CreditLimitDecision, current: number) {
  return { decision: decided.decision, limit: decided.decision === 'approve' ? decided.approvedLimitMinor : current, reasons: decided.reasons.map((r) => reason(r.code, r.text, r.params)) };
}

/** Left to staff without a decision of the engine's (nothing reaches the kiosks, whose own decision stands meanwhile). */
export async function referCreditRequest(tx: HubQueryable, request: CreditRequested, origin: RequestOrigin, why: DecisionReason): Promise<void> {
  await recordDecision(tx, request, origin, { decision: 'refer', status: 'referred', previous: request.previous, engineLimit: null, decided: request.granted, score: null, reasons: [why] });
}

interface Decided {
  decision: CreditLimitDecision['decision'];
  status: Status;
  previous: number;
  engineLimit: number | null;
  decided: number;
  score: { score: number; band: string } | null;
  reasons: DecisionReason[];
}

async function recordDecision(tx: HubQueryable, request: CreditRequested, origin: RequestOrigin, d: Decided): Promise<void> {
  await tx.query(
    `INSERT INTO credit_decisions (request_id, account_id, decision, status, previous_limit_minor, engine_limit_minor, decided_limit_minor, score, band, reasons, decided_at, decided_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12)`,
    [request.id, request.accountId, d.decision, d.status, d.previous, d.engineLimit, d.decided, d.score?.score ?? null, d.score?.band ?? null, JSON.stringify(d.reasons), origin.receivedAt, ENGINE],
  );
  await tx.query('UPDATE credit_requests SET status = $2 WHERE id = $1', [request.id, d.status]);
}

/** A referred request decided by staff at the kiosk that took it (electron/core/assist/credit-referrals.ts). */
export interface StaffCreditDecided {
  requestId: string;
  decision: 'approve' | 'decline';
  creditLimitMinor: number;
  staffId: string;
  approvedBy: string | null;
  reason: string;
  decidedAt: string;
}

/**
 * Staff's decision on a request headquarters referred to them (or has not decided yet): it
 * becomes the request's decision, an approval raises the central limit to what staff granted, and
 * the branch hears it like any decision. Headquarters deciding first wins: staff's answer is then
 * refused with the reason (the kiosk takes headquarters' limit from the feed).
 */
export async function recordStaffCreditDecision(tx: HubQueryable, d: StaffCreditDecided, origin: RequestOrigin): Promise<string | null> {
  const [request] = await tx.query<{ account_id: string }>('SELECT account_id FROM credit_requests WHERE id = $1 AND branch_id = $2', [d.requestId, origin.branchId]);
  if (!request) return `Staff decided credit request ${d.requestId}, which headquarters has not received from this branch`;
  const [earlier] = await tx.query<{ status: Status }>('SELECT status FROM credit_decisions WHERE request_id = $1', [d.requestId]);
  if (earlier && earlier.status !== 'referred') return `Headquarters had already ${earlier.status} credit request ${d.requestId}`;
  const central = await readCentralAccount(tx, request.account_id, origin.receivedAt);
  if (!central) return `Staff decided credit request ${d.requestId} for an account headquarters does not hold`;
  const current = central.creditLimitMinor;
  const limit = d.decision === 'approve' ? Math.max(current, d.creditLimitMinor) : current;
  const status: Status = d.decision === 'approve' ? 'approved' : 'declined';
  const reasons = [reason('STAFF_DECISION', d.reason, { staffId: d.staffId, ...(d.approvedBy ? { approvedBy: d.approvedBy } : {}) })];
  const stored = await tx.query(
    `INSERT INTO credit_staff_decisions (request_id, account_id, decision, limit_minor, staff_id, approved_by, reason, decided_at, device_id, received_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (request_id) DO NOTHING RETURNING request_id`,
    [d.requestId, request.account_id, d.decision, limit, d.staffId, d.approvedBy, d.reason, d.decidedAt, origin.deviceId, origin.receivedAt],
  );
  if (stored.length === 0) return `Staff had already decided credit request ${d.requestId}`;
  await tx.query('UPDATE credit_requests SET status = $2 WHERE id = $1', [d.requestId, status]);
  const decided: ChangeOf<'credit.decided'> = {
    type: 'credit.decided',
    id: d.requestId,
    accountId: request.account_id,
    decision: d.decision,
    status,
    creditLimitMinor: limit,
    offline: null,
    reasons,
    decidedAt: d.decidedAt,
  };
  await writeChanges(tx, limit === current ? [decided] : [accountWithLimit(central, limit), decided]);
  return null;
}
