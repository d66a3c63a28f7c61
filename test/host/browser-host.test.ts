import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request } from 'node:http';
import { startBrowserHost, type BrowserHost } from '../../electron/browser-host/server.ts';
import type { KioskCore } from '../../electron/core/kiosk-core.ts';
import { startTestCore } from '../helpers/demo-ledger.ts';

let core: KioskCore;
let host: BrowserHost;
// The screen's session (the launch address traded; test/security/browser-host-session.test.ts attacks that trade).
let cookie: string;

beforeAll(async () => {
  ({ core } = await startTestCore());
  const rendererDir = mkdtempSync(path.join(os.tmpdir(), 'renderer-'));
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>kiosk</title>');
  host = await startBrowserHost({ core, rendererDir });
  const traded = await fetch(host.newLaunchUrl());
  cookie = traded.headers.get('set-cookie')!.split(';')[0]!;
});
afterAll(async () => {
  await host.close();
  core.close();
});

const call = (channel: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${host.origin}/api/${channel}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: host.origin, cookie, ...headers },
    body: JSON.stringify(body),
  });

describe('browser host', () => {
  it('listens on 127.0.0.1 only', () => {
    expect(new URL(host.origin).hostname).toBe('127.0.0.1');
  });

  it('serves the screens only with the session cookie, with the strict CSP', async () => {
    expect((await fetch(`${host.origin}/index.html`)).status).toBe(401);
    const res = await fetch(`${host.origin}/index.html`, { headers: { cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('content-security-policy')).toContain("object-src 'none'");
  });

  it('answers a contract call with the session cookie and our origin', async () => {
    const res = await call('kiosk.info', {});
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ok: boolean; value: { kioskId: string } };
    expect(body).toMatchObject({ ok: true, value: { kioskId: 'KIOSK-001' } });
  });

  it('refuses a call without the session cookie', async () => {
    const res = await call('kiosk.info', {}, { cookie: '' });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('refuses a call from another origin, even with the session cookie', async () => {
    const res = await call('kiosk.info', {}, { origin: 'http://evil.example' });
    expect(res.status).toBe(403);
  });

  it('refuses a call with no origin at all', async () => {
    const res = await fetch(`${host.origin}/api/kiosk.info`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: '{}',
    });
    expect(res.status).toBe(403);
  });

  it('refuses another host name (DNS rebinding)', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const { port } = new URL(host.origin);
      const req = request({ host: '127.0.0.1', port, path: '/index.html', headers: { host: `evil.example:${port}`, cookie } }, (res) =>
        resolve(res.statusCode ?? 0),
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
  });

  it('validates input exactly like Electron: same dispatcher, same error data', async () => {
    const res = await call('session.signIn', { identifier: '4000000002', pin: '12' });
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: 'The PIN is 4 digits' } });
  });

  it('refuses channels outside the contract', async () => {
    const res = await call('ledger.dropEverything', {});
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
  });

  it('refuses a call that is not JSON', async () => {
    const res = await fetch(`${host.origin}/api/kiosk.info`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: host.origin, cookie },
      body: '{}',
    });
    expect(res.status).toBe(415);
  });

  it('streams core events to the screens', async () => {
    const controller = new AbortController();
    const res = await fetch(`${host.origin}/api/events`, { headers: { cookie }, signal: controller.signal });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    await reader.read(); // ": connected"
    await call('session.signIn', { identifier: '4000000002', pin: '1234' });
    await call('session.signOut', {});
    let text = '';
    while (!text.includes('session.ended')) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toContain('event: session.ended\ndata: {"reason":"signedOut"}');
    controller.abort();
  });
});
