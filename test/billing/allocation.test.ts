import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  AccountAllocator,
  allocate,
  allocateUntil,
  lateFeeDue,
  normaliseAt,
  type AccountEvent,
  type AllocationState,
} from '../../shared/billing/allocation.ts';
import { addDays } from '../../shared/calendar.ts';

const bill = (billNo: string, at: string, amountMinor: number, paymentDueDate = addDays(at.slice(0, 10), 14)): AccountEvent => ({ type: 'bill', billNo, at, paymentDueDate, amountMinor });
const pay = (paymentId: string, at: string, amountMinor: number, targetBillNo?: string): AccountEvent =>
  targetBillNo === undefined ? { type: 'payment', paymentId, at, amountMinor } : { type: 'payment', paymentId, at, amountMinor, targetBillNo };
const reverse = (paymentId: string, at: string): AccountEvent => ({ type: 'reversal', paymentId, at });
const adjust = (id: string, at: string, amountMinor: number): AccountEvent => ({ type: 'adjustment', id, at, amountMinor });

const billOf = (state: AllocationState, billNo: string) => {
  const found = state.bills.find((b) => b.billNo === billNo);
  if (!found) throw new Error(`no bill ${billNo}`);
  return found;
};
const paymentOf = (state: AllocationState, paymentId: string) => {
  const found = state.payments.find((p) => p.paymentId === paymentId);
  if (!found) throw new Error(`no payment ${paymentId}`);
  return found;
};
const remaining = (state: AllocationState) => Object.fromEntries(state.bills.map((b) => [b.billNo, b.remainingMinor]));

const JAN = '2026-01-05T09:00:00.000Z';
const FEB = '2026-02-05T09:00:00.000Z';
const MAR = '2026-03-05T09:00:00.000Z';

describe('allocation: examples', () => {
  it('pays open bills oldest first', () => {
    const s = allocate([bill('B2', FEB, 20_00), bill('B1', JAN, 100_00), pay('P1', '2026-02-10T10:00:00Z', 110_00)]);
    expect(remaining(s)).toEqual({ B1: 0, B2: 10_00 });
    expect(billOf(s, 'B1')).toMatchObject({ state: 'settled', paidOn: '2026-02-10T10:00:00.000Z', allocations: [{ sourceKind: 'payment', sourceId: 'P1', amountMinor: 100_00 }] });
    expect(billOf(s, 'B2')).toMatchObject({ state: 'partiallyPaid', paidOn: null });
    expect(paymentOf(s, 'P1').allocations).toEqual([
      { billNo: 'B1', adjustmentId: null, amountMinor: 100_00 },
      { billNo: 'B2', adjustmentId: null, amountMinor: 10_00 },
    ]);
    expect(s.balanceMinor).toBe(10_00);
    expect(s.creditMinor).toBe(0);
  });

  it('orders bills issued at the same instant by bill number', () => {
    const s = allocate([bill('B-2', JAN, 50_00), bill('B-1', JAN, 50_00), pay('P1', FEB, 30_00)]);
    expect(remaining(s)).toEqual({ 'B-2': 50_00, 'B-1': 20_00 });
  });

  it('pays the named bill first, then the oldest', () => {
    const events = [bill('B1', JAN, 100_00), bill('B2', FEB, 200_00)];
    expect(remaining(allocate([...events, pay('P1', MAR, 150_00, 'B2')]))).toEqual({ B1: 100_00, B2: 50_00 });
    const over = allocate([...events, pay('P1', MAR, 250_00, 'B2')]);
    expect(remaining(over)).toEqual({ B1: 50_00, B2: 0 });
    expect(paymentOf(over, 'P1').allocations.map((a) => a.billNo)).toEqual(['B2', 'B1']);
  });

  it('ignores a named bill that is already settled', () => {
    const s = allocate([bill('B1', JAN, 100_00), bill('B2', FEB, 40_00), pay('P1', FEB, 40_00, 'B2'), pay('P2', MAR, 30_00, 'B2')]);
    expect(remaining(s)).toEqual({ B1: 70_00, B2: 0 });
  });

  it('keeps an overpayment as credit and applies it to the next bill, still attributed to the payment', () => {
    const before = allocate([bill('B1', JAN, 100_00), pay('P1', '2026-01-20T12:00:00Z', 130_00)]);
    expect(before.creditMinor).toBe(30_00);
    expect(before.creditPool).toEqual([{ sourceKind: 'payment', sourceId: 'P1', amountMinor: 30_00 }]);
    expect(before.balanceMinor).toBe(-30_00);
    expect(paymentOf(before, 'P1').allocations).toEqual([
      { billNo: 'B1', adjustmentId: null, amountMinor: 100_00 },
      { billNo: null, adjustmentId: null, amountMinor: 30_00 },
    ]);

    const after = allocate([bill('B1', JAN, 100_00), pay('P1', '2026-01-20T12:00:00Z', 130_00), bill('B2', FEB, 50_00)]);
    expect(after.creditMinor).toBe(0);
    expect(billOf(after, 'B2')).toMatchObject({ remainingMinor: 20_00, state: 'partiallyPaid', allocations: [{ sourceKind: 'payment', sourceId: 'P1', amountMinor: 30_00 }] });
    expect(paymentOf(after, 'P1').allocations).toEqual([
      { billNo: 'B1', adjustmentId: null, amountMinor: 100_00 },
      { billNo: 'B2', adjustmentId: null, amountMinor: 30_00 },
    ]);
  });

  it('settles a new bill from credit at the moment it is issued', () => {
    const s = allocate([pay('P1', JAN, 80_00), bill('B1', FEB, 50_00)]);
    expect(billOf(s, 'B1')).toMatchObject({ remainingMinor: 0, state: 'settled', paidOn: FEB });
    expect(s.creditMinor).toBe(30_00);
  });

  it('takes credit oldest first across sources', () => {
    const s = allocate([pay('P1', JAN, 10_00), adjust('GOODWILL', '2026-01-06T00:00:00Z', -15_00), bill('B1', FEB, 20_00)]);
    expect(billOf(s, 'B1').allocations).toEqual([
      { sourceKind: 'payment', sourceId: 'P1', amountMinor: 10_00 },
      { sourceKind: 'adjustment', sourceId: 'GOODWILL', amountMinor: 10_00 },
    ]);
    expect(s.creditPool).toEqual([{ sourceKind: 'adjustment', sourceId: 'GOODWILL', amountMinor: 5_00 }]);
  });

  it('marks a partial payment partiallyPaid with no paid date', () => {
    const s = allocate([bill('B1', JAN, 100_00), pay('P1', FEB, 40_00)]);
    expect(billOf(s, 'B1')).toMatchObject({ amountMinor: 100_00, remainingMinor: 60_00, state: 'partiallyPaid', paidOn: null });
    expect(billOf(allocate([bill('B1', JAN, 100_00)]), 'B1').state).toBe('new');
  });

  it('applies a credit note and a waived fee like payments, and a fee as an owed item', () => {
    const s = allocate([
      bill('B1', JAN, 100_00),
      bill('CN1', '2026-01-10T00:00:00Z', -30_00),
      adjust('LATE-FEE', '2026-01-25T00:00:00Z', 5_00),
      pay('P1', FEB, 72_00),
    ]);
    expect(billOf(s, 'CN1')).toMatchObject({ amountMinor: -30_00, remainingMinor: 0, state: 'settled' });
    expect(billOf(s, 'B1')).toMatchObject({ remainingMinor: 0, allocations: [{ sourceKind: 'creditNote', sourceId: 'CN1', amountMinor: 30_00 }, { sourceKind: 'payment', sourceId: 'P1', amountMinor: 70_00 }] });
    expect(s.debits).toEqual([expect.objectContaining({ id: 'LATE-FEE', amountMinor: 5_00, remainingMinor: 3_00, state: 'partiallyPaid' })]);
    expect(s.openDebitsMinor).toBe(3_00);
    expect(s.balanceMinor).toBe(3_00);

    const waived = allocate([bill('B1', JAN, 100_00), bill('CN1', '2026-01-10T00:00:00Z', -30_00), adjust('LATE-FEE', '2026-01-25T00:00:00Z', 5_00), pay('P1', FEB, 72_00), adjust('WAIVE', MAR, -5_00)]);
    expect(waived.debits[0]).toMatchObject({ remainingMinor: 0, state: 'settled', paidOn: MAR });
    expect(waived.creditMinor).toBe(2_00);
    expect(waived.credits).toEqual([
      { sourceKind: 'creditNote', sourceId: 'CN1', at: '2026-01-10T00:00:00.000Z', amountMinor: 30_00, allocations: [{ billNo: 'B1', adjustmentId: null, amountMinor: 30_00 }] },
      { sourceKind: 'adjustment', sourceId: 'WAIVE', at: MAR, amountMinor: 5_00, allocations: [{ billNo: null, adjustmentId: 'LATE-FEE', amountMinor: 3_00 }, { billNo: null, adjustmentId: null, amountMinor: 2_00 }] },
    ]);
  });

  it('a credit adjustment that names a bill (a waived fee) pays that bill first, then the oldest', () => {
    const s = allocate([bill('B1', JAN, 40_00), bill('B2', FEB, 50_00), { type: 'adjustment', id: 'WAIVE', at: MAR, amountMinor: -5_00, targetBillNo: 'B2' }]);
    expect(remaining(s)).toEqual({ B1: 40_00, B2: 45_00 });
    expect(remaining(allocate([bill('B1', JAN, 40_00), bill('B2', FEB, 50_00), adjust('GOODWILL', MAR, -5_00)]))).toEqual({ B1: 35_00, B2: 50_00 });
    expect(() => allocate([bill('B1', JAN, 40_00), { type: 'adjustment', id: 'W', at: MAR, amountMinor: -5_00, targetBillNo: 'NOPE' }])).toThrow(/unknown bill NOPE/);
    expect(() => allocate([bill('B1', JAN, 40_00), { type: 'adjustment', id: 'W', at: MAR, amountMinor: 5_00, targetBillNo: 'B1' }])).toThrow(/only a credit names a bill/);
  });

  it('reverses exactly what a payment allocated and nothing else', () => {
    const s = allocate([bill('B1', JAN, 100_00), pay('P1', FEB, 60_00), pay('P2', '2026-02-06T00:00:00Z', 40_00), reverse('P1', MAR)]);
    expect(billOf(s, 'B1')).toMatchObject({ remainingMinor: 60_00, state: 'partiallyPaid', paidOn: null, allocations: [{ sourceKind: 'payment', sourceId: 'P2', amountMinor: 40_00 }] });
    expect(paymentOf(s, 'P1')).toMatchObject({ reversedAt: MAR, allocations: [] });
    expect(paymentOf(s, 'P2').allocations).toEqual([{ billNo: 'B1', adjustmentId: null, amountMinor: 40_00 }]);
    expect(s.balanceMinor).toBe(60_00);
  });

  it('reopens the later bill that consumed the reversed payment’s credit', () => {
    const s = allocate([bill('B1', JAN, 100_00), pay('P1', '2026-01-20T00:00:00Z', 150_00), bill('B2', FEB, 80_00), reverse('P1', MAR)]);
    expect(remaining(s)).toEqual({ B1: 100_00, B2: 80_00 });
    expect(billOf(s, 'B2')).toMatchObject({ state: 'new', paidOn: null, allocations: [] });
    expect(s.creditMinor).toBe(0);
    expect(s.creditPool).toEqual([]);
  });

  it('removes the reversed payment’s unused credit from the pool', () => {
    const s = allocate([bill('B1', JAN, 100_00), pay('P1', FEB, 100_00), pay('P2', '2026-02-06T00:00:00Z', 25_00), reverse('P2', MAR)]);
    expect(s.creditMinor).toBe(0);
    expect(remaining(s)).toEqual({ B1: 0 });
  });

  it('pays what a reversal reopened from other credit in the pool (no open bill while in credit)', () => {
    const s = allocate([bill('B1', JAN, 100_00), pay('P1', FEB, 100_00), pay('P2', '2026-02-06T00:00:00Z', 50_00), reverse('P1', MAR)]);
    expect(billOf(s, 'B1')).toMatchObject({ remainingMinor: 50_00, allocations: [{ sourceKind: 'payment', sourceId: 'P2', amountMinor: 50_00 }] });
    expect(s.creditMinor).toBe(0);
    expect(paymentOf(s, 'P2').allocations).toEqual([{ billNo: 'B1', adjustmentId: null, amountMinor: 50_00 }]);
  });

  it('does not move another payment’s allocation when reversing (unlike a replay without the payment)', () => {
    const events = [bill('B1', JAN, 100_00), bill('B2', FEB, 100_00), pay('P1', MAR, 100_00), pay('P2', '2026-03-06T00:00:00Z', 100_00)];
    const reversed = allocate([...events, reverse('P1', '2026-03-07T00:00:00Z')]);
    // P2's receipt said B2; it still does. The totals match a world without P1, the bill that is open differs.
    expect(remaining(reversed)).toEqual({ B1: 100_00, B2: 0 });
    expect(remaining(allocate(events.filter((e) => !(e.type === 'payment' && e.paymentId === 'P1'))))).toEqual({ B1: 0, B2: 100_00 });
  });

  it('settles a zero bill when issued', () => {
    expect(billOf(allocate([bill('B0', JAN, 0)]), 'B0')).toMatchObject({ state: 'settled', paidOn: JAN, remainingMinor: 0 });
  });

  it('applies tied events in the order given', () => {
    const billFirst = allocate([bill('B1', JAN, 100_00), pay('P1', JAN, 130_00)]);
    const payFirst = allocate([pay('P1', JAN, 130_00), bill('B1', JAN, 100_00)]);
    expect(remaining(billFirst)).toEqual(remaining(payFirst));
    expect(billFirst.creditMinor).toBe(payFirst.creditMinor);
    // A reversal listed before its own tied payment is a reversal of an unknown payment.
    expect(() => allocate([bill('B1', JAN, 100_00), reverse('P1', FEB), pay('P1', FEB, 10_00)])).toThrow(/unknown payment P1/);
    expect(() => allocate([bill('B1', JAN, 100_00), pay('P1', FEB, 10_00), reverse('P1', FEB)])).not.toThrow();
  });

  it('orders bare dates at the start of their day in the operator zone', () => {
    expect(normaliseAt('2026-03-01')).toBe('2026-03-01T00:00:00.000Z');
    expect(normaliseAt('2026-03-01', 'Europe/Madrid')).toBe('2026-02-28T23:00:00.000Z');
    expect(normaliseAt('2026-03-01T10:00+01:00')).toBe('2026-03-01T09:00:00.000Z');
    expect(normaliseAt('2026-03-01T10:00:00.123456Z')).toBe('2026-03-01T10:00:00.123Z');
    // A bill dated 1 March is issued at 00:00 UTC, or at 23:00 UTC on 28 Feb in Madrid: a payment
    // at 23:30 UTC on 28 Feb comes before it in UTC (and waits as credit), after it in Madrid.
    const events = [bill('B1', '2026-03-01', 50_00), pay('P1', '2026-02-28T23:30:00Z', 50_00)];
    const utc = allocateUntil(events, '2026-02-28T23:45:00Z');
    expect(utc.bills).toEqual([]);
    expect(utc.creditMinor).toBe(50_00);
    const madrid = allocateUntil(events, '2026-02-28T23:45:00Z', { timeZone: 'Europe/Madrid' });
    expect(billOf(madrid, 'B1')).toMatchObject({ at: '2026-02-28T23:00:00.000Z', state: 'settled', paidOn: '2026-02-28T23:30:00.000Z' });
    expect(billOf(allocate(events), 'B1')).toMatchObject({ state: 'settled', paidOn: '2026-03-01T00:00:00.000Z' });
  });

  it('replays up to an instant or to the end of a day, inclusive', () => {
    const events = [bill('B1', JAN, 100_00), pay('P1', '2026-01-20T10:00:00Z', 30_00), pay('P2', '2026-01-20T18:00:00Z', 30_00), pay('P3', '2026-01-21T00:00:00Z', 40_00)];
    expect(billOf(allocateUntil(events, '2026-01-20T10:00:00Z'), 'B1').remainingMinor).toBe(70_00);
    expect(billOf(allocateUntil(events, '2026-01-20T09:59:59.999Z'), 'B1').remainingMinor).toBe(100_00);
    expect(billOf(allocateUntil(events, '2026-01-20'), 'B1').remainingMinor).toBe(40_00);
    expect(billOf(allocateUntil(events, '2026-01-21'), 'B1')).toMatchObject({ remainingMinor: 0, paidOn: '2026-01-21T00:00:00.000Z' });
    expect(allocateUntil(events, '2026-01-01').bills).toEqual([]);
  });
});

describe('allocation: bad input throws and changes nothing', () => {
  const base = () => new AccountAllocator().apply(bill('B1', JAN, 100_00)).apply(pay('P1', FEB, 130_00)).apply(reverse('P1', '2026-02-06T00:00:00Z')).apply(pay('P2', '2026-02-07T00:00:00Z', 20_00));

  const bad: [string, AccountEvent, RegExp][] = [
    ['an unknown payment reversed', reverse('NOPE', MAR), /unknown payment NOPE/],
    ['a payment reversed twice', reverse('P1', MAR), /already reversed/],
    ['an unknown named bill', pay('P3', MAR, 10_00, 'B9'), /unknown bill B9/],
    ['a zero payment', pay('P3', MAR, 0), /must be positive/],
    ['a negative payment', pay('P3', MAR, -5_00), /must be positive/],
    ['a fractional payment', pay('P3', MAR, 10.5), /not a safe integer/],
    ['a NaN payment', pay('P3', MAR, Number.NaN), /not a safe integer/],
    ['an unsafe payment', pay('P3', MAR, 2 ** 53), /not a safe integer/],
    ['a payment id used twice', pay('P2', MAR, 10_00), /already applied/],
    ['a bill number used twice', bill('B1', MAR, 10_00), /already issued/],
    ['a fractional bill', bill('B2', MAR, 0.5), /not a safe integer/],
    ['an impossible due date', { type: 'bill', billNo: 'B2', at: MAR, paymentDueDate: '2026-02-30', amountMinor: 10 }, /calendar date/],
    ['a zero adjustment', adjust('A1', MAR, 0), /zero amount/],
    ['an instant without a zone', pay('P3', '2026-03-05T09:00:00', 10_00), /ISO-8601/],
    ['an impossible instant', pay('P3', '2026-02-30T09:00:00Z', 10_00), /ISO-8601/],
    ['an event earlier than the last one', pay('P3', JAN, 10_00), /earlier than the last/],
    ['an empty payment id', pay('', MAR, 10_00), /non-empty/],
  ];
  it.each(bad)('rejects %s with a RangeError', (_name, event, message) => {
    const allocator = base();
    const before = allocator.state();
    expect(() => allocator.apply(event)).toThrow(RangeError);
    expect(() => allocator.apply(event)).toThrow(message);
    expect(allocator.state()).toEqual(before);
    // The allocator still works afterwards.
    allocator.apply(pay('P-OK', MAR, 10_00));
    expect(billOf(allocator.state(), 'B1').remainingMinor).toBe(70_00);
  });

  it('throws from a replay without touching the caller’s events', () => {
    const events = [pay('P1', FEB, 10_00), bill('B1', JAN, 100_00), reverse('P1', MAR), reverse('P1', MAR)];
    const copy = structuredClone(events);
    expect(() => allocate(events)).toThrow(RangeError);
    expect(events).toEqual(copy);
  });
});

describe('late fees', () => {
  // Due 15 Feb, five days' grace: the last day to pay is 20 Feb. The bill run is on 1 March.
  const window = { since: '2026-02-01', until: '2026-03-01', graceDays: 5 };
  const issued = bill('B1', '2026-02-01T06:00:00Z', 50_00, '2026-02-15');

  it('charges a bill unpaid at the end of its last day to pay', () => {
    expect(lateFeeDue([issued], window)).toEqual(['B1']);
    expect(lateFeeDue([issued, pay('P1', '2026-02-20T23:59:59Z', 50_00)], window)).toEqual([]);
    expect(lateFeeDue([issued, pay('P1', '2026-02-21T00:00:00Z', 50_00)], window)).toEqual(['B1']);
    expect(lateFeeDue([issued, pay('P1', '2026-02-19T00:00:00Z', 49_99)], window)).toEqual(['B1']);
    expect(lateFeeDue([issued, pay('P1', '2026-01-19T00:00:00Z', 60_00)], window)).toEqual([]);
  });

  it('judges the last day to pay in the operator zone', () => {
    const lateInUtc = [issued, pay('P1', '2026-02-20T23:30:00-05:00', 50_00)];
    expect(lateFeeDue(lateInUtc, window)).toEqual(['B1']);
    expect(lateFeeDue(lateInUtc, { ...window, timeZone: 'America/New_York' })).toEqual([]);
  });

  it('treats a payment dishonoured by the bill run as never made', () => {
    const events = [issued, pay('P1', '2026-02-18T00:00:00Z', 50_00), reverse('P1', '2026-02-25T00:00:00Z')];
    expect(lateFeeDue(events, window)).toEqual(['B1']);
    const reversedAfterRun = [issued, pay('P1', '2026-02-18T00:00:00Z', 50_00), reverse('P1', '2026-03-02T00:00:00Z')];
    expect(lateFeeDue(reversedAfterRun, window)).toEqual([]);
  });

  it('judges each bill in one window only: since is exclusive, until inclusive', () => {
    expect(lateFeeDue([issued], { since: '2026-02-20', until: '2026-03-01', graceDays: 5 })).toEqual([]);
    expect(lateFeeDue([issued], { since: '2026-01-01', until: '2026-02-20', graceDays: 5 })).toEqual(['B1']);
    expect(lateFeeDue([issued], { since: '2026-01-01', until: '2026-02-19', graceDays: 5 })).toEqual([]);
    expect(lateFeeDue([issued], { ...window, graceDays: 0 })).toEqual(['B1']);
  });

  it('never charges a credit note or a bill with nothing to pay, and lists by last day to pay', () => {
    const events = [
      issued,
      bill('B0', '2026-02-01T06:00:00Z', 0, '2026-02-15'),
      bill('CN', '2026-02-02T06:00:00Z', -10_00, '2026-02-16'),
      bill('A2', '2026-02-03T06:00:00Z', 10_00, '2026-02-10'),
    ];
    expect(lateFeeDue(events, window)).toEqual(['A2', 'B1']);
  });

  it('validates the window', () => {
    expect(() => lateFeeDue([issued], { ...window, graceDays: -1 })).toThrow(RangeError);
    expect(() => lateFeeDue([issued], { ...window, graceDays: 1.5 })).toThrow(RangeError);
    expect(() => lateFeeDue([issued], { ...window, since: '2026-03-02' })).toThrow(RangeError);
    expect(() => lateFeeDue([issued], { ...window, until: '2026-13-01' })).toThrow(RangeError);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties over random valid timelines

type Step =
  | { k: 'bill'; amount: number; dueIn: number; gap: number }
  | { k: 'pay'; amount: number; target: number | null; gap: number }
  | { k: 'rev'; pick: number; gap: number }
  | { k: 'adj'; amount: number; gap: number };

/** Hours between events: often 0, so ties are common. */
const gap = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 24 * 40 }));
const billStep = fc.record({ k: fc.constant('bill' as const), amount: fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 0, max: 5_000 }) }, { weight: 1, arbitrary: fc.integer({ min: -1_500, max: -1 }) }), dueIn: fc.integer({ min: 0, max: 30 }), gap });
const payStep = fc.record({ k: fc.constant('pay' as const), amount: fc.integer({ min: 1, max: 6_000 }), target: fc.option(fc.nat(), { nil: null }), gap });
const revStep = fc.record({ k: fc.constant('rev' as const), pick: fc.nat(), gap });
const adjStep = fc.record({ k: fc.constant('adj' as const), amount: fc.integer({ min: -400, max: 400 }).filter((n) => n !== 0), gap });
const anyStep: fc.Arbitrary<Step> = fc.oneof({ weight: 3, arbitrary: billStep }, { weight: 4, arbitrary: payStep }, { weight: 1, arbitrary: revStep }, { weight: 1, arbitrary: adjStep });
const debitStep: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ k: fc.constant('bill' as const), amount: fc.integer({ min: 0, max: 5_000 }), dueIn: fc.integer({ min: 0, max: 30 }), gap }),
  adjStep.map((s) => ({ ...s, amount: Math.abs(s.amount) })),
);

/** Turns steps into a valid timeline: ids are unique, reversals name a live payment, targets an issued bill. */
class TimelineBuilder {
  events: AccountEvent[] = [];
  private ms = Date.UTC(2026, 0, 1);
  private n = 0;
  private readonly bills: string[] = [];
  /** Payments that may still be reversed. */
  private readonly live: string[] = [];

  add(step: Step, reservedPayment?: string): void {
    this.ms += step.gap * 3_600_000;
    const at = new Date(this.ms).toISOString();
    const id = String(this.n++);
    switch (step.k) {
      case 'bill':
        this.bills.push(`B${id}`);
        this.events.push(bill(`B${id}`, at, step.amount, addDays(at.slice(0, 10), step.dueIn)));
        break;
      case 'pay': {
        const target = step.target === null || this.bills.length === 0 ? undefined : this.bills[step.target % this.bills.length];
        this.live.push(`P${id}`);
        this.events.push(pay(`P${id}`, at, step.amount, target));
        break;
      }
      case 'rev': {
        const candidates = this.live.filter((p) => p !== reservedPayment);
        if (candidates.length === 0) return;
        const paymentId = candidates[step.pick % candidates.length] as string;
        this.live.splice(this.live.indexOf(paymentId), 1);
        this.events.push(reverse(paymentId, at));
        break;
      }
      case 'adj':
        this.events.push(adjust(`A${id}`, at, step.amount));
        break;
    }
  }

  addAll(steps: readonly Step[], reservedPayment?: string): this {
    for (const step of steps) this.add(step, reservedPayment);
    return this;
  }

  reverse(paymentId: string, gapHours: number): void {
    this.ms += gapHours * 3_600_000;
    this.live.splice(this.live.indexOf(paymentId), 1);
    this.events.push(reverse(paymentId, new Date(this.ms).toISOString()));
  }

  lastPaymentId(): string {
    const last = this.events.at(-1);
    if (last?.type !== 'payment') throw new Error('last event is not a payment');
    return last.paymentId;
  }
}

const timelineArb = fc.array(anyStep, { maxLength: 40 }).map((steps) => new TimelineBuilder().addAll(steps).events);

function checkInvariants(events: readonly AccountEvent[], s: AllocationState): void {
  const reversed = new Set(events.flatMap((e) => (e.type === 'reversal' ? [e.paymentId] : [])));
  const livePayments = events.flatMap((e) => (e.type === 'payment' && !reversed.has(e.paymentId) ? [e.amountMinor] : []));
  const sumOf = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
  const billsTotal = sumOf(events.flatMap((e) => (e.type === 'bill' ? [e.amountMinor] : [])));
  const adjustmentsTotal = sumOf(events.flatMap((e) => (e.type === 'adjustment' ? [e.amountMinor] : [])));

  // Balance from the events alone, and from the allocation.
  expect(s.balanceMinor).toBe(billsTotal + adjustmentsTotal - sumOf(livePayments));
  expect(sumOf(s.bills.map((b) => b.remainingMinor)) + sumOf(s.debits.map((d) => d.remainingMinor)) - s.creditMinor).toBe(s.balanceMinor);
  expect(s.creditMinor).toBe(sumOf(s.creditPool.map((e) => e.amountMinor)));

  // Money is conserved: every live source is fully allocated (to items or credit); reversed ones not at all.
  for (const p of s.payments) {
    expect(sumOf(p.allocations.map((a) => a.amountMinor))).toBe(p.reversedAt === null ? p.amountMinor : 0);
  }
  for (const c of s.credits) expect(sumOf(c.allocations.map((a) => a.amountMinor))).toBe(c.amountMinor);
  const sources = [...s.payments.flatMap((p) => p.allocations), ...s.credits.flatMap((c) => c.allocations)];
  const toItems = sumOf(sources.filter((a) => a.billNo !== null || a.adjustmentId !== null).map((a) => a.amountMinor));
  const toCredit = sumOf(sources.filter((a) => a.billNo === null && a.adjustmentId === null).map((a) => a.amountMinor));
  expect(toCredit).toBe(s.creditMinor);
  expect(sumOf(livePayments) + sumOf(s.credits.map((c) => c.amountMinor))).toBe(toItems + s.creditMinor);
  expect(sumOf([...s.bills, ...s.debits].flatMap((i) => i.allocations.map((a) => a.amountMinor)))).toBe(toItems);

  for (const item of [...s.bills.filter((b) => b.amountMinor >= 0), ...s.debits]) {
    expect(item.remainingMinor).toBeGreaterThanOrEqual(0);
    expect(item.remainingMinor).toBeLessThanOrEqual(item.amountMinor);
    expect(item.amountMinor - sumOf(item.allocations.map((a) => a.amountMinor))).toBe(item.remainingMinor);
    expect(item.allocations.every((a) => a.amountMinor > 0)).toBe(true);
    expect(item.state).toBe(item.remainingMinor === 0 ? 'settled' : item.remainingMinor === item.amountMinor ? 'new' : 'partiallyPaid');
    expect(item.paidOn !== null).toBe(item.remainingMinor === 0);
    // Credit is never kept while something is owed.
    if (s.creditMinor > 0) expect(item.remainingMinor).toBe(0);
  }
  for (const b of s.bills.filter((x) => x.amountMinor < 0)) expect(b).toMatchObject({ remainingMinor: 0, state: 'settled' });
}

const RUNS = { numRuns: 300 };

describe('allocation: properties', () => {
  it('conserves money and keeps every remaining amount within [0, amount]', () => {
    fc.assert(
      fc.property(timelineArb, (events) => {
        checkInvariants(events, allocate(events));
      }),
      RUNS,
    );
  });

  it('holds the invariants at every point of the replay', () => {
    fc.assert(
      fc.property(timelineArb, fc.nat(), (events, cut) => {
        const until = events.length === 0 ? '2026-01-01T00:00:00Z' : (events[cut % events.length] as AccountEvent).at;
        const prefix = events.filter((e) => e.at <= until);
        checkInvariants(prefix, allocateUntil(events, until));
        expect(allocateUntil(events, until)).toEqual(allocate(prefix));
      }),
      RUNS,
    );
  });

  const reversalCase = fc.record({ before: fc.array(anyStep, { maxLength: 25 }), payment: payStep, between: fc.array(debitStep, { maxLength: 8 }), revGap: gap, after: fc.array(anyStep, { maxLength: 10 }) });

  it('a payment and its reversal leave the state exactly as if the payment never happened (debits in between)', () => {
    fc.assert(
      fc.property(reversalCase, ({ before, payment, between, revGap, after }) => {
        const b = new TimelineBuilder().addAll(before);
        b.add(payment);
        const paymentId = b.lastPaymentId();
        b.addAll(between, paymentId);
        b.reverse(paymentId, revGap);
        b.addAll(after, paymentId);
        const without = b.events.filter((e) => !((e.type === 'payment' || e.type === 'reversal') && e.paymentId === paymentId));
        const withIt = allocate(b.events);
        const never = allocate(without);
        expect(withIt.bills).toEqual(never.bills);
        expect(withIt.debits).toEqual(never.debits);
        expect(withIt.creditPool).toEqual(never.creditPool);
        expect(withIt.credits).toEqual(never.credits);
        expect(withIt.payments.filter((p) => p.paymentId !== paymentId)).toEqual(never.payments);
        expect(paymentOf(withIt, paymentId)).toMatchObject({ allocations: [] });
        expect(withIt.balanceMinor).toBe(never.balanceMinor);
      }),
      RUNS,
    );
  });

  it('a reversal leaves the totals as if the payment never happened, whatever came in between', () => {
    fc.assert(
      fc.property(reversalCase, fc.array(anyStep, { maxLength: 10 }), ({ before, payment, revGap, after }, between) => {
        const b = new TimelineBuilder().addAll(before);
        b.add(payment);
        const paymentId = b.lastPaymentId();
        b.addAll(between, paymentId);
        b.reverse(paymentId, revGap);
        b.addAll(after, paymentId);
        const withIt = allocate(b.events);
        const never = allocate(b.events.filter((e) => !((e.type === 'payment' || e.type === 'reversal') && e.paymentId === paymentId)));
        expect(withIt.billsRemainingMinor + withIt.openDebitsMinor).toBe(never.billsRemainingMinor + never.openDebitsMinor);
        expect(withIt.creditMinor).toBe(never.creditMinor);
        expect(withIt.balanceMinor).toBe(never.balanceMinor);
      }),
      RUNS,
    );
  });

  it('is a pure function of the events: the same timeline gives the same state, input untouched', () => {
    fc.assert(
      fc.property(timelineArb, (events) => {
        const copy = structuredClone(events);
        expect(allocate(events)).toEqual(allocate(copy));
        expect(events).toEqual(copy);
      }),
      { numRuns: 200 },
    );
  });

  it('charges each bill at most one late fee over consecutive bill runs', () => {
    fc.assert(
      fc.property(timelineArb, fc.integer({ min: 0, max: 10 }), (events, graceDays) => {
        const runs = Array.from({ length: 14 }, (_, i) => addDays('2025-12-01', i * 30));
        const charged: string[] = [];
        for (let i = 1; i < runs.length; i++) {
          const [since, until] = [runs[i - 1] as string, runs[i] as string];
          const due = lateFeeDue(events, { since, until, graceDays });
          charged.push(...due);
          for (const e of events) {
            if (e.type !== 'bill' || e.amountMinor <= 0) continue;
            const lastDay = addDays(e.paymentDueDate, graceDays);
            const inWindow = since < lastDay && lastDay <= until;
            const unpaidThen = inWindow && billOf(allocateUntil(events, lastDay), e.billNo).remainingMinor > 0;
            const dishonouredSince = events.some((r) => r.type === 'reversal' && r.at.slice(0, 10) > lastDay && r.at.slice(0, 10) <= until);
            // Unpaid at the end of the last day ⇒ charged; charged ⇒ in the window and unpaid then, or a payment bounced since.
            if (unpaidThen) expect(due).toContain(e.billNo);
            if (due.includes(e.billNo)) expect(inWindow && (unpaidThen || dishonouredSince)).toBe(true);
          }
        }
        expect(new Set(charged).size).toBe(charged.length);
      }),
      { numRuns: 200 },
    );
  });
});
