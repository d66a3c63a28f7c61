import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatMoney, money } from '../../shared/money.ts';
import type BetterSqlite3 from 'better-sqlite3';
import { ELENA, JAMES, ok, useCores } from '../helpers/signed-in.ts';
import { daysLater } from '../helpers/clock.ts';
import { channels, type ChannelName } from '../../shared/contract/index.ts';

const { signedIn, anonymous } = useCores();

const count = (db: BetterSqlite3.Database, table: string) => db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;

describe('bills', () => {
  it('shows the newest bill whole, what it still owes, and what changed since the one before, adding up exactly', async () => {
    const { core } = await signedIn();
    const view = await ok(core, 'bill.get', {});
    const history = await ok(core, 'bill.history', {});
    expect(history.bills).toHaveLength(12);
    expect(history.bills[0]?.billNo).toBe(view.bill.billNo);
    expect(history.bills.map((b) => b.billDate)).toEqual([...history.bills.map((b) => b.billDate)].sort().reverse());
    expect(view.previousBillNo).toBe(history.bills[1]?.billNo);
    const previous = await ok(core, 'bill.get', { billNo: view.previousBillNo });
    const explanation = view.explanation!;
    expect(explanation.differenceMinor).toBe(view.bill.taxIncludedAmountMinor - previous.bill.taxIncludedAmountMinor);
    expect(explanation.items.reduce((s, i) => s + i.amountMinor, 0)).toBe(explanation.differenceMinor);
    // James is paid up: every bill settled, and the overview agrees about the newest one.
    expect(history.bills.every((b) => b.state === 'settled' && b.remainingAmount.amountMinor === 0)).toBe(true);
    const overview = await ok(core, 'account.overview', {});
    expect(overview.lastBill?.billNo).toBe(view.bill.billNo);
    expect(overview.lastBill?.remainingAmount).toEqual(view.remainingAmount);
  });

  it('the oldest bill of the history has nothing to compare with; an unknown bill is not found', async () => {
    const { core } = await signedIn(ELENA);
    const history = await ok(core, 'bill.history', {});
    const oldest = await ok(core, 'bill.get', { billNo: history.bills.at(-1)!.billNo });
    expect(oldest.previousBillNo).toBeNull();
    expect(oldest.explanation).toBeNull();
    // Elena owes her newest bills: they read as not paid, and their remaining adds up to what she owes.
    const overview = await ok(core, 'account.overview', {});
    expect(history.bills.reduce((s, b) => s + b.remainingAmount.amountMinor, 0)).toBe(overview.totalDue.amountMinor);
    expect(history.bills[0]?.state).toBe('sent');
    expect(await core.dispatch('bill.get', { billNo: '4000000002-202611' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});

describe('printing a bill', () => {
  it('prints the bill summary on the receipt printer in the language on screen; Arabic prints in English; no paper is a DEVICE error', async () => {
    const { core, devices } = await signedIn();
    const { bill, remainingAmount } = await ok(core, 'bill.get', {});
    await ok(core, 'bill.print', { billNo: bill.billNo, language: 'es' });
    const es = devices.printer.documents[0]!.text;
    expect(es[0]?.trim()).toBe('RESUMEN DE FACTURA');
    expect(es.find((line) => line.startsWith('TOTAL FACTURA'))).toContain(formatMoney(money(bill.taxIncludedAmountMinor, bill.currency), 'es-ES'));
    expect(es.find((line) => line.startsWith('Pendiente hoy'))).toContain(formatMoney(remainingAmount, 'es-ES'));
    expect(es.filter((line) => line.startsWith('Móvil'))).toHaveLength(bill.services.filter((s) => s.kind === 'mobile').length);
    expect(es.every((line) => line.length <= devices.printer.width)).toBe(true);
    await ok(core, 'bill.print', { billNo: bill.billNo, language: 'ar' });
    expect(devices.printer.documents[1]!.text[0]?.trim()).toBe('BILL SUMMARY');
    devices.printer.script.next('paperOut');
    expect(await core.dispatch('bill.print', { billNo: bill.billNo, language: 'en' })).toMatchObject({ ok: false, error: { code: 'DEVICE', details: { kind: 'paperOut' } } });
    expect(devices.printer.documents).toHaveLength(2);
  });
});

describe('usage', () => {
  it('gives each service’s usage day by day, adding up to the overview’s meters', async () => {
    const { core } = await signedIn();
    const overview = await ok(core, 'account.overview', {});
    for (const service of overview.services.filter((s) => s.usage.length > 0)) {
      const daily = await ok(core, 'usage.daily', { productId: service.id });
      expect(daily.cycle).toEqual(overview.cycle);
      expect(daily.meters.map((m) => m.type)).toEqual(service.usage.map((m) => m.type));
      for (const meter of daily.meters) {
        const shown = service.usage.find((m) => m.type === meter.type)!;
        expect(meter.days.at(-1)?.date).toBe(overview.asOf);
        expect(meter.days[0]?.date).toBe(overview.cycle.start);
        // Each day is rounded to a tenth, so the days add up to the meter within a tenth a day.
        const total = meter.days.reduce((s, d) => s + d.used, 0);
        expect(Math.abs(total - shown.used)).toBeLessThanOrEqual(0.05 * meter.days.length + 0.05);
        expect(meter.allowance).toBe(shown.allowance);
      }
    }
  });

  it('will not show a service that is not on the signed-in account', async () => {
    const { core, db } = await signedIn();
    const someoneElses = db.prepare(`SELECT p.id FROM products p JOIN billing_accounts a ON a.id = p.account_id WHERE a.account_no <> ? LIMIT 1`).pluck().get(JAMES.identifier);
    expect(await core.dispatch('usage.daily', { productId: someoneElses })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});

describe('credit limit', () => {
  it('counts what is owed and this cycle’s unbilled usage against the limit', async () => {
    const { core } = await signedIn(ELENA);
    const overview = await ok(core, 'account.overview', {});
    const status = await ok(core, 'credit.status', {});
    expect(status.creditLimit).toEqual(overview.creditLimit);
    expect(status.exposure.amountMinor).toBe(overview.totalDue.amountMinor + overview.unbilledCharges.amountMinor);
    expect(status.available.amountMinor).toBe(Math.max(status.creditLimit.amountMinor - status.exposure.amountMinor, 0));
    // The overview's credit card says the same.
    expect(overview.creditUsed).toEqual(status.exposure);
    expect(overview.creditAvailable).toEqual(status.available);
    expect(status.offlineAllowance.amountMinor).toBe(10_000);
  });

  it('grants a good payer up to the offline allowance at once, refers the rest, and files it once however often it is sent', async () => {
    const { core, db } = await signedIn();
    const before = await ok(core, 'credit.status', {});
    const limit = before.creditLimit.amountMinor;
    const small = { requestId: '0193d2a0-0000-7000-8000-000000000001', requestedLimitMinor: limit + 5_000 };
    const granted = await ok(core, 'credit.request', small);
    expect(granted).toMatchObject({ decision: 'approve', creditLimit: { amountMinor: limit + 5_000 }, referred: null });
    expect(granted.reasons.map((r) => r.code)).toContain('WITHIN_BAND_LIMIT');
    expect(await ok(core, 'credit.request', small)).toEqual(granted);
    expect(db.prepare(`SELECT COUNT(*) FROM outbox WHERE event_type = 'credit.requested'`).pluck().get()).toBe(1);
    expect((await ok(core, 'credit.status', {})).creditLimit.amountMinor).toBe(limit + 5_000);

    const big = { requestId: '0193d2a0-0000-7000-8000-000000000002', requestedLimitMinor: limit + 5_000 + 25_000 };
    const partly = await ok(core, 'credit.request', big);
    expect(partly.decision).toBe('approve');
    expect(partly.creditLimit.amountMinor).toBe(limit + 5_000 + 10_000);
    expect(partly.referred?.amountMinor).toBe(15_000);
    expect(partly.reasons.map((r) => r.code)).toContain('OFFLINE_ALLOWANCE');
    expect((await ok(core, 'credit.status', {})).pendingRequest?.requestedLimit.amountMinor).toBe(big.requestedLimitMinor);
    expect(await core.dispatch('credit.request', { ...big, requestedLimitMinor: big.requestedLimitMinor + 1 })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  });

  it('declines an account with bills long overdue, and refuses a request that is not an increase', async () => {
    // Six weeks on and nothing paid: whatever the day, Elena's oldest open bill is more than 30 days overdue.
    const { core, db } = await signedIn(ELENA, daysLater(42));
    const { creditLimit } = await ok(core, 'credit.status', {});
    const declined = await ok(core, 'credit.request', { requestId: '0193d2a0-0000-7000-8000-000000000003', requestedLimitMinor: creditLimit.amountMinor + 5_000 });
    expect(declined).toMatchObject({ decision: 'decline', creditLimit, referred: null });
    expect(declined.reasons.map((r) => r.code)).toContain('OVERDUE_OVER_30_DAYS');
    const rows = count(db, 'credit_requests');
    expect(await core.dispatch('credit.request', { requestId: '0193d2a0-0000-7000-8000-000000000004', requestedLimitMinor: creditLimit.amountMinor })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });
    expect(count(db, 'credit_requests')).toBe(rows);
  });
});

describe('call staff', () => {
  it('works signed in or not, and queues each call with its outbox row', async () => {
    const { core, db } = await signedIn();
    const first = await ok(core, 'help.call', { screen: 'overview' });
    await core.dispatch('session.signOut', {});
    const second = await ok(core, 'help.call', { screen: 'signIn' });
    expect([first.position, second.position]).toEqual([1, 2]);
    expect(db.prepare(`SELECT screen, account_id IS NOT NULL AS known FROM assist_requests ORDER BY rowid`).all()).toEqual([
      { screen: 'overview', known: 1 },
      { screen: 'signIn', known: 0 },
    ]);
    expect(db.prepare(`SELECT COUNT(*) FROM outbox WHERE event_type = 'assist.requested'`).pluck().get()).toBe(2);
  });
});

describe('every channel added for the self-service journeys', () => {
  const added = [
    'bill.get',
    'bill.history',
    'bill.print',
    'usage.daily',
    'credit.status',
    'credit.request',
    'payment.quote',
    'payment.start',
    'payment.cancel',
    'services.catalog',
    'order.preview',
    'order.submit',
    'offers.list',
    'offers.accept',
    'help.call',
  ] as const satisfies readonly ChannelName[];

  it('needs a signed-in customer, except calling staff', async () => {
    const core = await anonymous();
    const valid: Record<(typeof added)[number], unknown> = {
      'bill.get': {},
      'bill.history': {},
      'bill.print': { billNo: 'X-1', language: 'en' },
      'usage.daily': { productId: 'x' },
      'credit.status': {},
      'credit.request': { requestId: '0193d2a0-0000-7000-8000-000000000009', requestedLimitMinor: 100 },
      'payment.quote': {},
      'payment.start': { requestId: '0193d2a0-0000-7000-8000-00000000000a', amountMinor: 100, billNo: null, method: 'card', language: 'en' },
      'payment.cancel': { intentId: 'x' },
      'services.catalog': {},
      'order.preview': { action: 'add', offeringId: 'TV-ESS', parentProductId: null },
      'order.submit': { requestId: '0193d2a0-0000-7000-8000-00000000000b', order: { action: 'add', offeringId: 'TV-ESS', parentProductId: null } },
      'offers.list': {},
      'offers.accept': { requestId: '0193d2a0-0000-7000-8000-00000000000c', offerId: 'x' },
      'help.call': { screen: 'attract' },
    };
    for (const channel of added) {
      const result = await core.dispatch(channel, valid[channel]);
      if (channel === 'help.call') expect(result.ok).toBe(true);
      else expect(result).toMatchObject({ ok: false, error: { code: 'NOT_SIGNED_IN' } });
    }
  });

  it('rejects malformed input with VALIDATION and changes nothing', async () => {
    const { core, db } = await signedIn();
    const tables = ['credit_requests', 'assist_requests', 'outbox', 'postings', 'billing_accounts', 'payment_intents', 'payments', 'receipts', 'product_orders'];
    const snapshot = () => tables.map((t) => db.prepare(`SELECT * FROM ${t}`).all());
    const before = JSON.stringify(snapshot());
    for (const channel of added) {
      const schema = channels[channel].input;
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(fc.anything(), fc.dictionary(fc.constantFrom('billNo', 'language', 'productId', 'requestId', 'requestedLimitMinor', 'screen', 'amountMinor', 'method', 'language', 'intentId', 'order', 'action', 'offeringId', 'offerId', 'extra'), fc.anything())),
          async (payload) => {
            fc.pre(!schema.safeParse(payload ?? {}).success);
            const result = await core.dispatch(channel, payload);
            expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
          },
        ),
        { numRuns: 150 },
      );
    }
    expect(JSON.stringify(snapshot())).toBe(before);
  });
});
