import type { CustomerBill } from '../billing/bill.ts';
import { ledgerAccounts, type ChangeOf, type JournalEntry, type Posting } from '../changes.ts';

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

/** A payment's journal entry: cash in at `cashAccount` (`ledgerAccounts.cash(…)`'s channel), the account's receivable credited. */
export function paymentEntry(payment: { id: string; accountId: string; currency: string; amountMinor: number }, cashAccount: string, stamp: EntryStamp): JournalEntry {
  return {
    id: stamp.entryId,
    idempotencyKey: `payment:${payment.id}`,
    entryType: 'payment',
    accountId: payment.accountId,
    currency: payment.currency,
    occurredAt: stamp.occurredAt,
    origin: stamp.origin,
    postings: [
      { ledgerAccount: ledgerAccounts.cash(cashAccount), amountMinor: payment.amountMinor },
      { ledgerAccount: ledgerAccounts.receivable(payment.accountId), amountMinor: -payment.amountMinor },
    ],
  };
}

/**
 * A staff adjustment's journal entry: `amountMinor` (signed as it changes the balance) to the
 * account's receivable, `counter` on the other side (they balance it).
 */
export function adjustmentEntry(adjustment: { id: string; accountId: string; currency: string; amountMinor: number }, counter: readonly Posting[], stamp: EntryStamp): JournalEntry {
  return {
    id: stamp.entryId,
    idempotencyKey: `adjustment:${adjustment.id}`,
    entryType: 'adjustment',
    accountId: adjustment.accountId,
    currency: adjustment.currency,
    occurredAt: stamp.occurredAt,
    origin: stamp.origin,
    postings: [{ ledgerAccount: ledgerAccounts.receivable(adjustment.accountId), amountMinor: adjustment.amountMinor }, ...counter],
  };
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
