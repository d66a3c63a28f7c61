import { randomBytes, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import { eventNames } from '../../shared/contract/index.ts';
import type { Result } from '../../shared/errors.ts';
import type { KioskCore } from '../core/kiosk-core.ts';
import { SECURITY_HEADERS } from '../core/security/csp.ts';

export const TOKEN_COOKIE = 'kiosk_token';

export interface BrowserHost {
  /** Where the screens live, e.g. http://127.0.0.1:41234 */
  origin: string;
  /** The one-time address to open: it carries this launch's token. */
  launchUrl: string;
  close(): Promise<void>;
}

export interface BrowserHostOptions {
  core: KioskCore;
  /** The built renderer (dist/renderer). */
  rendererDir: string;
  port?: number;
  token?: string;
}

function refuse(reply: FastifyReply, status: number, message: string): FastifyReply {
  const body: Result<never> = { ok: false, error: { code: 'FORBIDDEN', message } };
  return reply.code(status).header('content-type', 'application/json; charset=utf-8').send(body);
}

function cookieToken(request: FastifyRequest): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === TOKEN_COOKIE) return value.join('=');
  }
  return undefined;
}

/**
 * The browser host: the same core as Electron's main process, carried over HTTP (calls) and
 * server-sent events (core events), for development and tests where Electron cannot run.
 * Only 127.0.0.1; a random per-launch token, exchanged once for an HttpOnly SameSite=Strict
 * cookie; calls from any other origin or host name are refused; every call goes through the
 * core's dispatcher, so validation is exactly Electron's.
 */
export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const token = options.token ?? randomBytes(32).toString('base64url');
  const expected = Buffer.from(token);
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024, forceCloseConnections: true });
  let origin = '';

  const hasToken = (candidate: string | undefined): boolean => {
    if (!candidate) return false;
    const given = Buffer.from(candidate);
    return given.length === expected.length && timingSafeEqual(given, expected);
  };

  app.addHook('onRequest', async (request, reply) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value);
    // DNS-rebinding guard: only our own host name reaches the kiosk.
    if (request.headers.host !== new URL(origin).host) return refuse(reply, 403, 'Unknown host.');
    const url = new URL(request.url, origin);
    const launch = url.searchParams.get('token');
    if (request.method === 'GET' && url.pathname === '/' && launch !== null) {
      if (!hasToken(launch)) return refuse(reply, 401, 'This launch address is not valid any more. Use the address the kiosk printed.');
      return reply
        .header('set-cookie', `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`)
        .redirect('/', 303);
    }
    if (!hasToken(cookieToken(request))) return refuse(reply, 401, 'Open the kiosk from the address it printed when it started.');
    const fetchSite = request.headers['sec-fetch-site'];
    if (fetchSite !== undefined && fetchSite !== 'same-origin' && fetchSite !== 'none') return refuse(reply, 403, 'Cross-site request refused.');
    if (request.method !== 'GET' && request.method !== 'HEAD' && request.headers.origin !== origin) {
      return refuse(reply, 403, 'Requests from another origin are refused.');
    }
    return undefined;
  });

  app.post<{ Params: { channel: string } }>('/api/:channel', async (request, reply) => {
    if (!request.headers['content-type']?.startsWith('application/json')) return refuse(reply, 415, 'Calls must be JSON.');
    return reply.send(await options.core.dispatch(request.params.channel, request.body));
  });

  app.get('/api/events', (request, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': 'text/event-stream; charset=utf-8',
      connection: 'keep-alive',
    });
    res.write(': connected\n\n');
    const off = options.core.events.onAny((event, payload) => res.write(`event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`), eventNames);
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    request.raw.on('close', () => {
      clearInterval(keepAlive);
      off();
    });
  });

  await app.register(fastifyStatic, { root: options.rendererDir, prefix: '/', index: 'index.html', cacheControl: false, etag: false, lastModified: false });

  const address = await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  origin = address.replace('localhost', '127.0.0.1');
  return {
    origin,
    launchUrl: `${origin}/?token=${token}`,
    close: () => app.close(),
  };
}
