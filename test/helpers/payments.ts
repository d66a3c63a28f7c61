import { randomUUID } from 'node:crypto';
import { ledgerAccounts, type ChangeOf } from '../../shared/sync/changes.ts';

type Payment = ChangeOf<'payment.recorded'>;

/**
 * A payment fact with its journal entry (cash in, the account's receivable credited), as a kiosk
 * (electron/core/services/payments.ts) or headquarters records it.
 */
export function paymentFact(
  accountId: string,
  amountMinor: number,
  how: { channel: Payment['channel']; method: Payment['paymentMethod']; cash: string; origin: string; occurredAt?: string; id?: string },
): Payment {
  const id = how.id ?? randomUUID();
  const kiosk = how.channel === 'kiosk';
  return {
    type: 'payment.recorded',
    id,
    accountId,
    currency: 'EUR',
    amountMinor,
    paymentMethod: how.method,
    channel: how.channel,
    pointOfInteraction: kiosk ? how.origin : null,
    authorizationCode: kiosk ? 'A1B2C3' : null,
    correlatorId: kiosk ? randomUUID() : null,
    targetBillNo: null,
    entry: {
      id: `entry-${id}`,
      idempotencyKey: `payment:${id}`,
      entryType: 'payment',
      accountId,
      currency: 'EUR',
      occurredAt: how.occurredAt ?? '2026-11-26T08:30:00.000Z',
      origin: how.origin,
      postings: [
        { ledgerAccount: ledgerAccounts.cash(how.cash), amountMinor },
        { ledgerAccount: ledgerAccounts.receivable(accountId), amountMinor: -amountMinor },
      ],
    },
  };
}

/** A bank transfer recorded at headquarters. */
export const bankPayment = (accountId: string, amountMinor: number): Payment =>
  paymentFact(accountId, amountMinor, { channel: 'bank', method: 'bankTransfer', cash: 'bank', origin: 'hub', occurredAt: '2026-11-25T09:00:00.000Z' });

/** A card payment taken at a kiosk. */
export const kioskPayment = (accountId: string, amountMinor: number, id?: string): Payment =>
  paymentFact(accountId, amountMinor, { channel: 'kiosk', method: 'card', cash: 'kiosk-card', origin: 'kiosk-1', ...(id === undefined ? {} : { id }) });
