import { randomUUID } from 'node:crypto';
import { ledgerAccounts, type ChangeOf } from '../../shared/sync/changes.ts';

type Adjustment = ChangeOf<'adjustment.posted'>;

/**
 * An adjustment fact with its journal entry, as a kiosk's staff post it (electron/core/assist/adjustments.ts):
 * `amountMinor` signed as it changes the balance; a waiver (billNo given) credits the fee and names its bill.
 */
export function adjustmentFact(
  accountId: string,
  amountMinor: number,
  how: { billNo?: string; origin?: string; occurredAt?: string; id?: string; staffId?: string; approvedBy?: string | null; reason?: string } = {},
): Adjustment {
  const id = how.id ?? randomUUID();
  const waiver = how.billNo !== undefined;
  return {
    type: 'adjustment.posted',
    id,
    accountId,
    currency: 'EUR',
    kind: waiver ? 'feeWaiver' : 'adjustment',
    amountMinor,
    billNo: how.billNo ?? null,
    reason: how.reason ?? 'Goodwill after a network outage',
    staffId: how.staffId ?? 'AG-1001',
    approvedBy: how.approvedBy ?? null,
    entry: {
      id: `entry-${id}`,
      idempotencyKey: `adjustment:${id}`,
      entryType: 'adjustment',
      accountId,
      currency: 'EUR',
      occurredAt: how.occurredAt ?? '2026-11-26T08:30:00.000Z',
      origin: how.origin ?? 'KIOSK-002',
      postings: [
        { ledgerAccount: ledgerAccounts.receivable(accountId), amountMinor },
        { ledgerAccount: ledgerAccounts.adjustments(waiver ? 'fee-waivers' : 'staff'), amountMinor: -amountMinor },
      ],
    },
  };
}
