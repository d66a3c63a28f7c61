import type { FastifyReply, FastifyRequest } from 'fastify';
import { KioskError } from '../../shared/errors.ts';
import { bearerToken, hashSecret, sameDigest } from '../security/secrets.ts';
import type { AuthFailureThrottle } from './throttle.ts';

/**
 * Operator access (headquarters staff and their tools: the operator API now, the TM Forum APIs
 * later): `Authorization: Bearer <HUB_OPERATOR_TOKEN>`. Without a configured token every
 * operator route is refused, so a hub never serves them open by mistake. An address that keeps
 * presenting wrong tokens is throttled (throttle.ts), like one presenting wrong device credentials.
 */
export function operatorGuard(token: string | undefined, throttle: AuthFailureThrottle): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  const expected = token ? hashSecret(token) : null;
  return async (request) => {
    if (expected === null) throw new KioskError('FORBIDDEN', 'The operator API is off on this hub: start it with HUB_OPERATOR_TOKEN set.');
    throttle.check(request);
    const presented = bearerToken(request.headers.authorization);
    if (presented === null || !sameDigest(hashSecret(presented), expected)) {
      await throttle.failed(request);
      throw new KioskError('AUTH_FAILED', 'An operator token is needed: Authorization: Bearer <HUB_OPERATOR_TOKEN>.');
    }
  };
}
