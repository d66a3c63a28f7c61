import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { KioskError } from '../../shared/errors.ts';
import { auditRoutes } from '../audit/operator.ts';
import { billingRoutes } from '../billing/operator-api.ts';
import type { HubDb } from '../db/hub-db.ts';
import type { HubLimits } from '../runtime/limits.ts';
import { decisionRoutes } from '../decisions/operator.ts';
import { listDevices, revokeDevice } from '../security/devices.ts';
import { issueEnrolmentCode } from '../security/enrolment.ts';
import { operatorGuard } from '../security/operator.ts';
import type { AuthFailureThrottle } from '../security/throttle.ts';
import { parseInput } from './errors.ts';

const EnrolmentCodeBody = z.object({
  branchId: z.string().regex(/^[A-Z0-9-]{2,20}$/, 'a branch id such as MAD-01'),
  ttlHours: z.number().positive().max(24 * 14).optional(),
});
const DeviceParams = z.object({ id: z.string().min(1).max(64) });

export interface OperatorRouteOptions {
  db: HubDb;
  now: () => Date;
  operatorToken: string | undefined;
  limits: HubLimits;
  authThrottle: AuthFailureThrottle;
}

/** Headquarters' own API behind the operator token: what `npm run hub -- enrol|revoke|devices|…|audit-verify` does, over HTTP. */
export async function operatorRoutes(app: FastifyInstance, { db, now, operatorToken, limits, authThrottle }: OperatorRouteOptions): Promise<void> {
  app.addHook('onRequest', operatorGuard(operatorToken, authThrottle));
  await billingRoutes(app, { db, now, limits });
  decisionRoutes(app, { db, now });
  auditRoutes(app, { db });

  app.post('/operator/v1/enrolment-codes', async (request, reply) => {
    const body = parseInput(EnrolmentCodeBody, request.body, 'body');
    const issued = await issueEnrolmentCode(db, { branchId: body.branchId, now: now(), ...(body.ttlHours ? { ttlMs: body.ttlHours * 3_600_000 } : {}) });
    return reply.status(201).send(issued);
  });

  app.get('/operator/v1/devices', async () => ({ devices: await listDevices(db) }));

  app.post('/operator/v1/devices/:id/revoke', async (request) => {
    const { id } = parseInput(DeviceParams, request.params, 'path');
    const revoked = await revokeDevice(db, id, now());
    if (!revoked) throw new KioskError('NOT_FOUND', `There is no device ${id}.`);
    return { deviceId: id, revokedAt: revoked.revokedAt };
  });
}
