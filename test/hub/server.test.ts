import { TEST_NOW } from '../helpers/clock.ts';
import { testEnrolment } from '../helpers/ledger-file.ts';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import type { HubDb } from '../../hub/db/hub-db.ts';
import { installErrorHandling } from '../../hub/http/errors.ts';
import { revokeDevice } from '../../hub/security/devices.ts';
import { issueEnrolmentCode } from '../../hub/security/enrolment.ts';
import { operatorGuard } from '../../hub/http/operator-guard.ts';
import { installThrottles } from '../../hub/http/throttle.ts';
import { buildHub } from '../../hub/server.ts';
import { engines, freshDatabases } from './databases.ts';

const OPERATOR_TOKEN = 'operator-token-for-tests';

async function withBranches(db: HubDb): Promise<void> {
  await db.exec(`INSERT INTO branches (id, name, currency, country_calling_code, time_zone) VALUES
    ('MAD-01', 'Madrid Gran Vía', 'EUR', '34', 'Europe/Madrid'), ('BCN-01', 'Barcelona', 'EUR', '34', 'Europe/Madrid')`);
}

/** A hub over `db` whose clock the test moves. */
async function hubOver(db: HubDb) {
  const clock = { now: new Date('2026-11-26T09:00:00Z') };
  const app = await buildHub({ db, now: () => clock.now, operatorToken: OPERATOR_TOKEN });
  return { app, clock };
}

const bearer = (credential: string) => ({ authorization: `Bearer ${credential}` });

async function tableState(db: HubDb) {
  return {
    devices: await db.query('SELECT id, revoked_at FROM devices ORDER BY id'),
    codes: await db.query('SELECT code_hash, used_at, used_by_device FROM enrolment_codes ORDER BY code_hash'),
  };
}

describe.each(engines)('the hub server on %s', (engine) => {
  const databases = freshDatabases(engine);

  it('enrols a kiosk once per code and lets its credential in, for its own branch', async () => {
    const { db } = await databases.fresh();
    await withBranches(db);
    const { app, clock } = await hubOver(db);
    const { code } = await issueEnrolmentCode(db, { branchId: 'BCN-01', now: clock.now });
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);

    // Typed by hand: lower case, spaces instead of dashes.
    const enrol = await app.inject({ method: 'POST', url: '/sync/v1/enrol', payload: { code: code.toLowerCase().replaceAll('-', ' '), deviceName: 'Kiosk 1', ...testEnrolment() } });
    expect(enrol.statusCode).toBe(201);
    const enrolled = enrol.json<{ deviceId: string; branchId: string; credential: string }>();
    expect(enrolled.branchId).toBe('BCN-01');
    expect(enrolled.credential).toMatch(new RegExp(`^${enrolled.deviceId}\\.[A-Za-z0-9_-]{43}$`));
    const [stored] = await db.query<{ credential_hash: string }>('SELECT credential_hash FROM devices WHERE id = $1', [enrolled.deviceId]);
    expect(stored?.credential_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(enrolled.credential).not.toContain(stored?.credential_hash);

    const whoami = await app.inject({ url: '/sync/v1/whoami', headers: bearer(enrolled.credential) });
    expect(whoami.statusCode).toBe(200);
    expect(whoami.json()).toEqual({ deviceId: enrolled.deviceId, branchId: 'BCN-01' });

    const before = await tableState(db);
    const again = await app.inject({ method: 'POST', url: '/sync/v1/enrol', payload: { code, deviceName: 'Kiosk 2', ...testEnrolment() } });
    expect(again.statusCode).toBe(401);
    expect(again.json()).toEqual({ error: { code: 'AUTH_FAILED', message: expect.stringContaining('unknown, already used or expired') } });
    expect(await tableState(db)).toEqual(before);
  });

  it('refuses unknown and expired codes and bad bodies, changing nothing', async () => {
    const { db } = await databases.fresh();
    await withBranches(db);
    const { app, clock } = await hubOver(db);
    const { code } = await issueEnrolmentCode(db, { branchId: 'MAD-01', now: clock.now });
    const before = await tableState(db);

    const unknown = await app.inject({ method: 'POST', url: '/sync/v1/enrol', payload: { code: 'ABCD-EFGH-JKMN-PQRS', deviceName: 'K', ...testEnrolment() } });
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().error).toEqual({ code: 'AUTH_FAILED', message: expect.stringContaining('unknown, already used or expired') });

    clock.now = new Date(clock.now.getTime() + 24 * 3_600_000);
    const expired = await app.inject({ method: 'POST', url: '/sync/v1/enrol', payload: { code, deviceName: 'K', ...testEnrolment() } });
    expect(expired.statusCode).toBe(401);
    expect(expired.json().error).toEqual(unknown.json().error);

    const noName = await app.inject({ method: 'POST', url: '/sync/v1/enrol', payload: { code } });
    expect(noName.statusCode).toBe(400);
    expect(noName.json().error).toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('deviceName') });
    const notJson = await app.inject({ method: 'POST', url: '/sync/v1/enrol', headers: { 'content-type': 'application/json' }, payload: '{"code":' });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json().error.code).toBe('VALIDATION');
    expect(await tableState(db)).toEqual(before);
  });

  it('refuses sync calls without a credential, with a wrong one, and at once after revocation', async () => {
    const { db } = await databases.fresh();
    await withBranches(db);
    const { app, clock } = await hubOver(db);
    const { code } = await issueEnrolmentCode(db, { branchId: 'MAD-01', now: clock.now });
    const { deviceId, credential } = (await app.inject({ method: 'POST', url: '/sync/v1/enrol', payload: { code, deviceName: 'K', ...testEnrolment() } })).json<{ deviceId: string; credential: string }>();

    const refused = async (headers: Record<string, string>, reason: string) => {
      const response = await app.inject({ url: '/sync/v1/whoami', headers });
      expect(response.statusCode).toBe(401);
      expect(response.json().error).toMatchObject({ code: 'AUTH_FAILED', details: { reason } });
    };
    await refused({}, 'missing');
    await refused(bearer('no-dot-here'), 'malformed');
    await refused(bearer(`${deviceId}.${'A'.repeat(43)}`), 'unknown');
    await refused(bearer(`0190aaaa-0000-7000-8000-000000000000.${credential.split('.')[1]}`), 'unknown');
    expect((await app.inject({ url: '/sync/v1/whoami', headers: bearer(credential) })).statusCode).toBe(200);

    expect(await revokeDevice(db, deviceId, clock.now)).toEqual({ revokedAt: clock.now });
    await refused(bearer(credential), 'revoked');

    const metrics = (await app.inject({ url: '/metrics' })).body;
    expect(metrics).toContain('hub_sync_auth_refusals_total{reason="revoked"} 1');
    expect(metrics).toContain('hub_sync_auth_refusals_total{reason="unknown"} 2');
    expect(metrics).toContain('hub_enrolments_total{outcome="accepted"} 1');
  });

  it('serves an enrolled kiosk from any hub process over the same database, and a revocation holds on all', async () => {
    const { db, another } = await databases.fresh();
    await withBranches(db);
    const first = await hubOver(db);
    const second = await hubOver(another());
    const code = (await first.app.inject({ method: 'POST', url: '/operator/v1/enrolment-codes', headers: bearer(OPERATOR_TOKEN), payload: { branchId: 'MAD-01' } })).json<{ code: string }>().code;
    const { deviceId, credential } = (await second.app.inject({ method: 'POST', url: '/sync/v1/enrol', payload: { code, deviceName: 'K', ...testEnrolment() } })).json<{ deviceId: string; credential: string }>();
    for (const { app } of [first, second]) {
      expect((await app.inject({ url: '/sync/v1/whoami', headers: bearer(credential) })).json()).toEqual({ deviceId, branchId: 'MAD-01' });
    }
    const revoked = await second.app.inject({ method: 'POST', url: `/operator/v1/devices/${deviceId}/revoke`, headers: bearer(OPERATOR_TOKEN) });
    expect(revoked.statusCode).toBe(200);
    expect((await first.app.inject({ url: '/sync/v1/whoami', headers: bearer(credential) })).statusCode).toBe(401);
    const listed = (await first.app.inject({ url: '/operator/v1/devices', headers: bearer(OPERATOR_TOKEN) })).json<{ devices: { id: string; revokedAt: string | null }[] }>();
    expect(listed.devices).toEqual([expect.objectContaining({ id: deviceId, branchId: 'MAD-01', name: 'K', revokedAt: expect.any(String) })]);
  });

  it('keeps the operator API behind its token, and off without one', async () => {
    const { db } = await databases.fresh();
    await withBranches(db);
    const { app } = await hubOver(db);
    const wrong = await app.inject({ method: 'POST', url: '/operator/v1/enrolment-codes', headers: bearer('not-the-token'), payload: { branchId: 'MAD-01' } });
    expect(wrong.statusCode).toBe(401);
    const noBranch = await app.inject({ method: 'POST', url: '/operator/v1/enrolment-codes', headers: bearer(OPERATOR_TOKEN), payload: { branchId: 'ZZZ-99' } });
    expect(noBranch.statusCode).toBe(404);
    expect(await db.query('SELECT count(*) AS n FROM enrolment_codes')).toEqual([{ n: 0 }]);

    const off = await buildHub({ db });
    expect((await off.inject({ url: '/operator/v1/devices', headers: bearer(OPERATOR_TOKEN) })).statusCode).toBe(403);
  });

  it('answers health with the database, and 503 once it is gone', async () => {
    const { db } = await databases.fresh({ own: true });
    const { app } = await hubOver(db);
    const up = await app.inject({ url: '/health' });
    expect(up.statusCode).toBe(200);
    expect(up.json()).toEqual({ status: 'ok', database: 'up' });
    await db.close();
    const down = await app.inject({ url: '/health' });
    expect(down.statusCode).toBe(503);
    expect(down.json()).toEqual({ status: 'unavailable', database: 'down' });
   }, 30_000); // a PGlite instance of its own takes seconds to start

  it('exposes request durations by route and status in Prometheus format', async () => {
    const { db } = await databases.fresh();
    const { app } = await hubOver(db);
    await app.inject({ url: '/health' });
    await app.inject({ url: '/sync/v1/whoami' });
    await app.inject({ url: '/no/such/route' });
    const metrics = await app.inject({ url: '/metrics' });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.headers['content-type']).toContain('text/plain');
    expect(metrics.body).toContain('hub_http_request_duration_seconds_count{method="GET",route="/health",status_code="200"} 1');
    expect(metrics.body).toContain('hub_http_request_duration_seconds_count{method="GET",route="/sync/v1/whoami",status_code="401"} 1');
    expect(metrics.body).toContain('hub_http_request_duration_seconds_count{method="GET",route="unmatched",status_code="404"} 1');
    expect(metrics.body).toMatch(/^process_cpu_seconds_total \d/m);
  });
});

describe('the operator guard', () => {
  it('admits only the configured bearer token', async () => {
    const app = Fastify();
    installErrorHandling(app);
    app.addHook('onRequest', operatorGuard('s3cret-operator-token', await installThrottles(app, () => TEST_NOW)));
    app.get('/x', async () => ({ ok: true }));
    expect((await app.inject({ url: '/x', headers: bearer('s3cret-operator-token') })).statusCode).toBe(200);
    expect((await app.inject({ url: '/x', headers: bearer('s3cret-operator-tokeN') })).statusCode).toBe(401);
    expect((await app.inject({ url: '/x' })).statusCode).toBe(401);
  });
});
