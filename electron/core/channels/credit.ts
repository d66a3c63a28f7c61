import type { CoreServices } from '../services/core-services.ts';
import type { HandlersFor } from '../ipc/dispatch.ts';

/** The customer's credit limit: how much is used, and a request for more decided at once (or referred to staff). */
export function creditChannels({ credit, customer, today, now, log }: Pick<CoreServices, 'credit' | 'customer' | 'today' | 'now' | 'log'>): HandlersFor<'credit.status' | 'credit.request'> {
  return {
    'credit.status': () => credit.status(customer(), today()),
    'credit.request': (input) => {
      const decision = credit.request(customer(), input, today(), now());
      log.info({ event: 'creditRequest', decision: decision.decision }, 'credit limit request decided');
      return decision;
    },
  };
}
