import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import { eventNames } from '../../shared/contract/index.ts';
import type { Result } from '../../shared/errors.ts';
import type { KioskCore } from '../core/kiosk-core.ts';
import type { Logger } from '../core/infra/log.ts';
import { SECURITY_HEADERS } from '../core/security/csp.ts';

export const SESSION_COOKIE = 'kiosk_session';
/** Long enough to open a printed address by hand; short enough that one left in a terminal's scroll-back is dead. */
export const LAUNCH_TOKEN_TTL_MS = 2 * 60_000;
/** Bytes of randomness in a launch token and in a session cookie (base64url: 43 characters). */
export const SECRET_BYTES = 32;

export interface BrowserHost {
  /** Where the screens live, e.g. http://127.0.0.1:41234 */
  origin: string;
  /**
   * A new launch address. It works once and only within the launch token's lifetime; minting one
   * kills any earlier one not used yet.
   */
  newLaunchUrl(): string;
  close(): Promise<void>;
}

export interface BrowserHostOptions {
  core: KioskCore;
  /** The built renderer (dist/renderer). */
  rendererDir: string;
  port?: number;
  launchTokenTtlMs?: number;
  /** Milliseconds since the epoch (tests inject a clock). */
  now?: () => number;
  log?: Pick<Logger, 'info' | 'warn'>;
}

const silent = { info: () => undefined, warn: () => undefined };

function refuse(reply: FastifyReply, status: number, message: string): FastifyReply {
  const body: Result<never> = { ok: false, error: { code: 'FORBIDDEN', message } };
  return reply.code(status).header('content-type', 'application/json; charset=utf-8').send(body);
}

function cookie(request: FastifyRequest, wanted: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === wanted) return value.join('=');
  }
  return undefined;
}

const newSecret = () => randomBytes(SECRET_BYTES).toString('base64url');
// Only digests are kept, compared in constant time whatever the length of what was sent.
const digest = (secret: string) => createHash('sha256').update(secret).digest();
const matches = (candidate: string | undefined, expected: Buffer | null): boolean =>
  candidate !== undefined && expected !== null && timingSafeEqual(digest(candidate), expected);

/**
 * Answers the traded launch address. A page that moves on with a meta refresh rather than a
 * redirect: Chromium opens the address from a local launch file (see open-window.ts), and the
 * SameSite=Strict cookie is not sent along a redirect chain that began on another site, but is on
 * a navigation that our own page starts. (The CSP does not govern meta refresh.)
 */
const TRADED_PAGE = '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=/"><title>OneBill Kiosk</title></head><body></body></html>';

/**
 * The browser host: the same core as Electron's main process, carried over HTTP (calls) and
 * server-sent events (core events), for development and tests where Electron cannot run.
 *
 * Only 127.0.0.1. A launch address carries a one-time token that dies after a short while; it is
 * traded once for a session cookie (another random value, HttpOnly, SameSite=Strict), and a later
 * trade ends the earlier screen's session: one kiosk, one screen. Calls from any other origin,
 * site or host name are refused; every call goes through the core's dispatcher, so validation is
 * exactly Electron's. No secret is logged.
 */
export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const now = options.now ?? Date.now;
  const ttl = options.launchTokenTtlMs ?? LAUNCH_TOKEN_TTL_MS;
  const log = options.log ?? silent;
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024, forceCloseConnections: true });
  let origin = '';
  let launch: { digest: Buffer; expiresAt: number } | null = null;
  let session: Buffer | null = null;
  // The event streams open for the current session, ended when another screen takes over.
  const streams = new Set<ServerResponse>();

  const trade = (token: string, reply: FastifyReply): FastifyReply => {
    const pending = launch;
    if (!pending || !matches(token, pending.digest)) {
      log.warn({}, 'browser host: refused a launch address that is not the current one (used already, replaced or made up)');
      return refuse(reply, 401, 'This launch address is not valid any more: it works once. Ask the kiosk for a new one: press Enter in the terminal it runs in, or restart it.');
    }
    launch = null;
    if (now() >= pending.expiresAt) {
      log.warn({ ttlMs: ttl }, 'browser host: refused an expired launch address');
      return refuse(reply, 401, 'This launch address has expired. Ask the kiosk for a new one: press Enter in the terminal it runs in, or restart it.');
    }
    const value = newSecret();
    const hadScreen = session !== null;
    session = digest(value);
    for (const stream of streams) stream.end();
    streams.clear();
    log.info({ replacedScreen: hadScreen }, 'browser host: launch address used; the screen has its session');
    return reply
      .header('set-cookie', `${SESSION_COOKIE}=${value}; HttpOnly; SameSite=Strict; Path=/`)
      .header('content-type', 'text/html; charset=utf-8')
      .send(TRADED_PAGE);
  };

  app.addHook('onRequest', async (request, reply) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value);
    // DNS-rebinding guard: only our own host name reaches the kiosk.
    if (request.headers.host !== new URL(origin).host) return refuse(reply, 403, 'Unknown host.');
    const url = new URL(request.url, origin);
    const token = url.searchParams.get('token');
    // Any site may send the launch address (the launch file is a file:// page): it is worth nothing without the token.
    if (request.method === 'GET' && url.pathname === '/' && token !== null) return trade(token, reply);
    if (!matches(cookie(request, SESSION_COOKIE), session)) return refuse(reply, 401, 'Open the kiosk from the address it printed when it started.');
    // Another port on 127.0.0.1 is the same site, so the SameSite cookie alone does not keep its pages out.
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
    streams.add(res);
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
      streams.delete(res);
    });
  });

  await app.register(fastifyStatic, { root: options.rendererDir, prefix: '/', index: 'index.html', cacheControl: false, etag: false, lastModified: false });

  const address = await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  origin = address.replace('localhost', '127.0.0.1');
  return {
    origin,
    newLaunchUrl() {
      const token = newSecret();
      launch = { digest: digest(token), expiresAt: now() + ttl };
      return `${origin}/?token=${token}`;
    },
    close: () => app.close(),
  };
}
