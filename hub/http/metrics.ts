import type { FastifyInstance } from 'fastify';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AuthRefusal } from '../security/devices.ts';
import type { EnrolmentRefusal } from '../security/enrolment.ts';

/** One registry per hub instance (not prom-client's global one), so several instances in one process never mix figures. */
export interface HubMetrics {
  registry: Registry;
  enrolments: Counter<'outcome'>;
  authRefusals: Counter<'reason'>;
  /** Pushed events by what the hub answered (accepted, duplicate, rejected, parked). */
  pushedEvents: Counter<'outcome'>;
  pulledChanges: Counter;
  /** Events per push and changes per pull page. */
  batchSize: Histogram<'direction'>;
}

export function createMetrics(): HubMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    enrolments: new Counter({
      name: 'hub_enrolments_total',
      help: 'Enrolment attempts by outcome (accepted, or why a code was refused).',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    authRefusals: new Counter({
      name: 'hub_sync_auth_refusals_total',
      help: 'Sync requests refused for their credential, by reason.',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    pushedEvents: new Counter({
      name: 'hub_sync_pushed_events_total',
      help: 'Events kiosks pushed, by the outcome the hub answered.',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    pulledChanges: new Counter({
      name: 'hub_sync_pulled_changes_total',
      help: 'Changes kiosks pulled from the feed.',
      registers: [registry],
    }),
    batchSize: new Histogram({
      name: 'hub_sync_batch_size',
      help: 'Events per push (direction="push") and changes per pull page (direction="pull").',
      labelNames: ['direction'] as const,
      buckets: [0, 1, 5, 10, 25, 50, 100, 250, 500, 1000],
      registers: [registry],
    }),
  };
}

export type EnrolmentOutcome = 'accepted' | EnrolmentRefusal;
export type { AuthRefusal };

/** Every response's duration, by method, route pattern (not the raw URL, to keep the label set small) and status. */
export function installHttpMetrics(app: FastifyInstance, metrics: HubMetrics): void {
  const duration = new Histogram({
    name: 'hub_http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status code.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [metrics.registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    duration.observe({ method: request.method, route: request.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
}
