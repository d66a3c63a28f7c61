import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { hasControlChars } from '../../../shared/control-chars.ts';
import { KioskError } from '../../../shared/errors.ts';
import { PROTOCOL_VERSION, PullQuery, PushRequest } from '../../../shared/sync/protocol.ts';
import type { HubDb } from '../../db/hub-db.ts';
import type { HubLimits } from '../../runtime/limits.ts';
import { authenticateDevice, type DeviceIdentity } from '../../security/devices.ts';
import { redeemEnrolmentCode } from '../../security/enrolment.ts';
import { ENROLMENT_LIMIT, type AuthFailureThrottle } from '../throttle.ts';
import { pullBody, readFeed } from '../../sync/pull.ts';
import { receivePush } from '../../sync/push.ts';
import { parseInput } from '../../parse-input.ts';
import { unstorableTextAt } from '../text-guard.ts';
import type { HubMetrics } from '../metrics.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated kiosk on /sync/v1/* (other than enrol); null elsewhere. */
    device: DeviceIdentity | null;
  }
}

const EnrolBody = z.object({
  code: z.string().min(1).max(64),
  // Shown in the operator's terminal and lists: nothing that could steer one.
  deviceName: z.string().trim().min(1).max(80).refine((name) => !hasControlChars(name), 'a name without control characters'),
  /** The kiosk's audit HMAC key and the event number its chain is keyed from: the hub verifies the device's chain with them. */
  auditKey: z.string().regex(/^[0-9a-f]{64}$/),
  auditKeyedFrom: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
});

/** Unknown, used and expired codes are answered alike: the answer must not tell a guesser that a code exists. */
const ENROLMENT_REFUSED = 'This enrolment code is not valid: it is unknown, already used or expired. Check it, or ask headquarters for a new one.';

/** A full batch (500 events) of the largest events a kiosk sends (orders with their preview) fits well within this. */
const PUSH_BODY_LIMIT = 8 * 1024 * 1024;

/** A push body: a protocol version this hub does not speak is named as such, before any other problem. */
function parsePush(body: unknown): PushRequest {
  const version = typeof body === 'object' && body !== null && 'protocolVersion' in body ? body.protocolVersion : undefined;
  if (version !== undefined && version !== PROTOCOL_VERSION) {
    throw new KioskError('VALIDATION', `This hub speaks sync protocol version ${PROTOCOL_VERSION}; the request is version ${JSON.stringify(version)}.`, {
      supportedProtocolVersions: [PROTOCOL_VERSION],
    });
  }
  const push = parseInput(PushRequest, body, 'body');
  // Kept in TEXT columns (a payload that cannot be stored is rejected as an event, see kiosk-events.ts).
  const where = unstorableTextAt(push.events.map((e) => [e.eventId, e.eventType, e.occurredAt]), 'body.events');
  if (where !== null) throw new KioskError('VALIDATION', `The request body is not valid: event ids and types cannot contain U+0000 or unpaired surrogates (${where}).`);
  return push;
}

export interface SyncRouteOptions {
  db: HubDb;
  metrics: HubMetrics;
  now: () => Date;
  limits: HubLimits;
  authThrottle: AuthFailureThrottle;
}

/** The kiosk-facing API: enrolment (the one call without a credential) and everything behind the device credential. */
export async function syncRoutes(app: FastifyInstance, { db, metrics, now, limits, authThrottle }: SyncRouteOptions): Promise<void> {
  app.decorateRequest('device', null);

  app.post('/sync/v1/enrol', { config: { rateLimit: { ...ENROLMENT_LIMIT, keyGenerator: (request) => request.ip } } }, async (request, reply) => {
    const body = parseInput(EnrolBody, request.body, 'body');
    const result = await redeemEnrolmentCode(db, { code: body.code, deviceName: body.deviceName, audit: { key: Buffer.from(body.auditKey, 'hex'), keyedFrom: body.auditKeyedFrom }, now: now() });
    metrics.enrolments.inc({ outcome: result.ok ? 'accepted' : result.reason });
    if (!result.ok) {
      request.log.info({ reason: result.reason }, 'enrolment refused');
      throw new KioskError('AUTH_FAILED', ENROLMENT_REFUSED);
    }
    request.log.info({ deviceId: result.device.id, branchId: result.device.branchId }, 'device enrolled');
    return reply.status(201).send({ deviceId: result.device.id, branchId: result.device.branchId, credential: result.credential, branchPinKey: result.branchPinKey.toString('hex') });
  });

  await app.register(async (scope) => {
    scope.addHook('onRequest', async (request) => {
      authThrottle.check(request);
      const auth = await authenticateDevice(db, request.headers.authorization);
      if (!auth.ok) {
        metrics.authRefusals.inc({ reason: auth.reason });
        await authThrottle.failed(request);
        throw new KioskError('AUTH_FAILED', 'This kiosk is not enrolled, or its credential was revoked: enrol it again.', { reason: auth.reason });
      }
      request.device = auth.device;
    });

    scope.get('/sync/v1/whoami', async (request) => {
      const device = request.device as DeviceIdentity;
      return { deviceId: device.id, branchId: device.branchId };
    });

    // docs/architecture.md §4 push: the reply is sent only after the transaction that stored the events committed.
    // An event holding text the hub cannot store is rejected alone (kiosk-events.ts): refusing the batch would stall the kiosk's outbox.
    scope.post('/sync/v1/push', { bodyLimit: PUSH_BODY_LIMIT, config: { bodyTextPerItem: true } }, async (request) => {
      const device = request.device as DeviceIdentity;
      const push = parsePush(request.body);
      const response = await receivePush(db, device, push, now(), limits.maxAmounts);
      metrics.batchSize.observe({ direction: 'push' }, push.events.length);
      for (const r of response.results) metrics.pushedEvents.inc({ outcome: r.outcome });
      request.log.info({ deviceId: device.id, events: push.events.length, ackedThrough: response.ackedThrough }, 'push received');
      return response;
    });

    scope.get('/sync/v1/pull', async (request, reply) => {
      const device = request.device as DeviceIdentity;
      const page = await readFeed(db, device.branchId, parseInput(PullQuery, request.query, 'query'));
      metrics.batchSize.observe({ direction: 'pull' }, page.changes.length);
      metrics.pulledChanges.inc(page.changes.length);
      return reply.type('application/json; charset=utf-8').send(pullBody(page));
    });
  });
}
