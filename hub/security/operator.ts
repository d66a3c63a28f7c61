import type { FastifyReply, FastifyRequest } from 'fastify';
import { KioskError } from '../../shared/errors.ts';
import { bearerToken, hashSecret, sameDigest } from './secrets.ts';

/**
 * Operator access (headquarters staff and their tools: the operator API now, the TM Forum APIs
 * later): `Authorization: Bearer <HUB_OPERATOR_TOKEN>`. Without a configured token every
 * operator route is refused, so a hub never serves them open by mistake.
 */
export function operatorGuard(token: string | undefined): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  const expected = token ? hashSecret(token) : null;
  return async (request) => {
    if (expected === null) throw new KioskError('FORBIDDEN', 'The operator API is off on this hub: start it with HUB_OPERATOR_TOKEN set.');
    const presented = bearerToken(request.headers.authorization);
    if (presented === null || !sameDigest(hashSecret(presented), expected)) {
      throw new KioskError('AUTH_FAILED', 'An operator token is needed: Authorization: Bearer <HUB_OPERATOR_TOKEN>.');
    }
  };
}
