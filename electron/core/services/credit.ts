import type { CalendarDate } from '../../../shared/calendar.ts';
import { creditProfile } from '../../../shared/billing/credit-profile.ts';
import { creditExposure, decideCreditLimit, scoreCredit, type CreditProfileInput, type DecisionReason } from '../../../shared/billing/credit-risk.ts';
import type { CreditDecisionView, CreditStatus } from '../../../shared/contract/credit.ts';
import { KioskError } from '../../../shared/errors.ts';
import { creditAvailable } from '../../../shared/ledger/credit.ts';
import { formatMoney, money } from '../../../shared/money.ts';
import type { AccountHistory } from '../ledger/account-history.ts';
import type { Database } from '../ledger/db.ts';
import { Outbox } from '../ledger/outbox.ts';
import type { EventPayload } from '../../../shared/sync/protocol.ts';
import type { CycleUsage } from './cycle-usage.ts';

interface RequestRow {
  id: string;
  account_id: string;
  requested_limit_minor: number;
  decision: CreditDecisionView['decision'];
  granted_limit_minor: number;
  referred_minor: number;
  reasons: string;
  created_at: string;
}

type Reason = CreditDecisionView['reasons'][number];

/**
 * Credit limits at the kiosk: how much of the limit is used (exposure, from the ledger and this
 * cycle's rated usage) and an instant, explained decision on a request for more. Until
 * headquarters can decide (sync), the kiosk grants at most its offline allowance above the current
 * limit and refers the rest to staff; every request is recorded with its outbox row.
 */
export class CreditDesk {
  readonly #limit;
  readonly #openRequest;
  readonly #byId;
  readonly #record;

  constructor(
    db: Database,
    private readonly history: AccountHistory,
    private readonly usage: CycleUsage,
    private readonly settings: { timeZone: string; offlineAllowanceMinor: number },
  ) {
    this.#limit = db.prepare(`SELECT credit_limit_minor FROM billing_accounts WHERE id = ?`).pluck();
    this.#openRequest = db.prepare(
      `SELECT * FROM credit_requests WHERE account_id = ? AND status = 'open' ORDER BY created_at DESC LIMIT 1`,
    );
    this.#byId = db.prepare(`SELECT * FROM credit_requests WHERE id = ?`);
    const insert = db.prepare(
      `INSERT INTO credit_requests (id, account_id, previous_limit_minor, requested_limit_minor, decision, granted_limit_minor, referred_minor, status, score, band, reasons, created_at)
       VALUES (@id, @accountId, @previous, @requested, @decision, @granted, @referred, @status, @score, @band, @reasons, @createdAt)`,
    );
    const raise = db.prepare(`UPDATE billing_accounts SET credit_limit_minor = ? WHERE id = ?`);
    const outbox = new Outbox(db);
    this.#record = db.transaction((request: EventPayload<'credit.requested'>, at: Date) => {
      insert.run({ ...request, reasons: JSON.stringify(request.reasons) });
      if (request.granted > request.previous) raise.run(request.granted, request.accountId);
      outbox.append(request.id, 'credit.requested', request, at);
    });
  }

  status(accountId: string, today: CalendarDate): CreditStatus {
    const { profile, currency } = this.profile(accountId, today);
    const exposure = creditExposure(profile);
    const open = this.#openRequest.get(accountId) as RequestRow | undefined;
    return {
      creditLimit: money(profile.creditLimitMinor, currency),
      exposure: money(exposure, currency),
      available: money(creditAvailable(profile), currency),
      offlineAllowance: money(this.settings.offlineAllowanceMinor, currency),
      // What staff will look at: the limit granted here plus the part referred to them (a partial
      // approval's remainder above the risk band's ceiling was declined, not referred).
      pendingRequest: open ? { requestedLimit: money(open.granted_limit_minor + open.referred_minor, currency), requestedAt: open.created_at } : null,
    };
  }

  request(accountId: string, input: { requestId: string; requestedLimitMinor: number }, today: CalendarDate, at: Date): CreditDecisionView {
    const { profile, currency } = this.profile(accountId, today);
    const existing = this.#byId.get(input.requestId) as RequestRow | undefined;
    if (existing) {
      if (existing.account_id !== accountId || existing.requested_limit_minor !== input.requestedLimitMinor) {
        throw new KioskError('CONFLICT', 'That request was already made with different details.');
      }
      return view(existing, currency);
    }
    const current = profile.creditLimitMinor;
    if (input.requestedLimitMinor <= current) {
      throw new KioskError('VALIDATION', `Ask for more than your current limit of ${formatMoney(money(current, currency), 'en')}.`, {
        currentLimitMinor: current,
      });
    }
    const score = scoreCredit(profile);
    const decided = decideCreditLimit(score, profile, input.requestedLimitMinor);
    const reasons: Reason[] = decided.reasons.map(toReason);
    let granted = current;
    let referred = 0;
    let decision: CreditDecisionView['decision'] = decided.decision;
    if (decided.decision === 'refer') referred = input.requestedLimitMinor - current;
    if (decided.decision === 'approve') {
      granted = Math.min(decided.approvedLimitMinor, current + this.settings.offlineAllowanceMinor);
      referred = decided.approvedLimitMinor - granted;
      if (referred > 0) {
        reasons.push({
          code: 'OFFLINE_ALLOWANCE',
          text: `This kiosk can raise a limit by up to ${formatMoney(money(this.settings.offlineAllowanceMinor, currency), 'en')} on its own; staff will look at the rest.`,
          params: { allowanceMinor: this.settings.offlineAllowanceMinor, referredMinor: referred },
        });
      }
      if (granted === current) decision = 'refer';
    }
    const request: EventPayload<'credit.requested'> = {
      id: input.requestId,
      accountId,
      previous: current,
      requested: input.requestedLimitMinor,
      decision,
      granted,
      referred,
      status: referred > 0 ? 'open' : 'decided',
      score: score.score,
      band: score.band,
      reasons,
      createdAt: at.toISOString(),
    };
    this.#record(request, at);
    return view(this.#byId.get(input.requestId) as RequestRow, currency);
  }

  /** The account as the credit scorecard sees it today. */
  profile(accountId: string, today: CalendarDate): { profile: CreditProfileInput; currency: string } {
    const limit = this.#limit.get(accountId) as number | undefined;
    if (limit === undefined) throw new KioskError('NOT_FOUND', 'This account is not on this kiosk.');
    const { catalog, currency, products, unbilled } = this.usage.forAccount(accountId, today);
    return {
      currency,
      profile: creditProfile({
        today,
        timeZone: this.settings.timeZone,
        openedOn: this.usage.account(accountId).openedOn,
        creditLimitMinor: limit,
        catalog,
        products,
        allocation: this.history.allocation(accountId),
        unbilledUsageMinor: unbilled.taxIncludedMinor,
      }),
    };
  }
}

function toReason(r: DecisionReason): Reason {
  return { code: r.code, text: r.text, params: r.params };
}

function view(row: RequestRow, currency: string): CreditDecisionView {
  return {
    requestId: row.id,
    decision: row.decision,
    creditLimit: money(row.granted_limit_minor, currency),
    referred: row.referred_minor > 0 ? money(row.referred_minor, currency) : null,
    reasons: JSON.parse(row.reasons) as Reason[],
  };
}
