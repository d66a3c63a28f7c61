import { lateFeeCharged } from '../../../shared/billing/late-fee.ts';
import { ledgerAccounts, type ChangeOf, type Posting } from '../../../shared/sync/changes.ts';
import type { AdjustmentResult, LateFeeView } from '../../../shared/contract/assist.ts';
import { KioskError } from '../../../shared/errors.ts';
import { adjustmentEntry, feeWaiverCounter, staffAdjustmentCounter } from '../../../shared/ledger/journal.ts';
import { money } from '../../../shared/money.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { AccountHistory } from '../ledger/account-history.ts';
import type { Database } from '../ledger/db.ts';
import type { LocalFacts } from '../ledger/local-facts.ts';
import type { AuthorityCheck, AuthorityProof, Grant } from './authority.ts';
import type { StaffMember } from './staff-sign-in.ts';

type Kind = AdjustmentResult['kind'];

interface AdjustmentRow {
  id: string;
  account_id: string;
  kind: Kind;
  amount_minor: number;
  currency: string;
  bill_no: string | null;
  reason: string;
  approved_by: string | null;
  balance_after_minor: number | null;
}

/** What staff asked for, as it is posted: signed as it changes the balance (negative: a credit). */
interface Asked {
  kind: Kind;
  amountMinor: number;
  billNo: string | null;
  reason: string;
}

export interface AdjustmentDeps {
  history: AccountHistory;
  facts: LocalFacts;
  audit: AuditLog;
  authority: AuthorityCheck;
  kioskId: string;
  now: () => Date;
}

/**
 * Staff waiving a late fee or adjusting the open account, with a reason, within their authority
 * (`feeWaiverMinor`, `adjustmentMinor`, per request and per day; above it a supervisor confirms, as
 * for credit; what it uses of the day is counted in the same transaction). Each is an
 * `adjustment.posted` fact: its journal entry (the account's receivable against
 * `adjustments:fee-waivers` and tax payable for a waiver, `adjustments:staff` otherwise), its audit
 * event and its outbox row commit in one transaction, and balances and bills read it at once.
 *
 * A waiver takes off the whole late fee of the bill that charged it, tax included as the bill
 * charged it (shared/billing/late-fee.ts), and pays that bill first; a fee is waived once. The
 * request id is the adjustment's id: the same request again answers the same, and posts nothing.
 */
export class AccountAdjustments {
  readonly #byId;
  readonly #waiverOf;
  readonly #waivedBills;
  readonly #currency;
  readonly #balance;
  readonly #post;

  constructor(
    db: Database,
    private readonly deps: AdjustmentDeps,
  ) {
    this.#byId = db.prepare(`SELECT * FROM adjustments WHERE id = ?`);
    this.#waiverOf = db.prepare(`SELECT id FROM adjustments WHERE kind = 'feeWaiver' AND bill_no = ?`).pluck();
    this.#waivedBills = db.prepare(`SELECT bill_no FROM adjustments WHERE kind = 'feeWaiver' AND account_id = ?`).pluck();
    this.#currency = db.prepare(`SELECT currency FROM billing_accounts WHERE id = ?`).pluck();
    this.#balance = db.prepare(`SELECT COALESCE(SUM(amount_minor), 0) FROM postings WHERE ledger_account = ?`).pluck();
    const settle = db.prepare(`UPDATE adjustments SET balance_after_minor = ? WHERE id = ?`);
    this.#post = db.transaction((grant: Grant, accountId: string, id: string, asked: Asked, counter: Posting[]): AdjustmentResult => {
      // Between the authority check (a supervisor's PIN takes a moment) and now, someone else may have been first.
      const again = this.#existing(id, accountId, asked);
      if (again) return again;
      if (asked.billNo !== null && this.#waiverOf.get(asked.billNo) !== undefined) throw alreadyWaived(asked.billNo);
      const { member, approvedBy } = grant;
      this.deps.authority.commit(grant, id);
      const at = this.deps.now();
      const currency = this.#currency.get(accountId) as string;
      const receivable = ledgerAccounts.receivable(accountId);
      const before = this.#balance.get(receivable) as number;
      const fact: ChangeOf<'adjustment.posted'> = {
        type: 'adjustment.posted',
        id,
        accountId,
        currency,
        kind: asked.kind,
        amountMinor: asked.amountMinor,
        billNo: asked.billNo,
        reason: asked.reason,
        staffId: member.staffId,
        approvedBy,
        entry: adjustmentEntry({ id, accountId, currency, amountMinor: asked.amountMinor }, counter, { entryId: `entry-${id}`, occurredAt: at.toISOString(), origin: this.deps.kioskId }),
      };
      this.deps.facts.record(fact, at);
      const after = this.#balance.get(receivable) as number;
      settle.run(after, id);
      this.deps.audit.record({
        actorKind: member.role,
        actorId: member.staffId,
        approvedBy,
        action: asked.kind === 'feeWaiver' ? 'fee.waived' : 'account.adjusted',
        accountId,
        before: { balanceMinor: before },
        after: { balanceMinor: after, adjustmentId: id, amountMinor: asked.amountMinor, ...(asked.billNo === null ? {} : { billNo: asked.billNo }) },
        reason: asked.reason,
      });
      return result(this.#byId.get(id) as AdjustmentRow);
    });
  }

  /** The late fees charged on the account's bills, newest first, and whether each was waived. */
  lateFees(accountId: string): LateFeeView[] {
    const waived = new Set(this.#waivedBills.all(accountId) as string[]);
    return this.deps.history.billNos(accountId).flatMap((billNo) => {
      const bill = this.deps.history.bill(accountId, billNo);
      const fee = bill ? lateFeeCharged(bill) : null;
      return bill && fee ? [{ billNo, billDate: bill.billDate, amount: money(fee.totalMinor, bill.currency), waived: waived.has(billNo) }] : [];
    });
  }

  async waiveFee(member: StaffMember, accountId: string, input: { requestId: string; billNo: string; reason: string } & AuthorityProof): Promise<AdjustmentResult> {
    const bill = this.deps.history.bill(accountId, input.billNo);
    const fee = bill ? lateFeeCharged(bill) : null;
    const existing = this.#existing(input.requestId, accountId, { kind: 'feeWaiver', amountMinor: -(fee?.totalMinor ?? 0), billNo: input.billNo, reason: input.reason });
    if (existing) return existing;
    if (!fee) throw new KioskError('NOT_FOUND', `Bill ${input.billNo} of this account has no late fee.`);
    if (this.#waiverOf.get(input.billNo) !== undefined) throw alreadyWaived(input.billNo);
    const grant = await this.deps.authority.authorise(member, { kind: 'feeWaiverMinor', amountMinor: fee.totalMinor }, input);
    const asked: Asked = { kind: 'feeWaiver', amountMinor: -fee.totalMinor, billNo: input.billNo, reason: input.reason };
    return this.#post(grant, accountId, input.requestId, asked, feeWaiverCounter(fee)) as AdjustmentResult;
  }

  async adjust(
    member: StaffMember,
    accountId: string,
    input: { requestId: string; direction: 'credit' | 'debit'; amountMinor: number; reason: string } & AuthorityProof,
  ): Promise<AdjustmentResult> {
    const asked: Asked = { kind: 'adjustment', amountMinor: input.direction === 'credit' ? -input.amountMinor : input.amountMinor, billNo: null, reason: input.reason };
    const existing = this.#existing(input.requestId, accountId, asked);
    if (existing) return existing;
    const grant = await this.deps.authority.authorise(member, { kind: 'adjustmentMinor', amountMinor: input.amountMinor }, input);
    return this.#post(grant, accountId, input.requestId, asked, staffAdjustmentCounter(asked.amountMinor)) as AdjustmentResult;
  }

  /** What was answered the first time under this request id; CONFLICT when it asked for something else. */
  #existing(id: string, accountId: string, asked: Asked): AdjustmentResult | undefined {
    const row = this.#byId.get(id) as AdjustmentRow | undefined;
    if (!row) return undefined;
    const same = row.account_id === accountId && row.kind === asked.kind && row.amount_minor === asked.amountMinor && row.bill_no === asked.billNo && row.reason === asked.reason;
    if (!same || row.balance_after_minor === null) throw new KioskError('CONFLICT', 'That request id was already used for another adjustment.');
    return result(row);
  }
}

function alreadyWaived(billNo: string): KioskError {
  return new KioskError('CONFLICT', `The late fee on bill ${billNo} was already waived.`);
}

function result(row: AdjustmentRow): AdjustmentResult {
  return {
    adjustmentId: row.id,
    kind: row.kind,
    amount: money(row.amount_minor, row.currency),
    balanceAfter: money(row.balance_after_minor as number, row.currency),
    approvedBy: row.approved_by,
  };
}
