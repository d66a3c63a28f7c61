import { describe, expect, it } from 'vitest';
import type { HubDb } from '../../hub/db/hub-db.ts';
import { buildHub } from '../../hub/server.ts';
import { engines, freshDatabases } from '../hub/databases.ts';
import { counts, JAMES_ACCOUNT, NOW, OPERATOR_TOKEN, seededHub } from '../hub/push-fixture.ts';

// An operator system sends a payment to headquarters and must be told, truthfully and every time
// it asks again, what became of it. Before, the answer was built by a second read after COMMIT:
// when that read failed the sender was told 500 for a payment it had made, a retry got 500 again,
// and the sender re-sent it under a new reference (paid twice). A reference typed with a
// decomposed accent was another reference, and any paymentDate in the past was taken.

const auth = { authorization: `Bearer ${OPERATOR_TOKEN}` };
const PAYMENTS = '/tmf-api/paymentManagement/v4/payment';
const DAY_MS = 86_400_000;

const transfer = (correlatorId: string, extra: Record<string, unknown> = {}) => ({
  correlatorId,
  account: { id: JAMES_ACCOUNT.id },
  totalAmount: { unit: 'EUR', value: 12.5 },
  paymentMethod: { '@type': 'BankAccountTransfer' },
  ...extra,
});

/** The database as the routes see it, with every read of payments outside a transaction failing (a lost connection, a replica behind). */
function failingPaymentReads(db: HubDb): HubDb {
  return {
    ...db,
    query: (sql, params) => (/\bpayments p\b/.test(sql) ? Promise.reject(new Error('connection lost while reading payments')) : db.query(sql, params)),
  };
}

const paymentsOf = async (db: HubDb, correlatorId: string) =>
  (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM payments WHERE correlator_id = $1', [correlatorId]))[0]?.n;

describe.each(engines)('payment replay at headquarters on %s', (engine) => {
  const databases = freshDatabases(engine);

  it('answers a committed payment from what was committed, and every retry gets the same answer', async () => {
    const { db } = await databases.fresh();
    await seededHub(db);
    const app = await buildHub({ db: failingPaymentReads(db), now: () => NOW, operatorToken: OPERATOR_TOKEN });

    const first = await app.inject({ method: 'POST', url: PAYMENTS, headers: auth, payload: transfer('SEPA-REPLAY-1') });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ correlatorId: 'SEPA-REPLAY-1', status: 'done', totalAmount: { unit: 'EUR', value: 12.5 }, account: { id: JAMES_ACCOUNT.id } });
    expect(await paymentsOf(db, 'SEPA-REPLAY-1')).toBe(1);

    const retries = await Promise.all([1, 2, 3].map(() => app.inject({ method: 'POST', url: PAYMENTS, headers: auth, payload: transfer('SEPA-REPLAY-1') })));
    expect(retries.map((r) => r.statusCode)).toEqual([201, 201, 201]);
    for (const retry of retries) {
      expect(retry.json()).toEqual(first.json());
      expect(retry.headers.location).toBe(first.headers.location);
    }
    // Even after later payments changed the account, a retry is told what the first request was told.
    const healthy = await buildHub({ db, now: () => new Date(NOW.getTime() + 60_000), operatorToken: OPERATOR_TOKEN });
    expect((await healthy.inject({ method: 'POST', url: PAYMENTS, headers: auth, payload: transfer('SEPA-REPLAY-2') })).statusCode).toBe(201);
    expect((await healthy.inject({ method: 'POST', url: PAYMENTS, headers: auth, payload: transfer('SEPA-REPLAY-1') })).json()).toEqual(first.json());
    expect(await paymentsOf(db, 'SEPA-REPLAY-1')).toBe(1);
  });

  it('takes a correlatorId in composed and decomposed form as the same reference (NFC)', async () => {
    const { db } = await databases.fresh();
    const app = await seededHub(db);
    const composed = 'CAF\u00c9-0001';
    const decomposed = 'CAFE\u0301-0001';
    const first = await app.inject({ method: 'POST', url: PAYMENTS, headers: auth, payload: transfer(composed) });
    expect(first.statusCode, first.body).toBe(201);
    const again = await app.inject({ method: 'POST', url: PAYMENTS, headers: auth, payload: transfer(decomposed) });
    expect(again.statusCode, again.body).toBe(201);
    expect(again.json()).toEqual(first.json());
    expect(first.json().correlatorId).toBe(composed);
    expect(await paymentsOf(db, composed)).toBe(1);
    expect(await paymentsOf(db, decomposed)).toBe(0);
    // The same reference with another amount is the conflict it is, whichever form it comes in.
    const other = await app.inject({ method: 'POST', url: PAYMENTS, headers: auth, payload: transfer(decomposed, { totalAmount: { unit: 'EUR', value: 99 } }) });
    expect(other.statusCode).toBe(409);
  });

  it('refuses a payment dated further back than the setting, by the hub’s clock', async () => {
    const { db } = await databases.fresh();
    await seededHub(db);
    const app = await buildHub({ db, now: () => NOW, operatorToken: OPERATOR_TOKEN, limits: { paymentMaxAgeDays: 30 } });
    const before = await counts(db);
    const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY_MS).toISOString();

    const old = await app.inject({ method: 'POST', url: PAYMENTS, headers: auth, payload: transfer('OLD-1', { paymentDate: daysAgo(30.01) }) });
    expect(old.statusCode, old.body).toBe(400);
    expect(old.json()).toMatchObject({ code: 'VALIDATION', status: '400', '@type': 'Error', message: expect.stringMatching(/more than 30 days ago/) });
    expect(await counts(db)).toEqual(before);
    expect((await app.inject({ method: 'POST', url: PAYMENTS, headers: auth, payload: transfer('OLD-2', { paymentDate: daysAgo(29.99) }) })).statusCode).toBe(201);

    // The default is 90 days.
    const byDefault = await buildHub({ db, now: () => NOW, operatorToken: OPERATOR_TOKEN });
    expect((await byDefault.inject({ method: 'POST', url: PAYMENTS, headers: auth, payload: transfer('OLD-3', { paymentDate: daysAgo(91) }) })).statusCode).toBe(400);
    expect((await byDefault.inject({ method: 'POST', url: PAYMENTS, headers: auth, payload: transfer('OLD-4', { paymentDate: daysAgo(89) }) })).statusCode).toBe(201);
  });
});
