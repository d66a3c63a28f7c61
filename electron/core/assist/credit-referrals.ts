import { v7 as uuidv7 } from 'uuid';
import type { CreditReferral, CreditReferralDecided } from '../../../shared/contract/assist.ts';
import { KioskError } from '../../../shared/errors.ts';
import { money } from '../../../shared/money.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Database } from '../ledger/db.ts';
import { Outbox } from '../ledger/outbox.ts';
import type { AuthorityCheck, AuthorityProof, Grant } from './authority.ts';
import type { StaffMember } from './staff-sign-in.ts';

interface OpenRow {
  id: string;
  account_id: string;
  account_no: string;
  name: string;
  currency: string;
  limit_minor: number;
  granted_limit_minor: number;
  referred_minor: number;
  created_at: string;
}

/**
 * The credit-limit requests this kiosk referred to staff, and staff's decision on each: an
 * approval raises the limit to what was asked, within the staff member's authority (the limit
 * granted per request, the increases granted per day) or with a supervisor's confirmation; a
 * decline leaves it. Either is once per request, with its reason on
 * the audit trail and its outbox row for headquarters in the same transaction.
 */
export class CreditReferrals {
  readonly #open;
  readonly #one;
  readonly #decide;

  constructor(
    db: Database,
    private readonly audit: AuditLog,
    private readonly authority: AuthorityCheck,
    private readonly now: () => Date,
  ) {
    const open = `SELECT r.id, r.account_id, a.account_no, c.name, a.currency, a.credit_limit_minor AS limit_minor, r.granted_limit_minor, r.referred_minor, r.created_at
      FROM credit_requests r JOIN billing_accounts a ON a.id = r.account_id JOIN customers c ON c.id = a.customer_id
      WHERE r.status = 'open' AND r.referred_minor > 0`;
    this.#open = db.prepare(`${open} ORDER BY r.created_at`);
    this.#one = db.prepare(`${open} AND r.id = ?`);
    const settle = db.prepare(
      `UPDATE credit_requests SET status = 'decided', staff_decision = @decision, staff_id = @staffId, staff_approved_by = @approvedBy,
         staff_reason = @reason, staff_decided_at = @at WHERE id = @id AND status = 'open'`,
    );
    const raise = db.prepare(`UPDATE billing_accounts SET credit_limit_minor = ? WHERE id = ? AND credit_limit_minor < ?`);
    const outbox = new Outbox(db);
    this.#decide = db.transaction((row: OpenRow, member: StaffMember, d: { decision: 'approve' | 'decline'; reason: string; grant: Grant | null }) => {
      const at = this.now().toISOString();
      const approvedBy = d.grant?.approvedBy ?? null;
      // Decided meanwhile (another member of staff, headquarters): nothing is written twice.
      if (settle.run({ id: row.id, decision: d.decision, staffId: member.staffId, approvedBy, reason: d.reason, at }).changes !== 1) {
        throw new KioskError('CONFLICT', 'This request has just been decided.');
      }
      if (d.grant) this.authority.commit(d.grant, row.id);
      const target = row.granted_limit_minor + row.referred_minor;
      const after = d.decision === 'approve' ? Math.max(row.limit_minor, target) : row.limit_minor;
      if (after !== row.limit_minor) raise.run(after, row.account_id, after);
      outbox.append(uuidv7({ msecs: Date.parse(at) }), 'credit.staffDecided', {
        requestId: row.id,
        decision: d.decision,
        creditLimitMinor: after,
        staffId: member.staffId,
        approvedBy,
        reason: d.reason,
        decidedAt: at,
      }, new Date(at));
      this.audit.record({
        actorKind: member.role,
        actorId: member.staffId,
        approvedBy,
        action: d.decision === 'approve' ? 'credit.approved' : 'credit.declined',
        accountId: row.account_id,
        before: { creditLimitMinor: row.limit_minor },
        after: { creditLimitMinor: after, requestId: row.id, requestedLimitMinor: target },
        reason: d.reason,
      });
      return after;
    });
  }

  list(): CreditReferral[] {
    return (this.#open.all() as OpenRow[]).map((r) => ({
      requestId: r.id,
      accountId: r.account_id,
      accountNo: r.account_no,
      customerName: r.name,
      currentLimit: money(r.limit_minor, r.currency),
      requestedLimit: money(r.granted_limit_minor + r.referred_minor, r.currency),
      requestedAt: r.created_at,
    }));
  }

  async decide(
    member: StaffMember,
    input: { requestId: string; decision: 'approve' | 'decline'; reason: string } & AuthorityProof,
  ): Promise<CreditReferralDecided> {
    const row = this.#one.get(input.requestId) as OpenRow | undefined;
    if (!row) throw new KioskError('NOT_FOUND', 'No such request is waiting for staff.');
    // Declining needs no authority; approving is bounded by the limit it grants, and adds the increase to the day's credit.
    const target = row.granted_limit_minor + row.referred_minor;
    const grant =
      input.decision === 'approve'
        ? await this.authority.authorise(member, { kind: 'creditLimitMinor', amountMinor: target, addsMinor: Math.max(target - row.limit_minor, 0) }, input)
        : null;
    const limit = this.#decide(row, member, { decision: input.decision, reason: input.reason, grant }) as number;
    return { requestId: row.id, decision: input.decision, creditLimit: money(limit, row.currency), approvedBy: grant?.approvedBy ?? null };
  }
}
