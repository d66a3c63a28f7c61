import type { FastifyInstance } from 'fastify';
import { operatorGuard } from '../operator-guard.ts';
import type { AuthFailureThrottle } from '../throttle.ts';
import { billingAccountRoutes } from './account-routes.ts';
import { customerBillRoutes } from './bill-routes.ts';
import { installTmfErrorHandling } from './errors.ts';
import { paymentRoutes } from './payment-routes.ts';
import type { TmfRouteOptions } from './shared.ts';

export { TMF_PREFIX } from '../../tmf/resources.ts';

export interface TmfOptions extends TmfRouteOptions {
  operatorToken: string | undefined;
  authThrottle: AuthFailureThrottle;
}

/**
 * TM Forum Open API v4 for the operator's other systems (TMF666 billing accounts, TMF678 bills and
 * their lines, TMF676 payments), behind the operator token like /operator/v1. Register with
 * `prefix: TMF_PREFIX`: the error format, the guard and the merge-patch parser stay in this scope.
 */
export async function tmfRoutes(app: FastifyInstance, options: TmfOptions): Promise<void> {
  installTmfErrorHandling(app);
  app.addHook('onRequest', operatorGuard(options.operatorToken, options.authThrottle));
  // RFC 7396 merge patches are JSON: parsed like any JSON body (with the same prototype-poisoning refusal).
  app.addContentTypeParser('application/merge-patch+json', { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));
  const routes = { db: options.db, now: options.now, limits: options.limits };
  await billingAccountRoutes(app, routes);
  await customerBillRoutes(app, routes);
  await paymentRoutes(app, routes);
}
