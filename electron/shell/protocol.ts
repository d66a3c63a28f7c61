import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CustomScheme, Protocol } from 'electron';
import { SECURITY_HEADERS } from '../core/security/csp.ts';

export const APP_SCHEME = 'app';
export const APP_HOST = 'kiosk';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * `standard` gives app:// a real origin (so 'self' in the CSP and storage work), `secure` makes it a
 * secure context, `supportFetchAPI` lets the screens fetch their own assets. Nothing bypasses CSP.
 */
export const APP_SCHEME_PRIVILEGES: CustomScheme = Object.freeze({
  scheme: APP_SCHEME,
  privileges: Object.freeze({ standard: true, secure: true, supportFetchAPI: true }),
});

/** Must run before the app is ready. */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
}

/**
 * Whether a URL belongs to the kiosk screens. Compared by parts, not `URL.origin`: Node does not
 * know app:// is a standard scheme and reports its origin as "null".
 */
export function isAppUrl(raw: string | undefined | null): boolean {
  if (!raw) return false;
  try {
    const url = new URL(raw);
    return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.wav': 'audio/wav',
};

export function contentTypeFor(filePath: string): string {
  return CONTENT_TYPES[path.extname(filePath).toLowerCase()] ?? 'application/octet-stream';
}

type Body = ConstructorParameters<typeof Response>[0];

function respond(status: number, body: Body, headers: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { ...headers, ...SECURITY_HEADERS } });
}

const notFound = () => respond(404, 'Not found', { 'Content-Type': 'text/plain; charset=utf-8' });
const badRequest = () => respond(400, 'Bad request', { 'Content-Type': 'text/plain; charset=utf-8' });

export type Resolved = { ok: true; file: string } | { ok: false; status: 400 | 404 };

/**
 * Maps a request path to a file inside rootDir; 400 when it tries to leave it. The URL parser
 * already folds literal `..`, so this guards what survives it: encoded slashes and dots,
 * backslashes, NUL and drive letters.
 */
export function resolveUnderRoot(pathname: string, rootDir: string): Resolved {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return { ok: false, status: 400 };
  }
  if (decoded.includes('\0') || decoded.includes('\\') || /^\/?[A-Za-z]:/.test(decoded)) return { ok: false, status: 400 };
  const segments = decoded.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '..' || s === '.')) return { ok: false, status: 400 };
  const relative = segments.length === 0 ? 'index.html' : segments.join('/');
  const root = path.resolve(rootDir);
  const resolved = path.resolve(root, relative);
  // Second line of defence: whatever got past the checks above must still land under the root.
  const fromRoot = path.relative(root, resolved);
  if (fromRoot === '' || fromRoot.startsWith('..') || path.isAbsolute(fromRoot)) return { ok: false, status: 404 };
  return { ok: true, file: resolved };
}

/** Serves the built screens from rootDir. Pure apart from reading files, so it is tested in Node. */
export async function handleAppRequest(request: Request, rootDir: string): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return respond(405, 'Method not allowed', { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' });
  }
  if (!isAppUrl(request.url)) return notFound();
  const target = resolveUnderRoot(new URL(request.url).pathname, rootDir);
  if (!target.ok) return target.status === 400 ? badRequest() : notFound();
  let body: Buffer;
  try {
    body = await readFile(target.file);
  } catch {
    return notFound();
  }
  const headers = { 'Content-Type': contentTypeFor(target.file), 'Content-Length': String(body.byteLength) };
  return respond(200, request.method === 'HEAD' ? null : new Uint8Array(body), headers);
}

/** Call after the app is ready; the screens are never loaded from file://. */
export function registerAppProtocol(protocol: Pick<Protocol, 'handle'>, rootDir: string): void {
  protocol.handle(APP_SCHEME, (request) => handleAppRequest(request, rootDir));
}
