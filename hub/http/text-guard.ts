import { Stream } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { KioskError } from '../../shared/errors.ts';
import { TMF_PREFIX } from '../tmf/resources.ts';
import { tmfError } from './tmf/errors.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route answers text it cannot store itself, per item (a push rejects such an event alone), so its body is not refused whole. */
    bodyTextPerItem?: boolean;
  }
}

/** PostgreSQL's TEXT and JSONB cannot hold U+0000, and UTF-8 has no unpaired surrogate: such input fails in the database, as a 500. */
// eslint-disable-next-line no-control-regex -- U+0000 is exactly what this looks for
const UNSTORABLE = /\u0000|\p{Cs}/u;

/**
 * Where in `value` a string or an object key holds U+0000 or an unpaired surrogate (`where`,
 * `where.key`, `where[3]`), or null when nowhere. Walked with a stack, not by recursion, so a
 * deeply nested body cannot overflow it.
 */
export function unstorableTextAt(value: unknown, where: string): string | null {
  const stack: [unknown, string][] = [[value, where]];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [item, at] = next;
    if (typeof item === 'string') {
      if (UNSTORABLE.test(item)) return at;
    } else if (Array.isArray(item)) {
      item.forEach((v, i) => stack.push([v, `${at}[${i}]`]));
    } else if (item !== null && typeof item === 'object' && !(item instanceof Stream)) {
      // A streamed body (a CSV upload) is its route's to read; walking it would walk the socket and the server behind it.
      for (const [key, v] of Object.entries(item)) {
        if (UNSTORABLE.test(key)) return at;
        stack.push([v, `${at}.${key}`]);
      }
    }
  }
  return null;
}

function refuse(where: string): never {
  throw new KioskError('VALIDATION', `The request ${where} contains U+0000 or an unpaired surrogate, which the hub does not take.`, { at: where });
}

/**
 * Refuses, with a 400 in the route's own error format, any request whose path parameters, query,
 * headers or body carry text the database cannot hold. Installed on the root, so it runs before
 * every route's own hooks (the operator guard and the device check read the Authorization header).
 */
export function installTextGuard(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    const where = unstorableTextAt(request.params, 'path') ?? unstorableTextAt(request.query, 'query') ?? unstorableTextAt(request.headers, 'headers');
    if (where !== null) refuse(where);
  });
  app.addHook('preValidation', async (request) => {
    if (request.routeOptions.config.bodyTextPerItem === true) return;
    const where = unstorableTextAt(request.body, 'body');
    if (where !== null) refuse(where);
  });
}

/**
 * Fastify's refusals before routing (a URL that does not decode: `%`, `%E0`, an encoded lone
 * surrogate) in the format of the API the URL is under, instead of Fastify's own body.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
  const message = 'The request URL is not valid: it does not decode to text.';
  if (request.url.startsWith(`${TMF_PREFIX}/`)) void reply.status(status).send(tmfError(status, 'VALIDATION', message));
  else void reply.status(status).send({ error: { code: 'VALIDATION', message } });
}
