import type { CoreServices } from '../services/core-services.ts';
import type { HandlersFor } from '../ipc/dispatch.ts';

/** Services (TMF622): the catalogue, an order's preview and submission, and the offers made to the customer. */
export function ordersOffersChannels({
  orders,
  offers,
  customer,
  today,
  now,
  log,
}: Pick<CoreServices, 'orders' | 'offers' | 'customer' | 'today' | 'now' | 'log'>): HandlersFor<
  'services.catalog' | 'order.preview' | 'order.submit' | 'offers.list' | 'offers.accept'
> {
  return {
    'services.catalog': () => ({ offerings: orders.catalog(customer(), today()) }),
    'order.preview': (order) => orders.preview(customer(), order, today()),
    'order.submit': ({ requestId, order }) => {
      const placed = orders.submit(customer(), requestId, order, today(), now());
      log.info({ event: 'order', action: order.action, state: placed.state }, 'product order placed');
      return placed;
    },
    'offers.list': () => ({ offers: offers.list(customer(), today()) }),
    'offers.accept': ({ requestId, offerId }) => offers.accept(customer(), requestId, offerId, today(), now()),
  };
}
