import { v7 as uuidv7 } from 'uuid';
import type { OrderReferral, OrderReferralDecided } from '../../../shared/contract/assist.ts';
import type { OrderAction } from '../../../shared/domain/order-action.ts';
import type { OrderPreview } from '../../../shared/billing/order-preview-schema.ts';
import { KioskError } from '../../../shared/errors.ts';
import { money } from '../../../shared/money.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { BillingReader } from '../ledger/billing-reader.ts';
import type { Database } from '../ledger/db.ts';
import { Outbox } from '../ledger/outbox.ts';
import type { AuthorityCheck, AuthorityProof, Grant } from './authority.ts';
import type { StaffMember } from './staff-sign-in.ts';

interface HeldRow {
  id: string;
  account_id: string;
  account_no: string;
  name: string;
  action: string;
  preview: string;
  created_at: string;
}

type Decision = OrderReferralDecided['decision'];

/**
 * The orders this kiosk referred to staff (held: the credit decision said "refer"), and staff's
 * decision on each. Approving sends the order on to headquarters to fulfil (acknowledged), as if
 * the kiosk had found it eligible; declining cancels it. Approval is bounded by the monthly
 * increase the order makes, under `creditLimitMinor` (the authority to extend credit; the increase
 * adds to the day's credit): within the staff member's own, or with a supervisor's confirmation;
 * declining needs no authority. Either is
 * once per order, with its reason on the audit trail and its outbox row (`order.staffDecided`)
 * for headquarters in the same transaction.
 */
export class OrderReferrals {
  readonly #held;
  readonly #one;
  readonly #offeringOf;
  readonly #decide;

  constructor(
    db: Database,
    private readonly reader: BillingReader,
    private readonly audit: AuditLog,
    private readonly authority: AuthorityCheck,
    private readonly now: () => Date,
  ) {
    const held = `SELECT o.id, o.account_id, a.account_no, c.name, o.action, o.preview, o.created_at
      FROM product_orders o JOIN billing_accounts a ON a.id = o.account_id JOIN customers c ON c.id = a.customer_id
      WHERE o.state = 'held' AND o.staff_decision IS NULL`;
    this.#held = db.prepare(`${held} ORDER BY o.created_at, o.id`);
    this.#one = db.prepare(`${held} AND o.id = ?`);
    this.#offeringOf = db.prepare(`SELECT offering_id FROM products WHERE id = ?`).pluck();
    const settle = db.prepare(
      `UPDATE product_orders SET state = @state, staff_decision = @decision, staff_id = @staffId, staff_approved_by = @approvedBy,
         staff_reason = @reason, staff_decided_at = @at WHERE id = @id AND state = 'held' AND staff_decision IS NULL`,
    );
    const outbox = new Outbox(db);
    this.#decide = db.transaction((row: HeldRow, member: StaffMember, d: { decision: Decision; reason: string; grant: Grant | null; monthlyChangeMinor: number }) => {
      const at = this.now().toISOString();
      const approvedBy = d.grant?.approvedBy ?? null;
      const state: OrderReferralDecided['state'] = d.decision === 'approve' ? 'acknowledged' : 'cancelled';
      // Decided meanwhile (another member of staff, headquarters): nothing is written twice.
      if (settle.run({ id: row.id, state, decision: d.decision, staffId: member.staffId, approvedBy, reason: d.reason, at }).changes !== 1) {
        throw new KioskError('CONFLICT', 'This order has just been decided.');
      }
      if (d.grant) this.authority.commit(d.grant, row.id);
      outbox.append(
        uuidv7({ msecs: Date.parse(at) }),
        'order.staffDecided',
        { orderId: row.id, decision: d.decision, staffId: member.staffId, approvedBy, reason: d.reason, decidedAt: at },
        new Date(at),
      );
      this.audit.record({
        actorKind: member.role,
        actorId: member.staffId,
        approvedBy,
        action: d.decision === 'approve' ? 'order.approved' : 'order.declined',
        accountId: row.account_id,
        before: { state: 'held' },
        after: { orderId: row.id, state, monthlyChangeMinor: d.monthlyChangeMinor },
        reason: d.reason,
      });
      return state;
    });
  }

  /** Held orders, oldest first. */
  list(): OrderReferral[] {
    return (this.#held.all() as HeldRow[]).map((r) => this.#view(r));
  }

  async decide(member: StaffMember, input: { orderId: string; decision: Decision; reason: string } & AuthorityProof): Promise<OrderReferralDecided> {
    const row = this.#one.get(input.orderId) as HeldRow | undefined;
    if (!row) throw new KioskError('NOT_FOUND', 'No such order is waiting for staff.');
    const monthlyChangeMinor = this.#view(row).monthlyChange.amountMinor;
    const grant = input.decision === 'approve' ? await this.authority.authorise(member, { kind: 'creditLimitMinor', amountMinor: Math.max(monthlyChangeMinor, 0) }, input) : null;
    const state = this.#decide(row, member, { decision: input.decision, reason: input.reason, grant, monthlyChangeMinor }) as OrderReferralDecided['state'];
    return { orderId: row.id, decision: input.decision, state, approvedBy: grant?.approvedBy ?? null };
  }

  #view(r: HeldRow): OrderReferral {
    const action = JSON.parse(r.action) as OrderAction;
    const preview = JSON.parse(r.preview) as OrderPreview;
    const offeringId = action.action === 'add' || action.action === 'change' ? action.offeringId : (this.#offeringOf.get(action.productId) as string | undefined);
    const offering = offeringId === undefined ? undefined : this.reader.catalog().offering(offeringId);
    const { monthlyBefore, monthlyAfter } = preview;
    return {
      orderId: r.id,
      accountId: r.account_id,
      accountNo: r.account_no,
      customerName: r.name,
      action: action.action,
      offeringName: offering?.name ?? offeringId ?? '',
      monthlyBefore,
      monthlyAfter,
      monthlyChange: money(monthlyAfter.amountMinor - monthlyBefore.amountMinor, monthlyAfter.currency),
      requestedAt: r.created_at,
    };
  }
}
