import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { KioskError } from '../../../shared/errors.ts';
import { parseInput } from '../../parse-input.ts';
import { operatorGuard } from '../operator-guard.ts';
import type { AuthFailureThrottle } from '../throttle.ts';
import { operatorApi, operatorRouteNames, type OperatorRoute } from './contract.ts';
import { operatorHandlers, type OperatorContext } from './handlers.ts';

export interface OperatorRouteOptions extends OperatorContext {
  operatorToken: string | undefined;
  authThrottle: AuthFailureThrottle;
}

/** Headquarters' own API behind the operator token: what `npm run hub -- enrol|revoke|devices|…|audit-verify` does, over HTTP. */
export async function operatorRoutes(app: FastifyInstance, options: OperatorRouteOptions): Promise<void> {
  app.addHook('onRequest', operatorGuard(options.operatorToken, options.authThrottle));
  // An upload (a usage CSV) reaches its handler as the request stream, so a large file is never held whole.
  app.addContentTypeParser('text/csv', (_request, payload, done) => done(null, payload));
  const handlers = operatorHandlers(app, options);
  for (const name of operatorRouteNames) {
    // Each handler is typed by its own route's inputs and output (handlers.ts); here only the contract's checks are applied.
    registerRoute(app, operatorApi[name], handlers[name] as (input: unknown, request: FastifyRequest) => Promise<unknown>);
  }
}

/** One route of the contract: its path parameters, query and body checked in that order (a bad one is a 400), its answer checked against its output. */
function registerRoute(app: FastifyInstance, route: OperatorRoute, handler: (input: unknown, request: FastifyRequest) => Promise<unknown>): void {
  app.route({
    method: route.method,
    url: route.path,
    handler: async (request, reply) => {
      const input: Record<string, unknown> = {};
      if (route.params) input.params = parseInput(route.params, request.params, 'path');
      if (route.query) input.query = parseInput(route.query, request.query, 'query');
      if (route.body) input.body = parseInput(route.body, request.body, 'body');
      if (route.upload) {
        if (!(request.body instanceof Readable)) throw new KioskError('VALIDATION', `Send ${route.upload.what} as the body, with Content-Type: ${route.upload.type}.`);
        input.upload = request.body;
      }
      return reply.status(route.status ?? 200).send(route.output.parse(await handler(input, request)));
    },
  });
}
