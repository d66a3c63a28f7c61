import type { InjectOptions } from 'fastify';
import { describe, expect, it } from 'vitest';
import { unstorableTextAt } from '../../hub/http/text-guard.ts';
import { engines, freshDatabases } from '../hub/databases.ts';
import { issueEnrolmentCode } from '../../hub/security/enrolment.ts';
import { demoBranch } from '../../shared/demo/branch.ts';
import { counts, enrolKiosk, feedHead, JAMES_ACCOUNT, NOW, OPERATOR_TOKEN, seededHub } from '../hub/push-fixture.ts';

// A hostile client sends text PostgreSQL cannot hold: U+0000 or an unpaired surrogate, in a path,
// a query, a header or a body. Before, most of the inputs below reached the database and the hub
// answered 500 (and a URL that does not decode got Fastify's own error body). Now every one is a
// 400 in the format of the API it was sent to, and nothing is written (hub/http/text-guard.ts).

const auth = { authorization: `Bearer ${OPERATOR_TOKEN}` };
const json = { ...auth, 'content-type': 'application/json' };
const TMF = '/tmf-api';
const PAYMENTS = `${TMF}/paymentManagement/v4/payment`;
const BILLS = `${TMF}/customerBillManagement/v4/customerBill`;
const ACCOUNTS = `${TMF}/accountManagement/v4/billingAccount`;

const payment = (patch: string) =>
  `{"correlatorId":"REF-1","account":{"id":"${JAMES_ACCOUNT.id}"},"totalAmount":{"unit":"EUR","value":1},"paymentMethod":{"@type":"Cash"}${patch}}`;

type Format = 'tmf' | 'hub';
/** Thirteen of these answered 500 on the previous hub; those refused before routing got Fastify's own body, not the API's. */
const hostile = (enrolmentCode: string): [string, Format, InjectOptions][] => [
  ['U+0000 in a payment id', 'tmf', { url: `${PAYMENTS}/pay%00ment`, headers: auth }],
  ['U+0000 in a billing account id', 'tmf', { url: `${ACCOUNTS}/acct%00`, headers: auth }],
  ['U+0000 in a bill id', 'tmf', { url: `${BILLS}/bill%00`, headers: auth }],
  ['U+0000 in a bill id of a patch', 'tmf', { method: 'PATCH', url: `${BILLS}/bill%00`, headers: { ...auth, 'content-type': 'application/merge-patch+json' }, payload: '{"state":"onHold"}' }],
  ['U+0000 in a payment list filter', 'tmf', { url: `${PAYMENTS}?account.id=a%00b`, headers: auth }],
  ['U+0000 in a bill list filter', 'tmf', { url: `${BILLS}?billingAccount.id=a%00`, headers: auth }],
  ['U+0000 in a correlatorId', 'tmf', { method: 'POST', url: PAYMENTS, headers: json, payload: payment(',"correlatorId":"a\\u0000b"') }],
  ['an unpaired surrogate in a correlatorId', 'tmf', { method: 'POST', url: PAYMENTS, headers: json, payload: payment(',"correlatorId":"a\\ud800b"') }],
  ['U+0000 in the account a payment names', 'tmf', { method: 'POST', url: PAYMENTS, headers: json, payload: payment(',"account":{"id":"x\\u0000"}') }],
  ['an unpaired surrogate in a point of interaction', 'tmf', { method: 'POST', url: PAYMENTS, headers: json, payload: payment(',"pointOfInteraction":"till\\udc00"') }],
  ['an unpaired surrogate in a key', 'tmf', { method: 'POST', url: PAYMENTS, headers: json, payload: payment(',"\\ud800":1') }],
  ['an encoded surrogate in a path (Fastify refuses it before routing)', 'tmf', { url: `${PAYMENTS}/a%ED%A0%80b`, headers: auth }],
  ['a broken escape in a path (before routing)', 'tmf', { url: `${PAYMENTS}/%`, headers: auth }],
  ['U+0000 in a device credential', 'hub', { url: '/sync/v1/whoami', headers: { authorization: 'Bearer dev\u0000ice.secret' } }],
  ['U+0000 in an operator path', 'hub', { method: 'POST', url: '/operator/v1/devices/a%00/revoke', headers: auth }],
  ['U+0000 in a kiosk name at enrolment', 'hub', { method: 'POST', url: '/sync/v1/enrol', headers: { 'content-type': 'application/json' }, payload: `{"code":"${enrolmentCode}","deviceName":"Kiosk\\u0000"}` }],
  ['a broken escape in a sync path (before routing)', 'hub', { url: '/sync/v1/%E0%A4%A', headers: auth }],
];

describe('where unstorable text is', () => {
  it('is named, however deep, and ordinary text passes', () => {
    expect(unstorableTextAt({ a: [{ b: 'ok' }, { c: 'x\u0000' }] }, 'body')).toBe('body.a[1].c');
    expect(unstorableTextAt({ a: '\ud83d\ude00 ñ é' }, 'body')).toBeNull();
    expect(unstorableTextAt({ a: 'half \ud83d' }, 'body')).toBe('body.a');
    let deep: unknown = 'x\udfff';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(unstorableTextAt(deep, 'body')).toMatch(/^body(\[0\])+$/);
  });
});

describe.each(engines)('hostile text at headquarters on %s', (engine) => {
  const databases = freshDatabases(engine);

  it(`answers ${hostile('').length} hostile inputs with 400 in the API's own format and writes nothing`, async () => {
    const { db } = await databases.fresh();
    const app = await seededHub(db);
    const { code } = await issueEnrolmentCode(db, { branchId: demoBranch.id, now: NOW });
    const before = { counts: await counts(db), head: await feedHead(db), devices: await db.query('SELECT id FROM devices') };
    for (const [name, format, request] of hostile(code)) {
      const response = await app.inject(request);
      expect(response.statusCode, `${name}: ${response.body}`).toBe(400);
      if (format === 'tmf') expect(response.json(), name).toMatchObject({ code: 'VALIDATION', reason: 'Bad Request', status: '400', '@type': 'Error' });
      else expect(response.json(), name).toEqual({ error: expect.objectContaining({ code: 'VALIDATION', message: expect.any(String) }) });
    }
    expect(await counts(db)).toEqual(before.counts);
    expect(await feedHead(db)).toBe(before.head);
    expect(await db.query('SELECT id FROM devices')).toEqual(before.devices);
    // The same requests with clean text are answered as usual (what the guard refuses is only the text).
    expect((await app.inject({ url: `${PAYMENTS}/payment`, headers: auth })).statusCode).toBe(404);
    expect((await app.inject({ method: 'POST', url: PAYMENTS, headers: json, payload: payment('') })).statusCode).toBe(201);
  });

  it("still takes a kiosk's push whole, rejecting only the event it cannot store", async () => {
    const { db } = await databases.fresh();
    const app = await seededHub(db);
    const kiosk = await enrolKiosk(app, db);
    const request = (screen: string) => ({ id: crypto.randomUUID(), accountId: JAMES_ACCOUNT.id, screen, createdAt: '2026-11-26T08:30:00.000Z' });
    const { results, ackedThrough } = await kiosk.push(['assist.requested', request('home\u0000')], ['assist.requested', request('bills\ud800')], ['assist.requested', request('home')]);
    expect(results.map((r) => r.outcome)).toEqual(['rejected', 'rejected', 'accepted']);
    expect(ackedThrough).toBe(3);
  });
});
