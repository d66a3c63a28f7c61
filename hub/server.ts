import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { pino } from 'pino';
import type { HubDb } from './db/hub-db.ts';
import { installErrorHandling } from './http/errors.ts';
import { createMetrics, installHttpMetrics } from './http/metrics.ts';
import { operatorRoutes } from './http/operator/routes.ts';
import { syncRoutes } from './http/sync/routes.ts';
import { frameworkErrors, installTextGuard } from './http/text-guard.ts';
import { DEFAULT_LIMITS, type HubLimits } from './runtime/limits.ts';
import { installThrottles } from './http/throttle.ts';
import { TMF_PREFIX, tmfRoutes } from './http/tmf/plugin.ts';

export interface HubOptions {
  db: HubDb;
  /** A pino logger; silent when absent (tests). */
  logger?: FastifyBaseLogger;
  /** The clock for expiry and timestamps; tests move it. */
  now?: () => Date;
  /** Bearer token for /operator/v1/* and /tmf-api/*; without one those routes are refused. */
  operatorToken?: string;
  /** What the hub refuses to hold (HUB_MAX_AMOUNTS, HUB_PAYMENT_MAX_AGE_DAYS); the defaults otherwise. */
  limits?: Partial<HubLimits>;
}

/**
 * The hub's HTTP API, not yet listening (tests call `app.inject`). It keeps nothing between
 * requests that another process would need: codes, credentials and revocations live in the
 * database, so any number of these can serve one database behind a load balancer.
 */
export async function buildHub(options: HubOptions): Promise<FastifyInstance> {
  const { db } = options;
  const now = options.now ?? (() => new Date());
  const limits: HubLimits = { ...DEFAULT_LIMITS, ...options.limits };
  // Bodies are small JSON documents (the push's batches will set their own limit).
  const app = Fastify({ loggerInstance: options.logger ?? pino({ level: 'silent' }), bodyLimit: 64 * 1024, frameworkErrors });
  const metrics = createMetrics();
  installErrorHandling(app);
  installTextGuard(app);
  installHttpMetrics(app, metrics);

  app.get('/health', async (_request, reply) => {
    try {
      await db.query('SELECT 1');
      return { status: 'ok', database: 'up' };
    } catch (error) {
      app.log.warn({ err: error }, 'health check: database unreachable');
      return reply.status(503).send({ status: 'unavailable', database: 'down' });
    }
  });

  app.get('/metrics', async (_request, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));

  const authThrottle = await installThrottles(app, now);
  await app.register(syncRoutes, { db, metrics, now, limits, authThrottle });
  await app.register(operatorRoutes, { db, now, operatorToken: options.operatorToken, limits, authThrottle });
  await app.register(tmfRoutes, { db, now, limits, operatorToken: options.operatorToken, authThrottle, prefix: TMF_PREFIX });
  return app;
}
