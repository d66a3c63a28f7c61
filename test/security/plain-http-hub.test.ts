import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { parseSettings } from '../../electron/core/settings/schema.ts';
import { fileKeyStore } from '../../electron/core/security/key-store.ts';
import { enrolWithHub, FileCredentialStore, type CredentialStore } from '../../electron/core/sync/enrolment.ts';
import { HttpTransport } from '../../electron/core/sync/transport.ts';
import { hubUrlProblem } from '../../shared/hub-url.ts';

// Someone on the store network listens for a kiosk talking to headquarters over plain http:
// before, any http:// hub URL was taken, and the enrolment code, the device credential and every
// customer's data crossed the network readable. Now a hub that is not on the kiosk's own machine
// must be https, in the settings, in the stored credential, at enrolment and on every sync call.

const CLEARTEXT = ['http://hub.example', 'http://10.0.0.5:8787', 'http://192.168.1.20', 'http://127.0.0.1.evil.example', 'http://localhost.evil.example', 'http://0.0.0.0:8787', 'http://[::ffff:10.0.0.5]', 'HTTP://hub.example'];
const ALLOWED = ['https://hub.example', 'https://10.0.0.5:8443/base', 'http://127.0.0.1:8787', 'http://127.8.9.10', 'http://localhost:8787', 'http://hub.localhost', 'http://[::1]:8787'];

describe('a hub URL on the store network', () => {
  it('must be https unless it is this machine', () => {
    for (const url of CLEARTEXT) expect(hubUrlProblem(url), url).toMatch(/must be reached over https/);
    for (const url of ALLOWED) expect(hubUrlProblem(url), url).toBeNull();
    expect(hubUrlProblem('ftp://hub.example')).toMatch(/not ftp:/);
    expect(hubUrlProblem('hub.example')).toMatch(/not a hub URL/);
    expect(hubUrlProblem('http://127.0.0.1@hub.example')).toMatch(/not a hub URL/);
  });

  it('is refused in the kiosk settings', () => {
    expect(parseSettings({ hubUrl: 'https://hub.example' }, 'test').hubUrl).toBe('https://hub.example');
    expect(parseSettings({ hubUrl: 'http://127.0.0.1:8787' }, 'test').hubUrl).toBe('http://127.0.0.1:8787');
    expect(() => parseSettings({ hubUrl: 'http://hub.example' }, 'test')).toThrow(/must be reached over https/);
  });

  it('is refused at enrolment before the code is sent, and nothing is kept', async () => {
    const send = vi.fn<typeof fetch>();
    const store: CredentialStore = { read: () => null, write: vi.fn() };
    const keys = fileKeyStore(mkdtempSync(path.join(os.tmpdir(), 'plain-http-hub-keys-')));
    await expect(enrolWithHub({ hubUrl: 'http://hub.example', code: 'ABCD-EFGH-JKMN-PQRS', deviceName: 'K', branchId: 'MAD-01', store, keys, auditKeyedFrom: 1, fetch: send })).rejects.toMatchObject({
      kind: 'protocol',
      message: expect.stringMatching(/must be reached over https/),
    });
    expect(send).not.toHaveBeenCalled();
    expect(store.write).not.toHaveBeenCalled();
  });

  it('is refused in a stored credential and by the sync transport, so the credential is never sent in clear', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'plain-http-hub-'));
    try {
      writeFileSync(path.join(dir, 'hub-credential.json'), JSON.stringify({ hubUrl: 'http://hub.example', deviceId: 'dev-1', branchId: 'MAD-01', credential: 'dev-1.secret-secret-secret-secret' }));
      expect(() => new FileCredentialStore(dir).read()).toThrow(/not a hub credential/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const send = vi.fn<typeof fetch>();
    expect(() => new HttpTransport({ baseUrl: 'http://hub.example', credential: 'dev-1.secret', timeoutMs: 1_000, fetch: send })).toThrow(/must be reached over https/);
    expect(send).not.toHaveBeenCalled();
    expect(() => new HttpTransport({ baseUrl: 'https://hub.example', credential: 'dev-1.secret', timeoutMs: 1_000, fetch: send })).not.toThrow();
  });
});
