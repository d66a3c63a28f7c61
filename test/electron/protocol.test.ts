import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CONTENT_SECURITY_POLICY, SECURITY_HEADERS } from '../../electron/core/security/csp.ts';
import {
  APP_ORIGIN,
  APP_SCHEME_PRIVILEGES,
  handleAppRequest,
  isAppUrl,
  registerAppProtocol,
  registerAppScheme,
} from '../../electron/shell/protocol.ts';

vi.mock('electron', () => ({}));

const SECRET = 'TOP-SECRET-DO-NOT-SERVE';
const base = mkdtempSync(path.join(tmpdir(), 'kiosk-protocol-'));
const root = path.join(base, 'renderer');

beforeAll(() => {
  mkdirSync(path.join(root, 'assets'), { recursive: true });
  writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>OneBill Kiosk</title>');
  writeFileSync(path.join(root, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(path.join(root, 'assets', 'app.css'), 'body{}');
  writeFileSync(path.join(root, 'assets', 'logo.svg'), '<svg/>');
  writeFileSync(path.join(root, 'assets', 'font.woff2'), 'x');
  writeFileSync(path.join(base, 'secret.txt'), SECRET);
  // A sibling whose name starts with the root's: a naive startsWith check would let it through.
  mkdirSync(path.join(base, 'renderer-evil'));
  writeFileSync(path.join(base, 'renderer-evil', 'secret.txt'), SECRET);
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

const get = (url: string, method = 'GET') => handleAppRequest(new Request(url, { method }), root);

function expectSecurityHeaders(res: Response) {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(res.headers.get(name)).toBe(value);
  expect(res.headers.get('Content-Security-Policy')).toBe(CONTENT_SECURITY_POLICY);
}

describe('app:// protocol handler', () => {
  it('serves index.html at the root with the CSP and security headers', async () => {
    for (const url of ['app://kiosk/', 'app://kiosk/index.html', 'app://kiosk/index.html?x=1#y']) {
      const res = await get(url);
      expect(res.status).toBe(200);
      expect(res.headers.get('Content-Type')).toBe('text/html; charset=utf-8');
      expect(await res.text()).toContain('OneBill Kiosk');
      expectSecurityHeaders(res);
    }
  });

  it('sends the right content type for each asset', async () => {
    const types: Record<string, string> = {
      'assets/app.js': 'text/javascript; charset=utf-8',
      'assets/app.css': 'text/css; charset=utf-8',
      'assets/logo.svg': 'image/svg+xml',
      'assets/font.woff2': 'font/woff2',
    };
    for (const [file, type] of Object.entries(types)) {
      const res = await get(`${APP_ORIGIN}/${file}`);
      expect(res.status, file).toBe(200);
      expect(res.headers.get('Content-Type'), file).toBe(type);
      expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff');
    }
  });

  it('answers HEAD without a body', async () => {
    const res = await get('app://kiosk/index.html', 'HEAD');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    expectSecurityHeaders(res);
  });

  it('refuses every method but GET and HEAD with 405', async () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
      const res = await get('app://kiosk/index.html', method);
      expect(res.status, method).toBe(405);
      expect(res.headers.get('Allow')).toBe('GET, HEAD');
      expectSecurityHeaders(res);
    }
  });

  // Literal and %2e dot-segments are folded by the URL parser before the handler sees them.
  it.each(['app://kiosk/../secret.txt', 'app://kiosk/../../secret.txt', 'app://kiosk/%2e%2e/secret.txt', 'app://kiosk/.%2e/secret.txt'])(
    'keeps a folded traversal %s inside the root (404)',
    async (url) => {
      const res = await get(url);
      expect(res.status).toBe(404);
      expect(await res.text()).not.toContain(SECRET);
      expectSecurityHeaders(res);
    },
  );

  it.each([
    'app://kiosk/%2e%2e%2fsecret.txt',
    'app://kiosk/%2E%2E%2Fsecret.txt',
    'app://kiosk/..%2fsecret.txt',
    'app://kiosk/..%5csecret.txt',
    'app://kiosk/..\\secret.txt',
    'app://kiosk/assets/..%2f..%2fsecret.txt',
    'app://kiosk/%2e%2e%2frenderer-evil%2fsecret.txt',
    'app://kiosk/..%2frenderer-evil/secret.txt',
    'app://kiosk/%2f%2e%2e%2fsecret.txt',
    'app://kiosk/C:%5cWindows%5cwin.ini',
    'app://kiosk/index.html%00.js',
    'app://kiosk/%E0%A4%A',
  ])('rejects the encoded traversal or malformed path %s with 400', async (url) => {
    const res = await get(url);
    expect(res.status).toBe(400);
    expect(await res.text()).not.toContain(SECRET);
    expectSecurityHeaders(res);
  });

  it('treats an encoded absolute path as a path inside the root', async () => {
    const res = await get(`app://kiosk/${encodeURIComponent(path.join(base, 'secret.txt'))}`);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain(SECRET);
  });

  it('answers 404 for missing files and folders', async () => {
    expect((await get('app://kiosk/nope.js')).status).toBe(404);
    expect((await get('app://kiosk/assets')).status).toBe(404);
    expect((await get('app://kiosk/assets/')).status).toBe(404);
  });

  it.each(['app://evil/index.html', 'app://kiosk.evil/index.html', 'app://kiosk:8080/index.html', 'https://kiosk/index.html', 'file:///index.html'])(
    'refuses a foreign origin %s',
    async (url) => {
      const res = await get(url);
      expect(res.status).toBe(404);
      expectSecurityHeaders(res);
    },
  );

  it('registers the handler for the app scheme only', async () => {
    const handle = vi.fn();
    registerAppProtocol({ handle }, root);
    expect(handle).toHaveBeenCalledOnce();
    const [scheme, handler] = handle.mock.calls[0] as [string, (req: Request) => Promise<Response>];
    expect(scheme).toBe('app');
    expect((await handler(new Request('app://kiosk/index.html'))).status).toBe(200);
  });

  it('registers app:// as a standard, secure, fetchable scheme that does not bypass CSP', () => {
    const registerSchemesAsPrivileged = vi.fn();
    registerAppScheme({ registerSchemesAsPrivileged });
    expect(registerSchemesAsPrivileged).toHaveBeenCalledExactlyOnceWith([APP_SCHEME_PRIVILEGES]);
    expect(APP_SCHEME_PRIVILEGES).toEqual({ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } });
    expect(APP_SCHEME_PRIVILEGES.privileges?.bypassCSP).not.toBe(true);
  });

  it('knows which URLs are ours', () => {
    expect(isAppUrl('app://kiosk/index.html')).toBe(true);
    for (const url of ['app://kiosk.evil/', 'https://kiosk/', 'app://evil/', 'app://a@kiosk/', 'not a url', '', null]) expect(isAppUrl(url)).toBe(false);
  });
});

describe('never file://', () => {
  it('no Electron-facing source loads a file:// URL or uses loadFile', () => {
    const dir = path.resolve(import.meta.dirname, '../../electron');
    const files = ['main.ts', 'preload.ts', ...readdirSync(path.join(dir, 'shell')).map((f) => `shell/${f}`)];
    for (const file of files) {
      const text = readFileSync(path.join(dir, file), 'utf8');
      expect(text, file).not.toMatch(/['"`]file:/);
      expect(text, file).not.toMatch(/\.loadFile\(|pathToFileURL/);
    }
  });
});
