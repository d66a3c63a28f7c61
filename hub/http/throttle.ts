import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { KioskError } from '../../shared/errors.ts';

/** An address may try about ten enrolment codes a minute: 80-bit codes cannot be guessed at that pace, a kiosk mistyping one is not held up. */
export const ENROLMENT_LIMIT = { max: 10, timeWindow: 60_000 } as const;
/** Refused credentials (device or operator) per address before every credential from it is refused unchecked for the rest of the window. */
export const AUTH_FAILURE_LIMIT = { max: 20, timeWindow: 10 * 60_000 } as const;
/** Addresses kept as blocked at most; expired ones are dropped first (an attacker with many addresses cannot grow this without bound). */
const MAX_BLOCKED = 10_000;

const throttled = (what: string, ttlMs: number) =>
  new KioskError('THROTTLED', `Too many ${what} from this address: try again in ${Math.ceil(ttlMs / 1000)} s.`, { retryAfterSeconds: Math.ceil(ttlMs / 1000) });

/**
 * Refused credentials per address. @fastify/rate-limit counts them (one count per refusal, in
 * its window); once an address is over its budget, it is refused before its next credential is
 * even looked at, so a correct guess made while blocked is refused too and guessing gets nowhere.
 * Kept in this process (like the plugin's store): each hub process behind a balancer has its own budget.
 */
export interface AuthFailureThrottle {
  /** Throws THROTTLED when the request's address is blocked. */
  check(request: FastifyRequest): void;
  /** Counts a refused credential; throws THROTTLED when that puts the address over its budget. */
  failed(request: FastifyRequest): Promise<void>;
}

/** Registers @fastify/rate-limit (no global limit: routes opt in with `config.rateLimit`) and makes the authentication-failure throttle. */
export async function installThrottles(app: FastifyInstance, now: () => Date): Promise<AuthFailureThrottle> {
  await app.register(rateLimit, {
    global: false,
    // The route's own error format (a KioskError goes through the scope's error handler).
    errorResponseBuilder: (_request, context) => throttled('requests', context.ttl),
  });
  const countFailure = app.createRateLimit({ ...AUTH_FAILURE_LIMIT, keyGenerator: (request) => request.ip });
  const blockedUntil = new Map<string, number>();
  return {
    check(request) {
      const until = blockedUntil.get(request.ip);
      if (until === undefined) return;
      const left = until - now().getTime();
      if (left > 0) throw throttled('refused credentials', left);
      blockedUntil.delete(request.ip);
    },
    async failed(request) {
      const limit = await countFailure(request);
      // Blocked from the refusal that spends the budget on; that one is still answered as the refusal it is.
      if (limit.isAllowed || limit.remaining > 0) return;
      if (blockedUntil.size >= MAX_BLOCKED) {
        const at = now().getTime();
        for (const [ip, until] of blockedUntil) if (until <= at) blockedUntil.delete(ip);
        if (blockedUntil.size >= MAX_BLOCKED) blockedUntil.delete(blockedUntil.keys().next().value as string);
      }
      blockedUntil.set(request.ip, now().getTime() + limit.ttl);
      if (limit.isExceeded) throw throttled('refused credentials', limit.ttl);
    },
  };
}
