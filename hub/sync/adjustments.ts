import { lateFeeCharged } from '../../shared/billing/late-fee.ts';
import { CustomerBill } from '../../shared/billing/bill.ts';
import { ledgerAccounts, moneyFactMismatch, type ChangeOf } from '../../shared/sync/changes.ts';
import type { MaxAmounts } from '../../shared/money-bounds.ts';
import type { HubQueryable } from '../db/hub-db.ts';

/**
 * Why headquarters will not take a fee waiver or adjustment a kiosk of `branchId` posted (null:
 * it will). It is a fact, so it is taken as sent, unless it cannot be true: its journal entry does
 * not post its amount to the account, or posts to anything but the account's receivable, the
 * adjustment accounts and tax payable (a waived fee's tax); the account is unknown, of another
 * branch or kept in another currency; a waiver names a bill of another account, one without a
 * late fee, or another amount than the fee as charged; or that fee was already waived (at another
 * kiosk of the branch, while they were apart: the first one to reach headquarters stands).
 */
export async function adjustmentRefusal(tx: HubQueryable, fact: ChangeOf<'adjustment.posted'>, branchId: string, maxAmounts: MaxAmounts): Promise<string | null> {
  const mismatch = moneyFactMismatch(fact, maxAmounts);
  if (mismatch) return mismatch;
  const receivable = ledgerAccounts.receivable(fact.accountId);
  const allowed = (account: string) => account === receivable || account === ledgerAccounts.taxPayable || account.startsWith('adjustments:');
  if (!fact.entry.postings.every((p) => allowed(p.ledgerAccount))) {
    return `Adjustment ${fact.id}: its journal entry posts to accounts other than ${receivable}, adjustments and tax payable`;
  }
  const [account] = await tx.query<{ currency: string; branch_id: string }>(
    'SELECT a.currency, c.branch_id FROM billing_accounts a JOIN customers c ON c.id = a.customer_id WHERE a.id = $1',
    [fact.accountId],
  );
  if (!account) return `Adjustment ${fact.id}: headquarters does not know account ${fact.accountId}`;
  if (account.branch_id !== branchId) return `Adjustment ${fact.id}: account ${fact.accountId} is not in this kiosk's branch`;
  if (account.currency !== fact.currency) return `Adjustment ${fact.id}: account ${fact.accountId} is kept in ${account.currency}, not ${fact.currency}`;
  if (fact.kind !== 'feeWaiver' || fact.billNo === null) return null;

  const [bill] = await tx.query<{ document: unknown }>('SELECT document FROM bills WHERE bill_no = $1 AND account_id = $2', [fact.billNo, fact.accountId]);
  if (!bill) return `Fee waiver ${fact.id}: bill ${fact.billNo} is not a bill of account ${fact.accountId}`;
  const fee = lateFeeCharged(CustomerBill.parse(bill.document));
  if (!fee) return `Fee waiver ${fact.id}: bill ${fact.billNo} has no late fee`;
  if (-fact.amountMinor !== fee.totalMinor) return `Fee waiver ${fact.id}: the late fee on bill ${fact.billNo} is ${fee.totalMinor}, not ${-fact.amountMinor}`;
  const [earlier] = await tx.query<{ id: string }>(`SELECT id FROM adjustments WHERE kind = 'feeWaiver' AND bill_no = $1`, [fact.billNo]);
  if (earlier && earlier.id !== fact.id) return `Fee waiver ${fact.id}: the late fee on bill ${fact.billNo} was already waived (${earlier.id})`;
  return null;
}
