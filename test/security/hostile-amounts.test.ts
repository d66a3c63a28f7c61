import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { importUsage } from '../../hub/billing/usage-import.ts';
import type { HubDb } from '../../hub/db/hub-db.ts';
import { readConfig } from '../../hub/runtime/config.ts';
import { buildHub } from '../../hub/server.ts';
import { moneyFactMismatch } from '../../shared/sync/changes.ts';
import { amountBoundProblem, beyondBound } from '../../shared/money-bounds.ts';
import { engines, freshDatabases } from '../hub/databases.ts';
import { seedWorld, tableCounts } from '../hub/fixtures/billing-world.ts';
import { counts, enrolKiosk, feedHead, JAMES_ACCOUNT, NOW, OPERATOR_TOKEN, seededHub } from '../hub/push-fixture.ts';
import { paymentFact } from '../helpers/payments.ts';

// Someone at headquarters' API (or a kiosk's credential, or a mediation file) sends an amount no
// ledger should hold. Before, 90,071,992,547,409.91 EUR (2^53 - 1 cents) was accepted, and the
// account, its bills, its payments and every list page holding them answered 500 from then on,
// the payment already in the kiosks' feed. Every way in now refuses an amount beyond the
// per-currency maximum (shared/money-bounds.ts, HUB_MAX_AMOUNTS) and changes nothing.

const auth = { authorization: `Bearer ${OPERATOR_TOKEN}` };
const TMF = '/tmf-api';
const PAYMENTS = `${TMF}/paymentManagement/v4/payment`;
const HOSTILE = 90_071_992_547_409.91;

const transfer = (value: number, correlatorId: string) => ({
  correlatorId,
  account: { id: JAMES_ACCOUNT.id },
  totalAmount: { unit: 'EUR', value },
  paymentMethod: { '@type': 'BankAccountTransfer' },
});

async function ledgerPages(app: Awaited<ReturnType<typeof seededHub>>): Promise<number[]> {
  const urls = [
    `${TMF}/accountManagement/v4/billingAccount/${JAMES_ACCOUNT.id}`,
    `${TMF}/accountManagement/v4/billingAccount`,
    `${TMF}/customerBillManagement/v4/customerBill?billingAccount.id=${JAMES_ACCOUNT.id}`,
    `${TMF}/customerBillManagement/v4/customerBill`,
    `${PAYMENTS}?account.id=${JAMES_ACCOUNT.id}`,
    PAYMENTS,
  ];
  return Promise.all(urls.map(async (url) => (await app.inject({ url, headers: auth })).statusCode));
}

describe('the money bound every ledger shares', () => {
  it('refuses either sign beyond the maximum and anything a number cannot hold exactly', () => {
    expect(beyondBound(100_000_000, 100_000_000)).toBe(false);
    expect(beyondBound(100_000_001, 100_000_000)).toBe(true);
    expect(beyondBound(-100_000_001, 100_000_000)).toBe(true);
    expect(beyondBound(2 ** 53, Number.MAX_SAFE_INTEGER)).toBe(true);
    // 1,000,000.00 in the currency's major units by default; settings name their own.
    expect(amountBoundProblem('x', 100_000_000, 'EUR')).toBeNull();
    expect(amountBoundProblem('x', 100_000_001, 'EUR')).toMatch(/1000000 EUR/);
    expect(amountBoundProblem('x', 1_000_001, 'JPY')).toMatch(/1000000 JPY/);
    expect(amountBoundProblem('x', 5_001, 'EUR', { EUR: 5_000 })).toMatch(/50 EUR/);
  });

  it('is checked on every money fact a ledger writes, so a kiosk refuses a hostile fact in its feed too', () => {
    const hostile = paymentFact('acct-1', 9_007_199_254_740_991, { channel: 'bank', method: 'bankTransfer', cash: 'bank', origin: 'hub' });
    expect(moneyFactMismatch(hostile)).toMatch(/beyond the most/);
    expect(moneyFactMismatch(paymentFact('acct-1', 100_000_000, { channel: 'bank', method: 'bankTransfer', cash: 'bank', origin: 'hub' }))).toBeNull();
  });
});

describe.each(engines)('hostile amounts at headquarters on %s', (engine) => {
  const databases = freshDatabases(engine);

  it('refuses a TMF payment of 90,071,992,547,409.91 EUR with 400, writes nothing, and every page still answers', async () => {
    const { db } = await databases.fresh();
    const app = await seededHub(db);
    const before = { counts: await counts(db), head: await feedHead(db) };

    const refused = await app.inject({ method: 'POST', url: PAYMENTS, headers: auth, payload: transfer(HOSTILE, 'HOSTILE-1') });
    expect(refused.statusCode, refused.body).toBe(400);
    expect(refused.json()).toMatchObject({ code: 'VALIDATION', reason: 'Bad Request', status: '400', '@type': 'Error', message: expect.stringMatching(/beyond the most .* \(1000000 EUR\)/) });
    // One cent over the default maximum is refused too; the maximum itself is taken.
    expect((await app.inject({ method: 'POST', url: PAYMENTS, headers: auth, payload: transfer(1_000_000.01, 'HOSTILE-2') })).statusCode).toBe(400);
    expect(await counts(db)).toEqual(before.counts);
    expect(await feedHead(db)).toBe(before.head);
    expect(await ledgerPages(app)).toEqual([200, 200, 200, 200, 200, 200]);

    const largest = await app.inject({ method: 'POST', url: PAYMENTS, headers: auth, payload: transfer(1_000_000, 'LARGEST-1') });
    expect(largest.statusCode, largest.body).toBe(201);
    expect(largest.json().totalAmount).toEqual({ unit: 'EUR', value: 1_000_000 });
    expect(await ledgerPages(app)).toEqual([200, 200, 200, 200, 200, 200]);
  });

  it('takes its maximum per currency from the settings', async () => {
    const { db } = await databases.fresh();
    await seededHub(db);
    const { limits } = readConfig({ HUB_MAX_AMOUNTS: '{"EUR":5000}' });
    expect(limits).toEqual({ maxAmounts: { EUR: 5_000 }, paymentMaxAgeDays: 90 });
    expect(() => readConfig({ HUB_MAX_AMOUNTS: '{"EUR":1e15}' })).toThrow(/HUB_MAX_AMOUNTS/);
    // A setting may lower the maximum, never raise it above what every kiosk takes from the feed.
    expect(() => readConfig({ HUB_MAX_AMOUNTS: '{"EUR":100000001}' })).toThrow(/at most 100000000 \(1000000 EUR\)/);
    expect(() => readConfig({ HUB_MAX_AMOUNTS: 'EUR=5000' })).toThrow(/HUB_MAX_AMOUNTS/);
    const app = await buildHub({ db, now: () => NOW, operatorToken: OPERATOR_TOKEN, limits });
    const over = await app.inject({ method: 'POST', url: PAYMENTS, headers: auth, payload: transfer(50.01, 'SET-1') });
    expect(over.statusCode, over.body).toBe(400);
    expect(over.json().message).toMatch(/\(50 EUR\)/);
    expect((await app.inject({ method: 'POST', url: PAYMENTS, headers: auth, payload: transfer(50, 'SET-2') })).statusCode).toBe(201);
  });

  it("refuses a kiosk's pushed payment and adjustment beyond the maximum, and keeps nothing of them", async () => {
    const { db } = await databases.fresh();
    const app = await seededHub(db);
    const kiosk = await enrolKiosk(app, db);
    const before = { counts: await counts(db), head: await feedHead(db) };
    const payment = paymentFact(JAMES_ACCOUNT.id, 9_007_199_254_740_991, { channel: 'kiosk', method: 'card', cash: 'kiosk:K1', origin: kiosk.deviceId });
    const adjustment = {
      type: 'adjustment.posted',
      id: 'adj-hostile',
      accountId: JAMES_ACCOUNT.id,
      currency: 'EUR',
      kind: 'adjustment',
      amountMinor: -200_000_000,
      billNo: null,
      reason: 'goodwill',
      staffId: 'S-001',
      approvedBy: null,
      entry: {
        id: 'entry-adj-hostile',
        idempotencyKey: 'adjustment:adj-hostile',
        entryType: 'adjustment',
        accountId: JAMES_ACCOUNT.id,
        currency: 'EUR',
        occurredAt: '2026-11-26T08:30:00.000Z',
        origin: kiosk.deviceId,
        postings: [
          { ledgerAccount: `receivable:${JAMES_ACCOUNT.id}`, amountMinor: -200_000_000 },
          { ledgerAccount: 'adjustments:goodwill', amountMinor: 200_000_000 },
        ],
      },
    };
    const { results } = await kiosk.push(['payment.recorded', payment], ['adjustment.posted', adjustment]);
    expect(results.map((r) => [r.outcome, 'reason' in r ? r.reason : null])).toEqual([
      ['rejected', expect.stringMatching(/beyond the most this ledger takes in one amount \(1000000 EUR\)/)],
      ['rejected', expect.stringMatching(/Adjustment adj-hostile: an amount of -200000000 minor units is beyond/)],
    ]);
    const after = await counts(db);
    expect({ ...after, changes: before.counts.changes }).toEqual(before.counts);
    expect(await feedHead(db)).toBe(before.head);
    expect(await ledgerPages(app)).toEqual([200, 200, 200, 200, 200, 200]);
  });

  it('refuses a usage row of a mediation file whose charge is beyond the maximum, so the bill run can still bill the account', async () => {
    const { db } = await databases.fresh();
    await seedWorld(db);
    const before = await tableCounts(db);
    const csv = [
      'usage_id,product_id,usage_type,usage_date,quantity,unit,destination',
      // 2,000,000,000 s of international calls at 0.30/min: 10,000,000.00 EUR, a quantity rating itself allows.
      'u-huge,prod-mob-a,voice,2026-10-12T18:00:00Z,2000000000,s,international',
      'u-fine,prod-mob-a,voice,2026-10-12T19:00:00Z,120,s,international',
    ].join('\n');
    const report = await importUsage(db as HubDb, Readable.from([csv]), { fileName: 'hostile.csv', now: () => NOW });
    expect(report).toMatchObject({ imported: 1, rejected: 1, firstRejects: [{ lineNo: 2, usageId: 'u-huge', code: 'AMOUNT_TOO_LARGE' }] });
    expect(report.firstRejects[0]?.reason).toMatch(/beyond the most this ledger takes in one amount \(1000000 EUR\)/);
    expect((await tableCounts(db)).usage_records).toBe((before.usage_records as number) + 1);
  });
});
