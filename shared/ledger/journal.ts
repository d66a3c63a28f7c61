import type { CustomerBill } from '../billing/bill.ts';
import { ledgerAccounts, type ChangeOf, type JournalEntry, type Posting } from '../sync/changes.ts';

/** Who wrote an entry and when: its id, the instant it happened and the writer (`hub` or a kiosk id). */
export interface EntryStamp {
  entryId: string;
  occurredAt: string;
  origin: string;
}

/** A bill's journal entry: the account owes the total, revenue and tax payable get their parts. */
export function billIssued(bill: CustomerBill, stamp: EntryStamp): ChangeOf<'bill.issued'> {
  return {
    type: 'bill.issued',
    bill,
    entry: {
      id: stamp.entryId,
      idempotencyKey: `bill:${bill.billNo}`,
      entryType: 'bill',
      accountId: bill.accountId,
      currency: bill.currency,
      occurredAt: stamp.occurredAt,
      origin: stamp.origin,
      postings: [
        { ledgerAccount: ledgerAccounts.receivable(bill.accountId), amountMinor: bill.taxIncludedAmountMinor },
        { ledgerAccount: ledgerAccounts.revenue, amountMinor: -bill.taxExcludedAmountMinor },
        { ledgerAccount: ledgerAccounts.taxPayable, amountMinor: -bill.taxMinor },
      ],
    },
  };
}

type Subject = { id: string; accountId: string; currency: string; amountMinor: number };

/** A payment's or an adjustment's entry: keyed by its id, so applying the fact twice posts it once. */
function entryOf(entryType: 'payment' | 'adjustment', subject: Subject, postings: Posting[], stamp: EntryStamp): JournalEntry {
  return {
    id: stamp.entryId,
    idempotencyKey: `${entryType}:${subject.id}`,
    entryType,
    accountId: subject.accountId,
    currency: subject.currency,
    occurredAt: stamp.occurredAt,
    origin: stamp.origin,
    postings,
  };
}

/** A payment's journal entry: cash in at `cashAccount` (`ledgerAccounts.cash(…)`'s channel), the account's receivable credited. */
export function paymentEntry(payment: Subject, cashAccount: string, stamp: EntryStamp): JournalEntry {
  return entryOf(
    'payment',
    payment,
    [
      { ledgerAccount: ledgerAccounts.cash(cashAccount), amountMinor: payment.amountMinor },
      { ledgerAccount: ledgerAccounts.receivable(payment.accountId), amountMinor: -payment.amountMinor },
    ],
    stamp,
  );
}

/**
 * A staff adjustment's journal entry: `amountMinor` (signed as it changes the balance) to the
 * account's receivable, `counter` on the other side (they balance it).
 */
export function adjustmentEntry(adjustment: Subject, counter: readonly Posting[], stamp: EntryStamp): JournalEntry {
  return entryOf('adjustment', adjustment, [{ ledgerAccount: ledgerAccounts.receivable(adjustment.accountId), amountMinor: adjustment.amountMinor }, ...counter], stamp);
}

/** The other side of a waived late fee: its revenue (net) and its tax given back; a fee not subject to tax posts no tax. */
export function feeWaiverCounter(fee: { netMinor: number; taxMinor: number }): Posting[] {
  const postings: Posting[] = [{ ledgerAccount: ledgerAccounts.adjustments('fee-waivers'), amountMinor: fee.netMinor }];
  if (fee.taxMinor !== 0) postings.push({ ledgerAccount: ledgerAccounts.taxPayable, amountMinor: fee.taxMinor });
  return postings;
}

/** The other side of a staff adjustment of `amountMinor` (signed as it changes the balance). */
export function staffAdjustmentCounter(amountMinor: number): Posting[] {
  return [{ ledgerAccount: ledgerAccounts.adjustments('staff'), amountMinor: -amountMinor }];
}
