import { describe, expect, it } from 'vitest';
import { issueEnrolmentCode } from '../../hub/security/enrolment.ts';
import { AUTH_FAILURE_LIMIT, ENROLMENT_LIMIT } from '../../hub/http/throttle.ts';
import { demoBranch } from '../../shared/demo/branch.ts';
import { engines, freshDatabases } from '../hub/databases.ts';
import { NOW, OPERATOR_TOKEN, seededHub } from '../hub/push-fixture.ts';
import { testEnrolment } from '../helpers/ledger-file.ts';

// Someone on the network guesses at headquarters: enrolment codes (about 1,400 guesses a second
// were answered before, each saying whether the code was unknown, used or expired), device
// credentials and the operator token. Now an address gets about ten enrolment tries a minute,
// twenty refused credentials per ten minutes (after which even a right one is refused unchecked),
// and every refused code gets the same answer.

const ENROL = '/sync/v1/enrol';
const ATTACKER = '203.0.113.7';
const NEIGHBOUR = '198.51.100.20';

const throttledBody = { error: { code: 'THROTTLED', message: expect.stringMatching(/^Too many .* from this address: try again in \d+ s\.$/), details: { retryAfterSeconds: expect.any(Number) } } };

describe.each(engines)('guessing at headquarters on %s', (engine) => {
  const databases = freshDatabases(engine);

  it('answers an unknown, a used and an expired code alike', async () => {
    const { db } = await databases.fresh();
    const app = await seededHub(db);
    const used = await issueEnrolmentCode(db, { branchId: demoBranch.id, now: NOW });
    expect((await app.inject({ method: 'POST', url: ENROL, remoteAddress: NEIGHBOUR, payload: { code: used.code, deviceName: 'K1', ...testEnrolment() } })).statusCode).toBe(201);
    const expired = await issueEnrolmentCode(db, { branchId: demoBranch.id, now: new Date(NOW.getTime() - 25 * 3_600_000) });

    const answers = await Promise.all(
      ['ABCD-EFGH-JKMN-PQRS', 'not a code', used.code, expired.code].map((code) => app.inject({ method: 'POST', url: ENROL, remoteAddress: ATTACKER, payload: { code, deviceName: 'K2', ...testEnrolment() } })),
    );
    expect(answers.map((a) => a.statusCode)).toEqual([401, 401, 401, 401]);
    const bodies = answers.map((a) => a.json());
    expect(bodies[0]).toEqual({ error: { code: 'AUTH_FAILED', message: 'This enrolment code is not valid: it is unknown, already used or expired. Check it, or ask headquarters for a new one.' } });
    for (const body of bodies) expect(body).toEqual(bodies[0]);
  });

  it('lets an address try about ten codes a minute; a right code in the burst is refused and stays unused', async () => {
    const { db } = await databases.fresh();
    const app = await seededHub(db);
    const { code } = await issueEnrolmentCode(db, { branchId: demoBranch.id, now: NOW });
    const guess = (i: number) => app.inject({ method: 'POST', url: ENROL, remoteAddress: ATTACKER, payload: { code: `ABCD-EFGH-JKMN-${String(i).padStart(4, '0')}`, deviceName: 'K', ...testEnrolment() } });
    const burst = [];
    for (let i = 0; i < 3 * ENROLMENT_LIMIT.max; i++) burst.push(await guess(i));
    expect(burst.map((r) => r.statusCode)).toEqual([...Array(ENROLMENT_LIMIT.max).fill(401), ...Array(2 * ENROLMENT_LIMIT.max).fill(429)]);
    for (const r of burst.slice(ENROLMENT_LIMIT.max)) expect(r.json()).toEqual(throttledBody);

    const right = await app.inject({ method: 'POST', url: ENROL, remoteAddress: ATTACKER, payload: { code, deviceName: 'K', ...testEnrolment() } });
    expect(right.statusCode).toBe(429);
    expect(await db.query('SELECT id FROM devices')).toEqual([]);
    // Another address (a kiosk being set up elsewhere) is not held up.
    expect((await app.inject({ method: 'POST', url: ENROL, remoteAddress: NEIGHBOUR, payload: { code, deviceName: 'K', ...testEnrolment() } })).statusCode).toBe(201);
  });

  it('lets no more than ten through when they arrive all at once', async () => {
    const { db } = await databases.fresh();
    const app = await seededHub(db);
    const burst = await Promise.all(
      Array.from({ length: 5 * ENROLMENT_LIMIT.max }, (_, i) => app.inject({ method: 'POST', url: ENROL, remoteAddress: ATTACKER, payload: { code: `ABCD-EFGH-JKMN-${String(i).padStart(4, '0')}`, deviceName: 'K', ...testEnrolment() } })),
    );
    expect(burst.filter((r) => r.statusCode !== 429).length).toBeLessThanOrEqual(ENROLMENT_LIMIT.max);
    expect(burst.filter((r) => r.statusCode === 429).length).toBeGreaterThanOrEqual(4 * ENROLMENT_LIMIT.max);
  });

  it('refuses every credential, right ones too and unchecked, from an address that presented twenty wrong ones', async () => {
    const { db } = await databases.fresh();
    const app = await seededHub(db);
    const { code } = await issueEnrolmentCode(db, { branchId: demoBranch.id, now: NOW });
    const kiosk = (await app.inject({ method: 'POST', url: ENROL, remoteAddress: NEIGHBOUR, payload: { code, deviceName: 'K', ...testEnrolment() } })).json<{ deviceId: string; credential: string }>();
    const own = { authorization: `Bearer ${kiosk.credential}` };
    const whoami = (authorization: string, remoteAddress = ATTACKER) => app.inject({ url: '/sync/v1/whoami', remoteAddress, headers: { authorization } });
    const wrong = await Promise.all(Array.from({ length: AUTH_FAILURE_LIMIT.max + 5 }, (_, i) => whoami(`Bearer ${kiosk.deviceId}.guess${i}`)));
    expect(wrong.filter((r) => r.statusCode === 401)).toHaveLength(AUTH_FAILURE_LIMIT.max);
    expect(wrong.filter((r) => r.statusCode === 429)).toHaveLength(5);
    for (const r of wrong.filter((w) => w.statusCode === 429)) expect(r.json()).toEqual(throttledBody);

    // The kiosk's own credential, from the attacker's address: refused before it is looked at.
    const pulled = await app.inject({ url: '/sync/v1/pull?after=0', remoteAddress: ATTACKER, headers: own });
    expect(pulled.statusCode).toBe(429);
    // From the kiosk's own address it works, and wrong ones from there count for that address only.
    expect((await app.inject({ url: '/sync/v1/pull?after=0', remoteAddress: NEIGHBOUR, headers: own })).statusCode).toBe(200);
    expect((await whoami('Bearer nobody.secret', NEIGHBOUR)).statusCode).toBe(401);
  });

  it('counts wrong operator tokens the same way, on the operator API and the TM Forum APIs alike', async () => {
    const { db } = await databases.fresh();
    const app = await seededHub(db);
    const right = { authorization: `Bearer ${OPERATOR_TOKEN}` };
    const wrong = await Promise.all(
      Array.from({ length: AUTH_FAILURE_LIMIT.max }, (_, i) =>
        app.inject({ url: i % 2 ? '/operator/v1/devices' : '/tmf-api/paymentManagement/v4/payment', remoteAddress: ATTACKER, headers: { authorization: `Bearer guess-${i}-0123456789` } }),
      ),
    );
    expect(wrong.map((r) => r.statusCode)).toEqual(Array.from({ length: AUTH_FAILURE_LIMIT.max }, () => 401));
    const tmf = await app.inject({ url: '/tmf-api/paymentManagement/v4/payment', remoteAddress: ATTACKER, headers: right });
    expect(tmf.statusCode).toBe(429);
    expect(tmf.json()).toMatchObject({ code: 'THROTTLED', reason: 'Too Many Requests', status: '429', '@type': 'Error' });
    expect((await app.inject({ url: '/operator/v1/devices', remoteAddress: ATTACKER, headers: right })).statusCode).toBe(429);
    expect((await app.inject({ url: '/operator/v1/devices', remoteAddress: NEIGHBOUR, headers: right })).statusCode).toBe(200);
  });
});
