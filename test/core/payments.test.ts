import { describe, expect, it } from 'vitest';
import type BetterSqlite3 from 'better-sqlite3';
import { ELENA, ok, useCores } from '../helpers/signed-in.ts';

const { signedIn } = useCores();

let serial = 0;
const requestId = () => `0193d2a0-0000-7000-8000-${String(++serial).padStart(12, '0')}`;
const pay = (amountMinor: number, more: { method?: 'card' | 'cash'; billNo?: string | null; requestId?: string } = {}) => ({
  requestId: more.requestId ?? requestId(),
  amountMinor,
  billNo: more.billNo ?? null,
  method: more.method ?? 'card',
  language: 'en',
});
const kioskPayments = (db: BetterSqlite3.Database) => db.prepare(`SELECT COUNT(*) FROM payments WHERE channel = 'kiosk'`).pluck().get() as number;
const outboxPayments = (db: BetterSqlite3.Database) => db.prepare(`SELECT COUNT(*) FROM outbox WHERE event_type = 'payment.recorded'`).pluck().get() as number;
type AuditRow = { actor_kind: string; action: string; account_id: string; before_json: string | null; after_json: string | null };
/** The payments' audit events (the sign-in before them is on the trail too). */
const auditTrail = (db: BetterSqlite3.Database) =>
  (db.prepare(`SELECT actor_kind, action, account_id, before_json, after_json FROM audit_events WHERE action LIKE 'payment.%' ORDER BY seq`).all() as AuditRow[]).map((r) => ({
    ...r,
    before: JSON.parse(r.before_json ?? 'null') as unknown,
    after: JSON.parse(r.after_json ?? 'null') as unknown,
  }));

describe('card payments', () => {
  it('an approved payment posts once, prints a receipt, and the balance changes at once; a retry charges nothing more', async () => {
    const { core, db, devices } = await signedIn();
    const before = await ok(core, 'account.overview', {});
    const request = pay(2_500);
    const result = await ok(core, 'payment.start', request);
    expect(result).toMatchObject({ status: 'approved', amountTaken: { amountMinor: 2_500 }, reason: null });
    expect(result.receipt).toMatchObject({
      amount: { amountMinor: 2_500 },
      method: { kind: 'card', cardLast4: expect.stringMatching(/^\d{4}$/) },
      // James owed nothing: it all becomes credit.
      paidBills: [],
      creditOnAccount: { amountMinor: 2_500 },
      balanceAfter: { amountMinor: before.balance.amountMinor - 2_500 },
      kioskId: 'KIOSK-001',
      accountNoLast4: '0002',
      printed: true,
    });
    expect(devices.printer.printed).toHaveLength(1);
    expect(devices.printer.printed[0]?.text.join('\n')).toContain(result.receipt!.transactionNo);
    const after = await ok(core, 'account.overview', {});
    expect(after.balance.amountMinor).toBe(before.balance.amountMinor - 2_500);
    expect(after.paymentStatus).toBe('inCredit');

    expect(await ok(core, 'payment.start', request)).toEqual(result);
    expect(kioskPayments(db)).toBe(1);
    expect(outboxPayments(db)).toBe(1);
    // One audit event for the money action, with the balance before and after (the retry added none).
    expect(auditTrail(db)).toMatchObject([
      {
        actor_kind: 'customer',
        action: 'payment.taken',
        before: { balanceMinor: before.balance.amountMinor },
        after: { status: 'approved', method: 'card', amountMinor: 2_500, balanceMinor: before.balance.amountMinor - 2_500 },
      },
    ]);
    expect(await core.dispatch('payment.start', { ...request, amountMinor: 2_600 })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  });

  it('declined, timed out, cancelled and never-received payments post nothing', async () => {
    const { core, db } = await signedIn();
    const before = (await ok(core, 'account.overview', {})).balance;
    // The simulator's demo rule: the last two digits of the amount choose what happens.
    expect(await ok(core, 'payment.start', pay(1_013))).toMatchObject({ status: 'declined', reason: expect.any(String), receipt: null, amountTaken: { amountMinor: 0 } });
    expect(await ok(core, 'payment.start', pay(1_014))).toMatchObject({ status: 'timedOut', receipt: null });
    expect(await ok(core, 'payment.start', pay(1_015))).toMatchObject({ status: 'cancelled', receipt: null });
    expect(await ok(core, 'payment.start', pay(1_016))).toMatchObject({ status: 'failed', reason: 'notReceived', receipt: null });
    expect(kioskPayments(db)).toBe(0);
    expect(outboxPayments(db)).toBe(0);
    expect((await ok(core, 'account.overview', {})).balance).toEqual(before);
    // Each attempt is still on the audit trail, with why no money moved.
    expect(auditTrail(db).map((e) => [e.action, (e.after as { status: string }).status])).toEqual([
      ['payment.notTaken', 'declined'],
      ['payment.notTaken', 'timedOut'],
      ['payment.notTaken', 'cancelled'],
      ['payment.notTaken', 'failed'],
    ]);
  });

  it('the terminal approves but the link drops before the answer: the kiosk asks it by intent id and posts exactly once', async () => {
    const { core, db } = await signedIn();
    const result = await ok(core, 'payment.start', pay(1_017));
    expect(result).toMatchObject({ status: 'approved', amountTaken: { amountMinor: 1_017 } });
    expect(kioskPayments(db)).toBe(1);
  });

  it('a payment for one bill pays that bill first, and the bill reads as paid at once', async () => {
    const { core } = await signedIn(ELENA);
    const quote = await ok(core, 'payment.quote', {});
    const newest = quote.openBills.at(-1)!;
    expect(quote.openBills.length).toBeGreaterThanOrEqual(2);
    const result = await ok(core, 'payment.start', pay(newest.remaining.amountMinor, { billNo: newest.billNo }));
    expect(result.receipt?.paidBills).toEqual([{ billNo: newest.billNo, amount: newest.remaining }]);
    expect(result.receipt?.balanceAfter.amountMinor).toBe(quote.balance.amountMinor - newest.remaining.amountMinor);
    expect((await ok(core, 'bill.get', { billNo: newest.billNo })).state).toBe('settled');
    // The overview reads the same allocation: the newest bill is paid although older ones are not.
    const overview = await ok(core, 'account.overview', {});
    expect(overview.lastBill).toMatchObject({ billNo: newest.billNo, state: 'settled', remainingAmount: { amountMinor: 0 } });
    expect(overview.dueDate).toBe(quote.openBills[0]!.paymentDueDate);
    const older = quote.openBills[0]!;
    expect((await ok(core, 'bill.get', { billNo: older.billNo })).remainingAmount).toEqual(older.remaining);
    // Half of the oldest: partly paid.
    const half = Math.floor(older.remaining.amountMinor / 2 / 100) * 100;
    await ok(core, 'payment.start', pay(half));
    expect((await ok(core, 'bill.get', { billNo: older.billNo })).state).toBe('partiallyPaid');
  });

  it('refuses an amount above the cap or a bill with nothing to pay, and changes nothing', async () => {
    const { core, db } = await signedIn();
    const quote = await ok(core, 'payment.quote', {});
    expect(await core.dispatch('payment.start', pay(quote.maxAmount.amountMinor + 100))).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const paidBill = (await ok(core, 'bill.history', {})).bills[0]!.billNo;
    expect(await core.dispatch('payment.start', pay(1_000, { billNo: paidBill }))).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await core.dispatch('payment.start', { ...pay(1_000), amountMinor: 0 })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(db.prepare('SELECT COUNT(*) FROM payment_intents').pluck().get()).toBe(0);
  });
});

describe('cash payments', () => {
  it('takes notes and coins, credits what goes over (no change is given), and keeps a walk-away’s cash on the account', async () => {
    const { core, db } = await signedIn(ELENA);
    const before = (await ok(core, 'payment.quote', {})).balance.amountMinor;
    const exact = await ok(core, 'payment.start', pay(3_000, { method: 'cash' }));
    expect(exact).toMatchObject({ status: 'approved', amountTaken: { amountMinor: 3_000 } });
    expect(exact.receipt?.method).toEqual({ kind: 'cash', inserted: { amountMinor: 3_000, currency: 'EUR' }, change: { amountMinor: 0, currency: 'EUR' } });
    // 12.30 due: a 10 note, a 2 coin, then a 1 coin (the smallest) goes over by 0.70.
    const over = await ok(core, 'payment.start', pay(1_230, { method: 'cash' }));
    expect(over).toMatchObject({ status: 'approved', amountTaken: { amountMinor: 1_300 } });
    // 10.14 due: the customer inserts one 10 note and walks away: the 10 is kept and posted.
    const walkAway = await ok(core, 'payment.start', pay(1_014, { method: 'cash' }));
    expect(walkAway).toMatchObject({ status: 'timedOut', amountTaken: { amountMinor: 1_000 } });
    // 10.15: one note, then cancel: it is handed back, nothing posted.
    expect(await ok(core, 'payment.start', pay(1_015, { method: 'cash' }))).toMatchObject({ status: 'cancelled', amountTaken: { amountMinor: 0 } });
    expect(kioskPayments(db)).toBe(3);
    expect((await ok(core, 'payment.quote', {})).balance.amountMinor).toBe(before - 3_000 - 1_300 - 1_000);
  });
});
