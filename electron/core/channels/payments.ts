import type { CoreServices } from '../services/core-services.ts';
import type { HandlersFor } from '../ipc/dispatch.ts';

/** Paying at the kiosk: what is due, a payment on the card terminal or the cash acceptor, and cancelling it. */
export function paymentChannels({
  payments,
  session,
  customer,
  attendedBy,
}: Pick<CoreServices, 'payments' | 'session' | 'customer' | 'attendedBy'>): HandlersFor<'payment.quote' | 'payment.start' | 'payment.cancel'> {
  return {
    'payment.quote': () => payments.quote(customer()),
    'payment.start': async ({ language, ...input }) => {
      const accountId = customer();
      // The device may take a minute: the customer is busy with it, not idle.
      const keepAlive = setInterval(() => session.active && session.touch(), 5_000);
      try {
        return await payments.start(accountId, language, input, attendedBy());
      } finally {
        clearInterval(keepAlive);
      }
    },
    'payment.cancel': async ({ intentId }) => {
      await payments.cancel(customer(), intentId);
      return {};
    },
  };
}
