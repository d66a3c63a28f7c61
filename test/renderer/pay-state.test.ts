import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import type { PaymentQuote, PaymentResult } from '../../shared/contract/payments.ts';
import { cleanAmount, parseAmount, PayJourney } from '../../renderer/src/lib/state/pay.svelte.ts';
import { eur, FakeKiosk, failure, settle } from './fixtures.ts';

const quote: PaymentQuote = {
  balance: eur(19857),
  totalDue: eur(19857),
  openBills: [
    { billNo: 'INV-202610', billDate: '2026-10-10', paymentDueDate: '2026-10-24', remaining: eur(8771) },
    { billNo: 'INV-202611', billDate: '2026-11-10', paymentDueDate: '2026-11-24', remaining: eur(11086) },
  ],
  maxAmount: eur(200000),
  cashDenominations: [500, 1000, 2000, 5000],
};

const approved = (requestId: string, amountMinor: number): PaymentResult => ({
  intentId: requestId,
  status: 'approved',
  method: 'card',
  amountAsked: eur(amountMinor),
  amountTaken: eur(amountMinor),
  reason: null,
  receipt: {
    transactionNo: requestId,
    kioskId: 'kiosk-7',
    branchName: 'Dublin Grafton Street',
    issuedAt: '2026-11-26T10:00:00.000Z',
    accountNoLast4: '0010',
    amount: eur(amountMinor),
    method: { kind: 'card', cardBrand: 'VISA', cardLast4: '4242', authorizationCode: 'A1B2C3' },
    paidBills: [],
    creditOnAccount: eur(0),
    balanceAfter: eur(19857 - amountMinor),
    qrPayload: `OB1|${requestId}`,
    staffId: null,
    printed: true,
  },
});

type StartInput = { requestId: string; amountMinor: number; billNo: string | null; method: 'card' | 'cash'; language: string };

function setup(answer: (input: StartInput, fake: FakeKiosk) => unknown = (input) => ({ ok: true, value: approved(input.requestId, input.amountMinor) }), q: PaymentQuote = quote) {
  const fake = new FakeKiosk();
  let current = q;
  fake.respond('payment.quote', () => ({ ok: true, value: current }));
  fake.respond('payment.start', (input) => answer(input as StartInput, fake));
  fake.respond('payment.cancel', () => ({ ok: true, value: {} }));
  let n = 0;
  const onSignedOut = vi.fn();
  const journey = new PayJourney(fake.api, { onSignedOut, newId: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}` });
  return { fake, journey, onSignedOut, setQuote: (next: PaymentQuote) => (current = next) };
}

const starts = (fake: FakeKiosk) => fake.callsTo('payment.start') as StartInput[];

describe('PayJourney: choosing', () => {
  it('opens on everything due, on the bill named, or on another amount when nothing is due', async () => {
    const a = setup();
    await a.journey.open();
    expect(a.journey.load).toBe('ready');
    expect(a.journey.choice).toEqual({ kind: 'balance' });
    expect(a.journey.amountMinor).toBe(19857);

    const b = setup();
    await b.journey.open('INV-202611');
    expect(b.journey.choice).toEqual({ kind: 'bill', billNo: 'INV-202611' });
    expect(b.journey.amountMinor).toBe(11086);

    const c = setup();
    await c.journey.open('NOT-OPEN'); // a bill with nothing left: the whole balance instead
    expect(c.journey.choice).toEqual({ kind: 'balance' });

    const d = setup(undefined, { ...quote, balance: eur(-4100), totalDue: eur(0), openBills: [] });
    await d.journey.open();
    expect(d.journey.choice).toEqual({ kind: 'other' });
    expect(d.journey.amountMinor).toBeNull();
  });

  it('types another amount with the keypad, in cents exactly, and says what would be left as credit', async () => {
    const { journey } = setup();
    await journey.open();
    for (const key of ['2', '5', '0', '.', '5', '0', '9']) journey.press(key);
    expect(journey.choice).toEqual({ kind: 'other' }); // typing chooses "another amount"
    expect(journey.amount).toBe('250.50');
    expect(journey.amountMinor).toBe(25050);
    expect(journey.creditAfterMinor).toBe(25050 - 19857);
    journey.backspace();
    expect(journey.amount).toBe('250.5');
    expect(journey.amountMinor).toBe(25050);
    journey.backspace();
    journey.backspace();
    expect(journey.amountMinor).toBe(25000);
    journey.clear();
    expect(journey.amountMinor).toBeNull();
    journey.choose({ kind: 'bill', billNo: 'INV-202610' });
    expect(journey.creditAfterMinor).toBe(0);
  });

  it('cleans any typed text to at most two decimals, and parses it without floating point', () => {
    expect(cleanAmount('0012,345', 2)).toBe('12.34');
    expect(cleanAmount('.5', 2)).toBe('0.5');
    expect(cleanAmount('1.2.3', 2)).toBe('1.23');
    expect(cleanAmount('€ 1a0', 2)).toBe('10');
    expect(cleanAmount('12.5', 0)).toBe('12');
    expect(parseAmount('0.07', 2)).toBe(7);
    expect(parseAmount('19.99', 2)).toBe(1999);
    expect(parseAmount('', 2)).toBeNull();
    fc.assert(
      fc.property(fc.string(), (raw) => {
        const cleaned = cleanAmount(raw, 2);
        expect(cleanAmount(cleaned, 2)).toBe(cleaned);
        const minor = parseAmount(cleaned, 2);
        if (minor === null) return;
        expect(Number.isSafeInteger(minor)).toBe(true);
        expect(minor).toBe(Math.round(Number(cleaned) * 100));
      }),
      { numRuns: 500 },
    );
  });

  it('checks the amount before anything is sent: empty, zero, over the cap, nothing due', async () => {
    const { fake, journey } = setup();
    await journey.open();
    journey.choose({ kind: 'other' });
    await journey.pay('en');
    expect(journey.problem).toEqual({ kind: 'empty' });
    expect(journey.focusRequest?.target).toBe('amount');
    journey.setAmount('0');
    await journey.pay('en');
    expect(journey.problem).toEqual({ kind: 'zero' });
    journey.setAmount('2000.01');
    await journey.pay('en');
    expect(journey.problem).toEqual({ kind: 'tooLarge', maxMinor: 200000 });
    expect(starts(fake)).toEqual([]);

    const none = setup(undefined, { ...quote, totalDue: eur(0), balance: eur(0), openBills: [] });
    await none.journey.open();
    none.journey.choose({ kind: 'balance' });
    await none.journey.pay('en');
    expect(none.journey.problem).toEqual({ kind: 'nothingDue' });
    expect(starts(none.fake)).toEqual([]);
  });

  it('offers cash only when the kiosk takes it', async () => {
    const { journey } = setup(undefined, { ...quote, cashDenominations: [] });
    await journey.open();
    journey.setMethod('cash');
    expect(journey.method).toBe('card');
    expect(journey.cashAccepted).toBe(false);
  });
});

describe('PayJourney: paying', () => {
  it('follows the device through its progress and lands on the receipt; the quote is read again', async () => {
    let release: (value: unknown) => void = () => {};
    const { fake, journey } = setup((input) => new Promise((resolve) => (release = () => resolve({ ok: true, value: approved(input.requestId, input.amountMinor) }))));
    await journey.open('INV-202610');
    const paying = journey.pay('es');
    await settle();
    expect(journey.step).toBe('paying');
    expect(journey.busy).toBe(true);
    expect(journey.focusRequest?.target).toBe('progress');
    const [start] = starts(fake);
    expect(start).toEqual({ requestId: '00000000-0000-4000-8000-000000000001', amountMinor: 8771, billNo: 'INV-202610', method: 'card', language: 'es' });
    fake.emit('payment.progress', { intentId: 'someone-else', stage: 'removeCard' });
    expect(journey.stage).toBe('starting');
    fake.emit('payment.progress', { intentId: start!.requestId, stage: 'presentCard' });
    expect(journey.stage).toBe('presentCard');
    journey.press('5'); // the keypad is locked while paying
    expect(journey.amount).toBe('');
    release(undefined);
    await paying;
    expect(journey.step).toBe('result');
    expect(journey.result?.status).toBe('approved');
    expect(journey.result?.receipt?.transactionNo).toBe(start!.requestId);
    expect(journey.focusRequest?.target).toBe('result');
    expect(fake.listenerCount('payment.progress')).toBe(0);
    expect(fake.callsTo('payment.quote')).toHaveLength(2);
  });

  it('counts cash in as it is inserted', async () => {
    let release: () => void = () => {};
    const { fake, journey } = setup((input) => new Promise((resolve) => (release = () => resolve({ ok: true, value: approved(input.requestId, input.amountMinor) }))));
    await journey.open();
    journey.setMethod('cash');
    const paying = journey.pay('en');
    await settle();
    const id = starts(fake)[0]!.requestId;
    fake.emit('payment.progress', { intentId: id, stage: 'insertCash', inserted: eur(5000), remaining: eur(14857) });
    expect(journey.stage).toBe('insertCash');
    expect(journey.insertedMinor).toBe(5000);
    release();
    await paying;
  });

  it('retries a payment with no answer under the same request id, so it can never be charged twice', async () => {
    let calls = 0;
    const { fake, journey } = setup((input) => (++calls === 1 ? failure('INTERNAL', 'lost') : { ok: true, value: approved(input.requestId, input.amountMinor) }));
    await journey.open();
    await journey.pay('en');
    expect(journey.step).toBe('choose');
    expect(journey.problem).toEqual({ kind: 'failed' });
    expect(journey.focusRequest?.target).toBe('problem');
    await journey.pay('en');
    const [first, second] = starts(fake);
    expect(second!.requestId).toBe(first!.requestId);
    expect(journey.result?.status).toBe('approved');
  });

  it('a different amount after a failure is a different payment', async () => {
    const { fake, journey } = setup(() => failure('INTERNAL', 'lost'));
    await journey.open();
    await journey.pay('en');
    journey.choose({ kind: 'bill', billNo: 'INV-202611' });
    await journey.pay('en');
    const [first, second] = starts(fake);
    expect(second!.requestId).not.toBe(first!.requestId);
  });

  it('after a decline, Try again starts a new payment with a new id', async () => {
    const { fake, journey } = setup((input) => ({ ok: true, value: { ...approved(input.requestId, input.amountMinor), status: 'declined', amountTaken: eur(0), reason: 'insufficientFunds', receipt: null } }));
    await journey.open();
    await journey.pay('en');
    expect(journey.result?.status).toBe('declined');
    journey.tryAgain();
    expect(journey.step).toBe('choose');
    expect(journey.result).toBeNull();
    await journey.pay('en');
    const [first, second] = starts(fake);
    expect(second!.requestId).not.toBe(first!.requestId);
  });

  it('asks again about a payment the device has not answered, with the same id', async () => {
    let calls = 0;
    const { fake, journey } = setup((input) =>
      ++calls === 1
        ? { ok: true, value: { ...approved(input.requestId, input.amountMinor), status: 'pending', amountTaken: eur(0), receipt: null } }
        : { ok: true, value: approved(input.requestId, input.amountMinor) },
    );
    await journey.open();
    await journey.pay('en');
    expect(journey.result?.status).toBe('pending');
    expect(fake.callsTo('payment.quote')).toHaveLength(1); // nothing settled yet
    await journey.checkAgain('en');
    const [first, second] = starts(fake);
    expect(second!.requestId).toBe(first!.requestId);
    expect(journey.result?.status).toBe('approved');
  });

  it('a payment the core refuses is explained, what is due is read again, and the next try is a new payment', async () => {
    let calls = 0;
    const { fake, journey, setQuote } = setup((input) => (++calls === 1 ? failure('VALIDATION', 'Bill INV-202610 has nothing left to pay.') : { ok: true, value: approved(input.requestId, input.amountMinor) }));
    await journey.open('INV-202610');
    setQuote({ ...quote, openBills: quote.openBills.slice(1), totalDue: eur(11086), balance: eur(11086) });
    await journey.pay('en');
    expect(journey.problem).toEqual({ kind: 'rejected' });
    expect(journey.quote?.openBills.map((b) => b.billNo)).toEqual(['INV-202611']);
    journey.choose({ kind: 'balance' });
    await journey.pay('en');
    const [first, second] = starts(fake);
    expect(second!.requestId).not.toBe(first!.requestId);
    expect(second!.amountMinor).toBe(11086);
  });

  it('cancels the payment in progress by its id', async () => {
    let release: () => void = () => {};
    const { fake, journey } = setup((input) => new Promise((resolve) => (release = () => resolve({ ok: true, value: { ...approved(input.requestId, input.amountMinor), status: 'cancelled', amountTaken: eur(0), receipt: null } }))));
    await journey.open();
    const paying = journey.pay('en');
    await settle();
    await journey.cancel();
    expect(journey.cancelling).toBe(true);
    expect(fake.callsTo('payment.cancel')).toEqual([{ intentId: starts(fake)[0]!.requestId }]);
    release();
    await paying;
    expect(journey.result?.status).toBe('cancelled');
    expect(journey.cancelling).toBe(false);
  });

  it('a session that ended meanwhile hands over to the app', async () => {
    const { journey, onSignedOut } = setup(() => failure('NOT_SIGNED_IN', 'gone'));
    await journey.open();
    await journey.pay('en');
    expect(onSignedOut).toHaveBeenCalledOnce();
  });
});
