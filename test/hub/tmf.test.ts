import { testEnrolment } from '../helpers/ledger-file.ts';
import { TEST_NOW } from '../helpers/clock.ts';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import type { BillLine, CustomerBill } from '../../shared/billing/bill.ts';
import { ledgerAccounts, type Change, type ChangeOf } from '../../shared/sync/changes.ts';
import { demoBranch } from '../../shared/demo/branch.ts';
import { generateDemo } from '../../shared/demo/generator.ts';
import { PullResponse } from '../../shared/sync/protocol.ts';
import type { HubDb } from '../../hub/db/hub-db.ts';
import { HubChangeWriter } from '../../hub/ledger/change-writer.ts';
import { issueEnrolmentCode } from '../../hub/security/enrolment.ts';
import { buildHub } from '../../hub/server.ts';
import { engines, freshDatabases } from './databases.ts';
import { paymentFact } from '../helpers/payments.ts';

const TOKEN = 'operator-token-for-tmf-tests';
const NOW = new Date('2026-11-26T09:00:00Z');
const auth = { authorization: `Bearer ${TOKEN}` };

const ACCOUNTS = '/tmf-api/accountManagement/v4/billingAccount';
const BILLS = '/tmf-api/customerBillManagement/v4/customerBill';
const RATES = '/tmf-api/customerBillManagement/v4/appliedCustomerBillingRate';
const PAYMENTS = '/tmf-api/paymentManagement/v4/payment';

// ---------------------------------------------------------------------------------------------
// Facts written by hand, so every figure below is worked out here from them.

const VAT = { taxCategory: 'VAT', name: 'VAT 21%', rateBps: 2100 };
const INS = { taxCategory: 'INS', name: 'Insurance tax 8%', rateBps: 800 };

function line(billNo: string, n: number, productId: string | null, amountMinor: number, taxCategory: string, lineType: BillLine['lineType'] = 'recurring'): BillLine {
  return {
    id: `${billNo}-${String(n).padStart(3, '0')}`,
    productId,
    lineType,
    cause: lineType === 'discount' ? 'bundleDiscount' : 'recurring',
    description: `${lineType} ${n}`,
    params: {},
    period: { start: '2026-10-05', end: '2026-11-04' },
    quantity: null,
    amountMinor,
    taxCategory,
    sourceId: 'OFFER-1',
  };
}

/** A bill and its journal entry; taxes per category on the category's net, half-up, as the engine does. */
function bill(o: {
  id: string;
  billNo: string;
  accountId: string;
  billDate: string;
  due: string;
  period: [string, string];
  serviceLines: BillLine[];
  accountItems?: BillLine[];
  previousBalanceMinor?: number;
  paymentsReceivedMinor?: number;
  at: string;
}): ChangeOf<'bill.issued'> {
  const lines = [...o.serviceLines, ...(o.accountItems ?? [])];
  const taxItems = [VAT, INS].flatMap((t) => {
    const net = lines.filter((l) => l.taxCategory === t.taxCategory).reduce((s, l) => s + l.amountMinor, 0);
    const own = lines.some((l) => l.taxCategory === t.taxCategory);
    return own ? [{ ...t, taxableMinor: net, taxMinor: Math.round((net * t.rateBps) / 10_000) }] : [];
  });
  const net = lines.reduce((s, l) => s + l.amountMinor, 0);
  const tax = taxItems.reduce((s, t) => s + t.taxMinor, 0);
  const forward = (o.previousBalanceMinor ?? 0) - (o.paymentsReceivedMinor ?? 0);
  const document: CustomerBill = {
    '@type': 'CustomerBill',
    id: o.id,
    billNo: o.billNo,
    accountId: o.accountId,
    currency: 'EUR',
    billDate: o.billDate,
    billingPeriod: { start: o.period[0], end: o.period[1] },
    usagePeriod: { start: o.period[0], end: o.period[1] },
    paymentDueDate: o.due,
    services: [
      { productId: `prod-${o.accountId}`, kind: 'mobile', identifier: '+34600111222', offeringId: 'OFFER-1', offeringName: 'Mobile 10 GB', lines: o.serviceLines, subtotalMinor: o.serviceLines.reduce((s, l) => s + l.amountMinor, 0) },
    ],
    accountItems: o.accountItems ?? [],
    taxItems,
    taxExcludedAmountMinor: net,
    taxMinor: tax,
    taxIncludedAmountMinor: net + tax,
    previousBalanceMinor: o.previousBalanceMinor ?? 0,
    paymentsReceivedMinor: o.paymentsReceivedMinor ?? 0,
    adjustmentsMinor: 0,
    balanceForwardMinor: forward,
    amountDueMinor: Math.max(forward + net + tax, 0),
    creditCarriedMinor: 0,
    remainingAmountMinor: net + tax,
    state: 'sent',
  };
  return {
    type: 'bill.issued',
    bill: document,
    entry: {
      id: `entry-${o.id}`,
      idempotencyKey: `bill:${o.billNo}`,
      entryType: 'bill',
      accountId: o.accountId,
      currency: 'EUR',
      occurredAt: o.at,
      origin: 'bill-run',
      postings: [
        { ledgerAccount: ledgerAccounts.receivable(o.accountId), amountMinor: net + tax },
        { ledgerAccount: ledgerAccounts.revenue, amountMinor: -net },
        { ledgerAccount: ledgerAccounts.taxPayable, amountMinor: -tax },
      ],
    },
  };
}

const customer = (id: string, branchId: string, name: string): Change => ({
  type: 'customer.upsert', id, branchId, name, email: null, phone: null, language: 'en', pinHash: 'unhashed', createdAt: '2025-01-01T10:00:00.000Z',
});
const account = (id: string, accountNo: string, customerId: string, creditLimitMinor: number): Change => ({
  type: 'account.upsert', id, accountNo, customerId, currency: 'EUR', billCycleDay: 5, creditLimitMinor, openedOn: '2025-01-01',
});

// A1 (Madrid): B1 48.40 paid in full by P1; B2 26.86 (four lines, two tax categories) of which P2 paid 10.00.
const B1 = bill({ id: 'bill-a1-09', billNo: 'B-2026-09-0001', accountId: 'acct-1', billDate: '2026-09-05', due: '2026-09-20', period: ['2026-09-05', '2026-10-04'],
  serviceLines: [line('B-2026-09-0001', 1, 'prod-acct-1', 4000, 'VAT')], at: '2026-09-05T01:00:00.000Z' });
// VAT lines 10.03, 10.03 and a -5.00 discount: net 15.06, tax round(316.26) = 3.16; insurance 8.00, tax 0.64.
// Split over the lines: 210.63 + 210.63 - 105 = 316.26, floors 210 + 210 - 105 = 315, the one cent left to the first line.
const B2 = bill({ id: 'bill-a1-10', billNo: 'B-2026-10-0001', accountId: 'acct-1', billDate: '2026-10-05', due: '2026-10-20', period: ['2026-10-05', '2026-11-04'],
  serviceLines: [line('B-2026-10-0001', 1, 'prod-acct-1', 1003, 'VAT'), line('B-2026-10-0001', 2, 'prod-acct-1', 1003, 'VAT'), line('B-2026-10-0001', 3, 'prod-acct-1', 800, 'INS')],
  accountItems: [line('B-2026-10-0001', 4, null, -500, 'VAT', 'discount')], previousBalanceMinor: 4840, paymentsReceivedMinor: 4840, at: '2026-10-05T01:00:00.000Z' });
const P1 = paymentFact('acct-1', 4840, { channel: 'bank', method: 'bankTransfer', cash: 'bank', origin: 'hub', occurredAt: '2026-09-15T09:00:00.000Z', id: 'pay-a1-1' });
const P2 = paymentFact('acct-1', 1000, { channel: 'kiosk', method: 'card', cash: 'kiosk-card', origin: 'kiosk-1', occurredAt: '2026-10-25T09:00:00.000Z', id: 'pay-a1-2' });
// A2 (Madrid): B3 12.10 and a payment of 20.00: settled, 7.90 in credit.
const B3 = bill({ id: 'bill-a2-11', billNo: 'B-2026-11-0002', accountId: 'acct-2', billDate: '2026-11-05', due: '2026-11-20', period: ['2026-11-05', '2026-12-04'],
  serviceLines: [line('B-2026-11-0002', 1, 'prod-acct-2', 1000, 'VAT')], at: '2026-11-05T01:00:00.000Z' });
const P3 = paymentFact('acct-2', 2000, { channel: 'online', method: 'card', cash: 'online', origin: 'hub', occurredAt: '2026-11-12T09:00:00.000Z', id: 'pay-a2-1' });
// A3 (Barcelona): B4 24.20, nothing paid, not due yet.
const B4 = bill({ id: 'bill-a3-11', billNo: 'B-2026-11-0003', accountId: 'acct-3', billDate: '2026-11-05', due: '2026-11-30', period: ['2026-11-05', '2026-12-04'],
  serviceLines: [line('B-2026-11-0003', 1, 'prod-acct-3', 2000, 'VAT')], at: '2026-11-05T01:00:00.000Z' });

const FACTS: Change[] = [
  customer('cust-1', 'MAD-01', 'Ana García'),
  customer('cust-2', 'MAD-01', 'Luis Pérez'),
  customer('cust-3', 'BCN-01', 'Jordi Puig'),
  account('acct-1', '4000000002', 'cust-1', 30_000),
  account('acct-2', '4000000010', 'cust-2', 15_000),
  account('acct-3', '4000000028', 'cust-3', 50_000),
  B1, B2, B3, B4, P1, P2, P3,
];

async function seeded(db: HubDb, facts: readonly Change[] = FACTS): Promise<FastifyInstance> {
  await db.exec(`INSERT INTO branches (id, name, currency, country_calling_code, time_zone) VALUES
    ('MAD-01', 'Madrid Gran Vía', 'EUR', '34', 'Europe/Madrid'), ('BCN-01', 'Barcelona', 'EUR', '34', 'Europe/Madrid')`);
  await new HubChangeWriter(db).write(facts);
  return buildHub({ db, now: () => NOW, operatorToken: TOKEN });
}

const get = (app: FastifyInstance, url: string) => app.inject({ url, headers: auth });
const eur = (value: number) => ({ unit: 'EUR', value });
const tmfError = (status: number, code: string) => ({ code, reason: expect.any(String), message: expect.any(String), status: String(status), '@type': 'Error' });

function expectError(response: LightMyRequestResponse, status: number, code: string, message?: string): void {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.json()).toEqual(tmfError(status, code));
  if (message) expect(response.json().message).toContain(message);
}

async function ledgerState(db: HubDb) {
  return {
    entries: await db.query('SELECT id, payload_hash FROM journal_entries ORDER BY id'),
    postings: await db.query('SELECT entry_id, ledger_account, amount_minor FROM postings ORDER BY id'),
    payments: await db.query('SELECT id, account_id, amount_minor FROM payments ORDER BY id'),
    bills: await db.query('SELECT id, state, amount_due_minor, document FROM bills ORDER BY id'),
    changes: await db.query('SELECT server_seq FROM changes ORDER BY server_seq'),
    stateChanges: await db.query('SELECT bill_id, from_state, to_state FROM bill_state_changes ORDER BY seq'),
  };
}

describe.each(engines)('TM Forum Open APIs on %s', (engine) => {
  const databases = freshDatabases(engine);

  it('keeps every TMF API behind the operator token, answering with TMF errors', async () => {
    const { db } = await databases.fresh();
    const app = await seeded(db);
    expectError(await app.inject({ url: ACCOUNTS }), 401, 'AUTH_FAILED', 'operator token');
    expectError(await app.inject({ url: `${BILLS}/bill-a1-10`, headers: { authorization: 'Bearer not-the-token' } }), 401, 'AUTH_FAILED');
    expectError(await app.inject({ method: 'POST', url: PAYMENTS, payload: {} }), 401, 'AUTH_FAILED');
    expectError(await get(app, '/tmf-api/productInventory/v4/product'), 404, 'NOT_FOUND');
    expectError(await get(app, `${ACCOUNTS}/no-such-account`), 404, 'NOT_FOUND', 'no-such-account');
    // The rest of the hub keeps its own error format.
    expect((await app.inject({ url: '/operator/v1/devices' })).json()).toEqual({ error: { code: 'AUTH_FAILED', message: expect.any(String) } });
    const off = await buildHub({ db, now: () => NOW });
    expectError(await off.inject({ url: ACCOUNTS, headers: auth }), 403, 'FORBIDDEN', 'HUB_OPERATOR_TOKEN');
  });

  it('serves a billing account with its balance and payment status from the ledger', async () => {
    const { db } = await databases.fresh();
    const app = await seeded(db);
    const a1 = await get(app, `${ACCOUNTS}/acct-1`);
    expect(a1.statusCode).toBe(200);
    // 48.40 + 26.86 - 48.40 - 10.00 = 16.86, all of it on B2, due 20 October: overdue on 26 November.
    expect(a1.json()).toEqual({
      id: 'acct-1',
      href: '/tmf-api/accountManagement/v4/billingAccount/acct-1',
      '@type': 'BillingAccount',
      name: '4000000002',
      state: 'active',
      ratingType: 'postpaid',
      paymentStatus: 'overdue',
      accountBalance: [
        { balanceType: 'receivable', amount: eur(16.86), '@type': 'AccountBalance' },
        { balanceType: 'overdue', amount: eur(16.86), '@type': 'AccountBalance' },
      ],
      creditLimit: eur(300),
      billStructure: { cycleSpecification: { id: 'monthly-day-5', name: expect.stringContaining('day 5'), frequency: 'monthly', billingDateShift: 4, '@type': 'BillingCycleSpecification' } },
      relatedParty: [{ id: 'cust-1', name: 'Ana García', role: 'customer', '@referredType': 'Customer' }],
    });
    const a2 = (await get(app, `${ACCOUNTS}/acct-2?fields=paymentStatus,accountBalance`)).json();
    expect(a2).toEqual({
      id: 'acct-2',
      href: '/tmf-api/accountManagement/v4/billingAccount/acct-2',
      '@type': 'BillingAccount',
      paymentStatus: 'inCredit',
      accountBalance: [
        { balanceType: 'receivable', amount: eur(-7.9), '@type': 'AccountBalance' },
        { balanceType: 'overdue', amount: eur(0), '@type': 'AccountBalance' },
      ],
    });
    expect((await get(app, `${ACCOUNTS}/acct-3?fields=paymentStatus`)).json().paymentStatus).toBe('due');
  });

  it('lists billing accounts with filters, fields, offset and limit, and refuses what it cannot do', async () => {
    const { db } = await databases.fresh();
    const app = await seeded(db);
    const all = await get(app, ACCOUNTS);
    expect(all.headers['x-total-count']).toBe('3');
    expect(all.headers['x-result-count']).toBe('3');
    expect(all.json().map((a: { id: string }) => a.id)).toEqual(['acct-1', 'acct-2', 'acct-3']);

    const page = await get(app, `${ACCOUNTS}?offset=1&limit=1&fields=name`);
    expect(page.headers['x-total-count']).toBe('3');
    expect(page.headers['x-result-count']).toBe('1');
    expect(page.json()).toEqual([{ id: 'acct-2', href: '/tmf-api/accountManagement/v4/billingAccount/acct-2', '@type': 'BillingAccount', name: '4000000010' }]);

    const byName = await get(app, `${ACCOUNTS}?name=4000000028,4000000010&fields=none`);
    expect(byName.json()).toEqual([
      { id: 'acct-2', href: '/tmf-api/accountManagement/v4/billingAccount/acct-2', '@type': 'BillingAccount' },
      { id: 'acct-3', href: '/tmf-api/accountManagement/v4/billingAccount/acct-3', '@type': 'BillingAccount' },
    ]);
    expect((await get(app, `${ACCOUNTS}?relatedParty.id=cust-1&paymentStatus=overdue,due&fields=paymentStatus`)).json()).toEqual([
      expect.objectContaining({ id: 'acct-1', paymentStatus: 'overdue' }),
    ]);
    const none = await get(app, `${ACCOUNTS}?relatedParty.id=cust-2&paymentStatus=overdue`);
    expect(none.json()).toEqual([]);
    expect(none.headers['x-total-count']).toBe('0');
    expect((await get(app, `${ACCOUNTS}?offset=10`)).json()).toEqual([]);

    expectError(await get(app, `${ACCOUNTS}?colour=blue`), 400, 'VALIDATION', 'Unknown filter colour');
    expectError(await get(app, `${ACCOUNTS}?paymentStatus=overdue`), 400, 'VALIDATION', 'filter on id or name or relatedParty.id');
    expectError(await get(app, `${ACCOUNTS}?id=acct-1&paymentStatus=late`), 400, 'VALIDATION', 'paidUp');
    expectError(await get(app, `${ACCOUNTS}?limit=0`), 400, 'VALIDATION', 'limit');
    expectError(await get(app, `${ACCOUNTS}?limit=1001`), 400, 'VALIDATION', 'limit');
    expectError(await get(app, `${ACCOUNTS}?offset=-1`), 400, 'VALIDATION', 'offset');
    expectError(await get(app, `${ACCOUNTS}?fields=name,colour`), 400, 'VALIDATION', 'colour');
    expectError(await get(app, `${ACCOUNTS}?name=a&name=b`), 400, 'VALIDATION', 'once');
    expectError(await get(app, `${ACCOUNTS}/acct-1?limit=5`), 400, 'VALIDATION');
  });

  it('serves customer bills with what is still open on them by the allocation', async () => {
    const { db } = await databases.fresh();
    const app = await seeded(db);
    const b2 = await get(app, `${BILLS}/bill-a1-10`);
    expect(b2.statusCode).toBe(200);
    expect(b2.json()).toEqual({
      id: 'bill-a1-10',
      href: '/tmf-api/customerBillManagement/v4/customerBill/bill-a1-10',
      '@type': 'CustomerBill',
      billNo: 'B-2026-10-0001',
      // Madrid is on summer time (+02:00) until 25 October and on +01:00 after.
      billDate: '2026-10-05T00:00:00+02:00',
      category: 'normal',
      runType: 'onCycle',
      billingPeriod: { startDateTime: '2026-10-05T00:00:00+02:00', endDateTime: '2026-11-04T23:59:59.999+01:00' },
      paymentDueDate: '2026-10-20T23:59:59.999+02:00',
      amountDue: eur(26.86),
      remainingAmount: eur(16.86),
      taxExcludedAmount: eur(23.06),
      taxIncludedAmount: eur(26.86),
      taxItem: [
        { taxCategory: 'VAT', taxRate: 0.21, taxAmount: eur(3.16), '@type': 'TaxItem' },
        { taxCategory: 'INS', taxRate: 0.08, taxAmount: eur(0.64), '@type': 'TaxItem' },
      ],
      state: 'partiallyPaid',
      billingAccount: { id: 'acct-1', href: '/tmf-api/accountManagement/v4/billingAccount/acct-1', name: '4000000002', '@referredType': 'BillingAccount' },
      appliedPayment: [{ appliedAmount: eur(10), payment: { id: 'pay-a1-2', href: '/tmf-api/paymentManagement/v4/payment/pay-a1-2', '@referredType': 'Payment' }, '@type': 'AppliedPayment' }],
    });
    const b1 = (await get(app, `${BILLS}/bill-a1-09?fields=state,remainingAmount,appliedPayment`)).json();
    expect(b1).toEqual({
      id: 'bill-a1-09',
      href: '/tmf-api/customerBillManagement/v4/customerBill/bill-a1-09',
      '@type': 'CustomerBill',
      state: 'settled',
      remainingAmount: eur(0),
      appliedPayment: [{ appliedAmount: eur(48.4), payment: expect.objectContaining({ id: 'pay-a1-1' }), '@type': 'AppliedPayment' }],
    });

    const list = await get(app, `${BILLS}?fields=billNo,state`);
    expect(list.headers['x-total-count']).toBe('4');
    expect(list.json().map((b: { billNo: string; state: string }) => `${b.billNo} ${b.state}`)).toEqual([
      'B-2026-09-0001 settled', 'B-2026-10-0001 partiallyPaid', 'B-2026-11-0002 settled', 'B-2026-11-0003 sent',
    ]);
    const open = await get(app, `${BILLS}?billingAccount.id=acct-1&state=partiallyPaid,sent&fields=billNo`);
    expect(open.json()).toEqual([expect.objectContaining({ billNo: 'B-2026-10-0001' })]);
    expect(open.headers['x-total-count']).toBe('1');
    const paged = await get(app, `${BILLS}?billingAccount.id=acct-1&state=settled,partiallyPaid&offset=1&limit=1&fields=billNo`);
    expect(paged.headers['x-total-count']).toBe('2');
    expect(paged.json()).toEqual([expect.objectContaining({ billNo: 'B-2026-10-0001' })]);
    expect((await get(app, `${BILLS}?billNo=B-2026-11-0003&fields=remainingAmount`)).json()[0].remainingAmount).toEqual(eur(24.2));

    expectError(await get(app, `${BILLS}?state=settled`), 400, 'VALIDATION', 'billingAccount.id');
    expectError(await get(app, `${BILLS}?billingAccount.id=acct-1&state=paid`), 400, 'VALIDATION', 'partiallyPaid');
    expectError(await get(app, `${BILLS}/bill-nope`), 404, 'NOT_FOUND', 'bill-nope');
  });

  it("lists a bill's lines as applied customer billing rates whose taxes add up to the bill's", async () => {
    const { db } = await databases.fresh();
    const app = await seeded(db);
    const lines = await get(app, `${RATES}?bill.id=bill-a1-10`);
    expect(lines.statusCode).toBe(200);
    expect(lines.headers['x-total-count']).toBe('4');
    const rates = lines.json<{ id: string; taxIncludedAmount: { value: number }; appliedTax: { taxAmount: { value: number } }[] }[]>();
    expect(rates.map((r) => [r.id, r.taxIncludedAmount.value, r.appliedTax[0]?.taxAmount.value])).toEqual([
      ['B-2026-10-0001-001', 12.14, 2.11],
      ['B-2026-10-0001-002', 12.13, 2.1],
      ['B-2026-10-0001-003', 8.64, 0.64],
      ['B-2026-10-0001-004', -6.05, -1.05],
    ]);
    // 1214 + 1213 + 864 - 605 = 2686, the bill's taxIncludedAmount.
    expect(rates.reduce((s, r) => s + Math.round(r.taxIncludedAmount.value * 100), 0)).toBe(2686);

    const one = await get(app, `${RATES}/B-2026-10-0001-003`);
    expect(one.json()).toEqual({
      id: 'B-2026-10-0001-003',
      href: '/tmf-api/customerBillManagement/v4/appliedCustomerBillingRate/B-2026-10-0001-003',
      '@type': 'AppliedCustomerBillingRate',
      name: 'recurring 3',
      description: 'recurring 3',
      type: 'recurring',
      date: '2026-10-05T00:00:00+02:00',
      isBilled: true,
      periodCoverage: { startDateTime: '2026-10-05T00:00:00+02:00', endDateTime: '2026-11-04T23:59:59.999+01:00' },
      bill: { id: 'bill-a1-10', href: '/tmf-api/customerBillManagement/v4/customerBill/bill-a1-10', '@referredType': 'CustomerBill' },
      billingAccount: expect.objectContaining({ id: 'acct-1', '@referredType': 'BillingAccount' }),
      product: { id: 'prod-acct-1', name: 'Mobile 10 GB (+34600111222)', '@referredType': 'Product' },
      taxExcludedAmount: eur(8),
      taxIncludedAmount: eur(8.64),
      appliedTax: [{ taxCategory: 'INS', taxRate: 0.08, taxAmount: eur(0.64), '@type': 'AppliedBillingTaxRate' }],
      characteristic: [{ name: 'cause', value: 'recurring', valueType: 'string', '@type': 'AppliedBillingRateCharacteristic' }],
    });
    const discount = (await get(app, `${RATES}?billingAccount.id=acct-1&type=discount`)).json();
    expect(discount).toHaveLength(1);
    expect(discount[0]).not.toHaveProperty('product');
    const ofAccount = await get(app, `${RATES}?billingAccount.id=acct-1&product.id=prod-acct-1&offset=2&limit=10&fields=bill`);
    expect(ofAccount.headers['x-total-count']).toBe('4');
    expect(ofAccount.json().map((r: { id: string }) => r.id)).toEqual(['B-2026-10-0001-002', 'B-2026-10-0001-003']);

    expectError(await get(app, RATES), 400, 'VALIDATION', 'bill.id');
    expectError(await get(app, `${RATES}/B-2026-10-0001-009`), 404, 'NOT_FOUND');
  });

  it('serves payments with the bills each one paid', async () => {
    const { db } = await databases.fresh();
    const app = await seeded(db);
    expect((await get(app, `${PAYMENTS}/pay-a1-2`)).json()).toEqual({
      id: 'pay-a1-2',
      href: '/tmf-api/paymentManagement/v4/payment/pay-a1-2',
      '@type': 'Payment',
      correlatorId: P2.correlatorId,
      authorizationCode: 'A1B2C3',
      paymentDate: '2026-10-25T09:00:00.000Z',
      status: 'done',
      statusDate: '2026-10-25T09:00:00.000Z',
      amount: eur(10),
      totalAmount: eur(10),
      account: { id: 'acct-1', href: '/tmf-api/accountManagement/v4/billingAccount/acct-1', name: '4000000002', '@referredType': 'BillingAccount' },
      payer: { id: 'cust-1', name: 'Ana García', role: 'payer', '@referredType': 'Customer' },
      channel: { id: 'kiosk', name: 'kiosk', '@referredType': 'Channel' },
      paymentMethod: { name: 'card', '@type': 'BankCard' },
      pointOfInteraction: 'kiosk-1',
      paymentItem: [{ amount: eur(10), totalAmount: eur(10), item: { id: 'bill-a1-10', href: '/tmf-api/customerBillManagement/v4/customerBill/bill-a1-10', '@referredType': 'CustomerBill' }, '@type': 'PaymentItem' }],
    });
    // 20.00 paid 12.10 of B3; the 7.90 left is credit, not an item.
    expect((await get(app, `${PAYMENTS}/pay-a2-1?fields=paymentItem`)).json().paymentItem).toEqual([expect.objectContaining({ amount: eur(12.1), item: expect.objectContaining({ id: 'bill-a2-11' }) })]);

    const bank = await get(app, `${PAYMENTS}?channel=bank&fields=amount`);
    expect(bank.headers['x-total-count']).toBe('1');
    expect(bank.json()).toEqual([expect.objectContaining({ id: 'pay-a1-1', amount: eur(48.4) })]);
    const ofAccount = await get(app, `${PAYMENTS}?account.id=acct-1&status=done&limit=1`);
    expect(ofAccount.headers['x-total-count']).toBe('2');
    expect(ofAccount.headers['x-result-count']).toBe('1');
    expectError(await get(app, `${PAYMENTS}?amount=10`), 400, 'VALIDATION', 'Unknown filter amount');
    expectError(await get(app, `${PAYMENTS}/pay-nope`), 404, 'NOT_FOUND');
  });

  it('records a payment from an operator system once, on the ledger and in the kiosks’ feed', async () => {
    const { db } = await databases.fresh();
    const app = await seeded(db);
    const { code } = await issueEnrolmentCode(db, { branchId: 'MAD-01', now: NOW });
    const { credential } = (await app.inject({ method: 'POST', url: '/sync/v1/enrol', payload: { code, deviceName: 'Kiosk', ...testEnrolment() } })).json<{ credential: string }>();
    const cursor = PullResponse.parse((await app.inject({ url: '/sync/v1/pull?after=0&limit=1000', headers: { authorization: `Bearer ${credential}` } })).json()).cursor;

    const transfer = {
      '@type': 'Payment',
      correlatorId: 'SEPA-2026-11-26-0001',
      account: { id: 'acct-1', '@referredType': 'BillingAccount' },
      totalAmount: { unit: 'EUR', value: 16.86 },
      paymentMethod: { '@type': 'BankAccountTransfer' },
      paymentDate: '2026-11-26T08:15:00+01:00',
    };
    const created = await app.inject({ method: 'POST', url: PAYMENTS, headers: auth, payload: transfer });
    expect(created.statusCode, created.body).toBe(201);
    const body = created.json();
    expect(created.headers.location).toBe(`/tmf-api/paymentManagement/v4/payment/${body.id}`);
    expect(body).toMatchObject({
      '@type': 'Payment',
      correlatorId: 'SEPA-2026-11-26-0001',
      paymentDate: '2026-11-26T07:15:00.000Z',
      status: 'done',
      amount: eur(16.86),
      channel: { id: 'bank' },
      paymentMethod: { name: 'bankTransfer', '@type': 'BankAccountTransfer' },
      paymentItem: [{ amount: eur(16.86), item: { id: 'bill-a1-10' } }],
    });
    const entries = await db.query<{ id: string }>('SELECT id FROM journal_entries WHERE id = $1', [`entry-${body.id}`]);
    expect(entries).toHaveLength(1);
    expect(await db.query('SELECT ledger_account, amount_minor FROM postings WHERE entry_id = $1 ORDER BY amount_minor', [`entry-${body.id}`])).toEqual([
      { ledger_account: 'receivable:acct-1', amount_minor: -1686 },
      { ledger_account: 'cash:bank', amount_minor: 1686 },
    ]);
    expect((await get(app, `${ACCOUNTS}/acct-1?fields=paymentStatus`)).json().paymentStatus).toBe('paidUp');
    expect((await get(app, `${BILLS}/bill-a1-10?fields=state`)).json().state).toBe('settled');

    // The kiosks of the account's branch pull it like any other payment.
    const pulled = PullResponse.parse((await app.inject({ url: `/sync/v1/pull?after=${cursor}`, headers: { authorization: `Bearer ${credential}` } })).json());
    expect(pulled.changes.map((c) => c.change)).toEqual([expect.objectContaining({ type: 'payment.recorded', id: body.id, accountId: 'acct-1', amountMinor: 1686, channel: 'bank' })]);

    // The same request again (a retry after a lost answer): the same payment, nothing new.
    const before = await ledgerState(db);
    const again = await app.inject({ method: 'POST', url: PAYMENTS, headers: auth, payload: { ...transfer, account: { '@referredType': 'BillingAccount', id: 'acct-1' } } });
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(body);
    expect(await ledgerState(db)).toEqual(before);
    expect(await db.query('SELECT count(*) AS n FROM payments WHERE correlator_id = $1', ['SEPA-2026-11-26-0001'])).toEqual([{ n: 1 }]);

    // Another request under the same correlatorId is refused, and changes nothing.
    expectError(await app.inject({ method: 'POST', url: PAYMENTS, headers: auth, payload: { ...transfer, totalAmount: { unit: 'EUR', value: 16.87 } } }), 409, 'CONFLICT', 'correlatorId');
    // An explicit id works as the key too.
    const byId = { id: 'bank-2026-0001', account: { id: 'acct-3' }, totalAmount: { unit: 'EUR', value: 5 }, paymentMethod: { '@type': 'Cash' } };
    const first = await app.inject({ method: 'POST', url: PAYMENTS, headers: auth, payload: byId });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.headers.location).toBe('/tmf-api/paymentManagement/v4/payment/bank-2026-0001');
    expect(first.json()).toMatchObject({ channel: { id: 'store' }, paymentDate: NOW.toISOString(), paymentItem: [{ amount: eur(5), item: { id: 'bill-a3-11' } }] });
    expect((await app.inject({ method: 'POST', url: PAYMENTS, headers: auth, payload: byId })).json()).toEqual(first.json());
    expectError(await app.inject({ method: 'POST', url: PAYMENTS, headers: auth, payload: { ...byId, account: { id: 'acct-2' } } }), 409, 'CONFLICT', 'id');
    expectError(await app.inject({ method: 'POST', url: PAYMENTS, headers: auth, payload: { ...byId, id: 'pay-a1-1' } }), 409, 'CONFLICT', 'pay-a1-1');
    expect((await ledgerState(db)).entries).toHaveLength(before.entries.length + 1);
  });

  it('refuses invalid payments with a TMF error and records nothing', async () => {
    const { db } = await databases.fresh();
    const app = await seeded(db);
    const before = await ledgerState(db);
    const valid = { correlatorId: 'REF-1', account: { id: 'acct-1' }, totalAmount: { unit: 'EUR', value: 12.5 }, paymentMethod: { '@type': 'BankAccountTransfer' } };
    const post = (payload: unknown) => app.inject({ method: 'POST', url: PAYMENTS, headers: auth, payload: payload as Record<string, unknown> });
    const { correlatorId: _c, ...noKey } = valid;
    expectError(await post(noKey), 400, 'VALIDATION', 'correlatorId');
    expectError(await post({ ...valid, totalAmount: { unit: 'EUR', value: 0.001 } }), 400, 'VALIDATION', 'decimals');
    expectError(await post({ ...valid, totalAmount: { unit: 'EUR', value: 0.1 + 0.2 } }), 400, 'VALIDATION', 'decimals');
    expectError(await post({ ...valid, totalAmount: { unit: 'EUR', value: -5 } }), 400, 'VALIDATION', 'more than zero');
    expectError(await post({ ...valid, amount: { unit: 'EUR', value: 12 } }), 400, 'VALIDATION', 'the same');
    expectError(await post({ ...valid, totalAmount: { unit: 'USD', value: 12.5 } }), 400, 'VALIDATION', 'EUR');
    expectError(await post({ ...valid, account: { id: 'acct-nope' } }), 404, 'NOT_FOUND', 'acct-nope');
    expectError(await post({ ...valid, paymentItem: [{ item: { id: 'bill-a2-11' } }] }), 400, 'VALIDATION', 'not a bill of billing account acct-1');
    expectError(await post({ ...valid, paymentDate: '2026-12-01T00:00:00Z' }), 400, 'VALIDATION', 'future');
    expectError(await post({ ...valid, channel: { id: 'kiosk' } }), 400, 'VALIDATION', 'channel');
    expectError(await post({ ...valid, description: 'hello' }), 400, 'VALIDATION', 'description');
    expectError(await post({ ...valid, paymentMethod: { '@type': 'Voucher' } }), 400, 'VALIDATION', 'paymentMethod');
    expectError(await app.inject({ method: 'POST', url: PAYMENTS, headers: { ...auth, 'content-type': 'application/json' }, payload: '{"account":' }), 400, 'VALIDATION');
    expect(await ledgerState(db)).toEqual(before);
  });

  it('records concurrent copies of one payment request once', async () => {
    const { db } = await databases.fresh();
    const app = await seeded(db);
    const payload = { correlatorId: 'RACE-1', account: { id: 'acct-2' }, totalAmount: { unit: 'EUR', value: 3 }, paymentMethod: { '@type': 'BankAccountDebit' } };
    const answers = await Promise.all([1, 2, 3].map(() => app.inject({ method: 'POST', url: PAYMENTS, headers: auth, payload })));
    expect(answers.map((a) => a.statusCode)).toEqual([201, 201, 201]);
    expect(new Set(answers.map((a) => a.json().id)).size).toBe(1);
    expect(await db.query('SELECT count(*) AS n FROM payments WHERE correlator_id = $1', ['RACE-1'])).toEqual([{ n: 1 }]);
  });

  it("patches a bill's state along its lifecycle and nothing else, never touching the ledger", async () => {
    const { db } = await databases.fresh();
    const app = await seeded(db);
    const patch = (id: string, payload: unknown, contentType = 'application/merge-patch+json') =>
      app.inject({ method: 'PATCH', url: `${BILLS}/${id}`, headers: { ...auth, 'content-type': contentType }, payload: JSON.stringify(payload) });
    const before = await ledgerState(db);

    const held = await patch('bill-a3-11', { state: 'onHold' });
    expect(held.statusCode, held.body).toBe(200);
    expect(held.json()).toMatchObject({ id: 'bill-a3-11', state: 'onHold', lastUpdate: NOW.toISOString(), remainingAmount: eur(24.2) });
    expect((await get(app, `${BILLS}?billingAccount.id=acct-3&state=onHold&fields=state`)).json()).toEqual([expect.objectContaining({ id: 'bill-a3-11' })]);
    expect((await patch('bill-a3-11', { state: 'validated', '@type': 'CustomerBill' }, 'application/json')).json().state).toBe('validated');
    expect((await patch('bill-a3-11', { state: 'validated' })).statusCode).toBe(200); // no move, nothing recorded
    expect((await patch('bill-a3-11', { state: 'sent' })).json().state).toBe('sent');

    const after = await ledgerState(db);
    expect(after.stateChanges).toEqual([
      { bill_id: 'bill-a3-11', from_state: 'sent', to_state: 'onHold' },
      { bill_id: 'bill-a3-11', from_state: 'onHold', to_state: 'validated' },
      { bill_id: 'bill-a3-11', from_state: 'validated', to_state: 'sent' },
    ]);
    const { bills: _b, stateChanges: _s, ...ledger } = after;
    const { bills: _b0, stateChanges: _s0, ...ledgerBefore } = before;
    expect(ledger).toEqual(ledgerBefore);

    const unchanged = await ledgerState(db);
    expectError(await patch('bill-a3-11', { amountDue: { unit: 'EUR', value: 1 } }), 400, 'VALIDATION', 'Not patchable: amountDue');
    expectError(await patch('bill-a3-11', { state: 'onHold', billNo: 'X' }), 400, 'VALIDATION', 'billNo');
    expectError(await patch('bill-a3-11', { state: 'settled' }), 400, 'VALIDATION', 'payments');
    expectError(await patch('bill-a3-11', { state: 'new' }), 400, 'VALIDATION', 'state');
    expectError(await patch('bill-a3-11', { state: 'validated' }), 409, 'CONFLICT', 'from sent to validated');
    expectError(await patch('bill-a1-09', { state: 'onHold' }), 409, 'CONFLICT', 'settled');
    expectError(await patch('bill-nope', { state: 'onHold' }), 404, 'NOT_FOUND');
    expectError(await patch('bill-a3-11', [{ op: 'replace', path: '/state', value: 'onHold' }], 'application/json-patch+json'), 415, 'VALIDATION');
    expectError(await patch('bill-a3-11', ['state']), 400, 'VALIDATION', 'JSON object');
    expect(await ledgerState(db)).toEqual(unchanged);
  });

  it('agrees with the ledger on a demo branch: balances, remaining amounts and every bill paged once', async () => {
    const { db } = await databases.fresh();
    const demo = [
      ...generateDemo(
        { seed: demoBranch.seed, customers: 6, now: TEST_NOW, branchId: 'MAD-01', currency: 'EUR', countryCallingCode: '34', timeZone: 'Europe/Madrid' },
        () => 'unhashed',
      ),
    ].flat();
    const app = await seeded(db, demo);
    const accounts = await db.query<{ id: string; balance: number }>(
      `SELECT a.id, coalesce((SELECT sum(amount_minor) FROM postings WHERE ledger_account = 'receivable:' || a.id), 0)::bigint AS balance FROM billing_accounts a ORDER BY a.id`,
    );
    const listed = await get(app, `${ACCOUNTS}?fields=accountBalance`);
    expect(listed.headers['x-total-count']).toBe(String(accounts.length));
    expect(listed.json().map((a: { accountBalance: { amount: { value: number } }[] }) => Math.round((a.accountBalance[0]?.amount.value ?? NaN) * 100))).toEqual(accounts.map((a) => a.balance));
    for (const a of accounts) {
      // While an account holds credit no bill of it is open, so its bills' remaining amounts add up to what it owes.
      const bills = (await get(app, `${BILLS}?billingAccount.id=${a.id}&fields=remainingAmount`)).json<{ remainingAmount: { value: number } }[]>();
      expect(bills.reduce((s, b) => s + Math.round(b.remainingAmount.value * 100), 0)).toBe(Math.max(a.balance, 0));
    }
    const ids = (await db.query<{ id: string }>('SELECT id FROM bills ORDER BY id')).map((b) => b.id);
    const paged: string[] = [];
    for (let offset = 0; offset < ids.length + 7; offset += 7) {
      const page = await get(app, `${BILLS}?offset=${offset}&limit=7&fields=none`);
      expect(page.headers['x-total-count']).toBe(String(ids.length));
      paged.push(...page.json().map((b: { id: string }) => b.id));
    }
    expect(paged).toEqual(ids);
  });
});
