import { describe, expect, it, vi } from 'vitest';
import { createKioskApi } from '../../shared/contract/index.ts';
import { createHttpBridge } from '../../renderer/src/lib/bridge/http-bridge.ts';
import { kioskInfo } from './fixtures.ts';

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

class FakeEventSource extends EventTarget {
  static opened: string[] = [];
  constructor(readonly url: string) {
    super();
    FakeEventSource.opened.push(url);
  }
  send(event: string, data: string): void {
    this.dispatchEvent(new MessageEvent(event, { data }));
  }
}

describe('createHttpBridge', () => {
  it('POSTs each call as JSON to /api/<channel>, same-origin, and returns the Result body', async () => {
    const fetch = vi.fn(async () => json(200, { ok: true, value: kioskInfo }));
    const bridge = createHttpBridge({ fetch });
    const answer = await bridge.invoke('session.signIn', { identifier: '0871234567', pin: '1234' });
    expect(answer).toEqual({ ok: true, value: kioskInfo });
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(fetch).toHaveBeenCalledWith('/api/session.signIn', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ identifier: '0871234567', pin: '1234' }),
      credentials: 'same-origin',
    });
  });

  it('passes an HTTP 401/403 error body through as the Result it is', async () => {
    const denied = { ok: false, error: { code: 'FORBIDDEN', message: 'bad token' } };
    const bridge = createHttpBridge({ fetch: async () => json(401, denied) });
    expect(await bridge.invoke('kiosk.info', {})).toEqual(denied);
    const forbidden = createHttpBridge({ fetch: async () => json(403, denied) });
    expect(await forbidden.invoke('account.overview', {})).toEqual(denied);
  });

  it('turns a network failure into an INTERNAL error', async () => {
    const bridge = createHttpBridge({ fetch: async () => Promise.reject(new TypeError('Failed to fetch')) });
    expect(await bridge.invoke('kiosk.info', {})).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: 'Could not reach the kiosk service: Failed to fetch' },
    });
  });

  it('turns a body that is not a Result into an INTERNAL error', async () => {
    const html = createHttpBridge({ fetch: async () => new Response('<h1>Bad gateway</h1>', { status: 502 }) });
    expect(await html.invoke('kiosk.info', {})).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    const other = createHttpBridge({ fetch: async () => json(500, { message: 'oops' }) });
    expect(await other.invoke('kiosk.info', {})).toMatchObject({ ok: false, error: { code: 'INTERNAL', message: expect.stringContaining('500') } });
  });

  it('refuses names outside the contract without calling the host', async () => {
    const fetch = vi.fn(async () => json(200, { ok: true, value: {} }));
    const bridge = createHttpBridge({ fetch });
    expect(await bridge.invoke('admin.dropTables', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    expect(fetch).not.toHaveBeenCalled();
  });

  it('shares one EventSource on /api/events and parses each event’s JSON', () => {
    FakeEventSource.opened = [];
    let source: FakeEventSource | undefined;
    const bridge = createHttpBridge({
      fetch: vi.fn(),
      openEvents: (url) => (source = new FakeEventSource(url)),
    });
    const warnings: unknown[] = [];
    const ended: unknown[] = [];
    const offWarning = bridge.on('session.idleWarning', (p) => warnings.push(p));
    bridge.on('session.ended', (p) => ended.push(p));
    expect(FakeEventSource.opened).toEqual(['/api/events']);

    source!.send('session.idleWarning', '{"secondsLeft":30}');
    source!.send('session.ended', '{"reason":"idleTimeout"}');
    source!.send('session.idleWarning', 'not json');
    expect(warnings).toEqual([{ secondsLeft: 30 }]);
    expect(ended).toEqual([{ reason: 'idleTimeout' }]);

    offWarning();
    source!.send('session.idleWarning', '{"secondsLeft":10}');
    expect(warnings).toHaveLength(1);
    expect(bridge.on('not.an.event', () => {})).toBeTypeOf('function');
    expect(FakeEventSource.opened).toHaveLength(1);
  });

  it('works under createKioskApi, which checks answers against the contract', async () => {
    const api = createKioskApi(createHttpBridge({ fetch: async () => json(200, { ok: true, value: { ...kioskInfo, currency: 7 } }) }));
    expect(await api.invoke('kiosk.info', {})).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'Malformed answer on kiosk.info' } });
    const good = createKioskApi(createHttpBridge({ fetch: async () => json(200, { ok: true, value: kioskInfo }) }));
    expect(await good.invoke('kiosk.info', {})).toEqual({ ok: true, value: kioskInfo });
  });
});
