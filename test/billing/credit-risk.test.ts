import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  RISK_BANDS,
  SCORECARD,
  bandFor,
  decideCreditLimit,
  decideOrder,
  riskBandFor,
  scoreCredit,
  wholeMonthsBetween,
  type Characteristic,
  type CreditProfileInput,
  type CreditScore,
  type ScoreReasonCode,
} from '../../shared/billing/credit-risk.ts';
import { addDays, addMonths } from '../../shared/calendar.ts';

const AS_OF = '2026-11-26';

/** Twelve monthly bills of 50.00 due on the 20th, Dec 2025 … Nov 2026; `late[i]` days late (null: still open), else paid on the due date. */
function monthlyBills(late: Record<number, number | null> = {}): CreditProfileInput['bills'] {
  return Array.from({ length: 12 }, (_, i) => {
    const paymentDueDate = addMonths('2025-12-20', i);
    const days = late[i] === undefined ? 0 : late[i];
    return { billNo: `B${i + 1}`, paymentDueDate, amountMinor: 50_00, paidOn: days === null ? null : addDays(paymentDueDate, days) };
  });
}

/** Band A: 70 months, always on time, 20 % of the limit used, 3 services. */
const perfect: CreditProfileInput = {
  asOf: AS_OF,
  openedOn: '2021-01-10',
  creditLimitMinor: 100_00,
  balanceMinor: 0,
  unbilledUsageMinor: 20_00,
  pendingOrdersFirstBillMinor: 0,
  serviceCount: 3,
  bills: monthlyBills(),
  dishonouredPayments: 0,
  monthlyRecurringMinor: 50_00,
};
const profile = (changes: Partial<CreditProfileInput>): CreditProfileInput => ({ ...perfect, ...changes });
const pointsOf = (s: CreditScore) => Object.fromEntries(s.characteristics.map((c) => [c.characteristic, c.points]));
const valuesOf = (s: CreditScore) => Object.fromEntries(s.characteristics.map((c) => [c.characteristic, c.value]));
const codesOf = (s: CreditScore) => s.reasons.map((r) => r.code);
const reasonOf = (s: CreditScore, code: ScoreReasonCode) => {
  const found = s.reasons.find((r) => r.code === code);
  if (!found) throw new Error(`no reason ${code} in ${codesOf(s).join(', ')}`);
  return found;
};

/** Band B: three bills paid 5 days late. */
const bandB = profile({ bills: monthlyBills({ 0: 5, 1: 5, 2: 5 }) });
/** Band C: a new account (2 months) with no bill due yet and one service. */
const bandC = profile({ openedOn: '2026-09-01', bills: [], serviceCount: 1 });
/** Band D: 8 months, 3 of 12 late (worst 20 days), 70 % used, one dishonoured payment, 2 services. */
const bandD = profile({ openedOn: '2026-03-01', bills: monthlyBills({ 0: 20, 1: 5, 2: 5 }), balanceMinor: 70_00, unbilledUsageMinor: 0, dishonouredPayments: 1, serviceCount: 2 });
/** Band E: as D, but the worst bill was paid 45 days late. */
const bandE = profile({ ...bandD, bills: monthlyBills({ 0: 45, 1: 5, 2: 5 }) });

const ADVERSE: ReadonlySet<ScoreReasonCode> = new Set(['SHORT_TENURE', 'LATE_PAYMENTS', 'NO_PAYMENT_HISTORY', 'PAST_DUE', 'SEVERELY_PAST_DUE', 'HIGH_UTILISATION', 'OVER_LIMIT', 'DISHONOURED_PAYMENT', 'FEW_SERVICES']);

describe('scorecard table', () => {
  it('adds up to 1000 and every band is sound', () => {
    const characteristics = Object.keys(SCORECARD) as Characteristic[];
    expect(characteristics.reduce((s, c) => s + SCORECARD[c].maxPoints, 0)).toBe(1000);
    for (const c of characteristics) {
      const { bands, neutral, maxPoints, missing } = SCORECARD[c];
      expect(bands[0]?.atLeast).toBe(0);
      expect(Math.max(...bands.map((b) => b.points))).toBe(maxPoints);
      for (let i = 1; i < bands.length; i++) expect((bands[i] as { atLeast: number }).atLeast).toBeGreaterThan((bands[i - 1] as { atLeast: number }).atLeast);
      for (const band of [...bands, missing]) {
        expect(band.points).toBeGreaterThanOrEqual(0);
        expect(band.points).toBeLessThanOrEqual(maxPoints);
        // A band away from neutral always says why, and in the right direction.
        if (band.points < neutral) expect(band.code !== null && ADVERSE.has(band.code)).toBe(true);
        if (band.points > neutral) expect(band.code !== null && !ADVERSE.has(band.code)).toBe(true);
        if (band.points === neutral) expect(band.code === null || band.code === 'NO_PAYMENT_HISTORY').toBe(true);
      }
    }
  });

  it('is monotone in each characteristic', () => {
    const up: Characteristic[] = ['tenureMonths', 'onTimeRatioBps', 'serviceCount'];
    const down: Characteristic[] = ['worstDaysPastDue', 'utilisationBps', 'dishonouredPayments'];
    for (let v = 0; v < 12_000; v++) {
      for (const c of up) expect(bandFor(c, v + 1).points).toBeGreaterThanOrEqual(bandFor(c, v).points);
      for (const c of down) expect(bandFor(c, v + 1).points).toBeLessThanOrEqual(bandFor(c, v).points);
    }
  });

  it('maps scores to risk bands at the thresholds', () => {
    expect(RISK_BANDS.map((b) => [b.band, b.minScore])).toEqual([['A', 850], ['B', 700], ['C', 550], ['D', 400], ['E', 0]]);
    expect([1000, 850, 849, 700, 699, 550, 549, 400, 399, 0].map(riskBandFor)).toEqual(['A', 'A', 'B', 'B', 'C', 'C', 'D', 'D', 'E', 'E']);
  });

  it('counts whole months the way addMonths clamps', () => {
    expect(wholeMonthsBetween('2026-01-31', '2026-02-28')).toBe(1);
    expect(wholeMonthsBetween('2026-01-31', '2026-02-27')).toBe(0);
    expect(wholeMonthsBetween('2021-01-10', AS_OF)).toBe(70);
    expect(wholeMonthsBetween('2026-08-27', AS_OF)).toBe(2);
    expect(wholeMonthsBetween(AS_OF, AS_OF)).toBe(0);
  });
});

describe('scoreCredit', () => {
  it('scores a model customer 990, band A, with only positive reasons ranked by gain', () => {
    const s = scoreCredit(perfect);
    expect(s).toMatchObject({ asOf: AS_OF, score: 990, band: 'A', exposureMinor: 20_00, maxOpenDaysPastDue: 0 });
    expect(valuesOf(s)).toEqual({ tenureMonths: 70, onTimeRatioBps: 10_000, worstDaysPastDue: 0, utilisationBps: 2_000, dishonouredPayments: 0, serviceCount: 3 });
    expect(pointsOf(s)).toEqual({ tenureMonths: 150, onTimeRatioBps: 250, worstDaysPastDue: 250, utilisationBps: 150, dishonouredPayments: 150, serviceCount: 40 });
    expect(s.reasons.map((r) => [r.code, r.impact])).toEqual([
      ['ALWAYS_ON_TIME', 90],
      ['LONG_TENURE', 70],
      ['NEVER_PAST_DUE', 50],
      ['LOW_UTILISATION', 40],
      ['MANY_SERVICES', 10],
    ]);
    expect(reasonOf(s, 'ALWAYS_ON_TIME').text).toBe('All 12 bills due in the last 12 months were paid by their due date.');
    expect(reasonOf(s, 'LONG_TENURE').text).toBe('The account has been open for 70 months.');
  });

  it('adds owed money, unbilled usage and pending first bills into exposure, ignoring a credit balance', () => {
    const s = scoreCredit(profile({ balanceMinor: 30_00, unbilledUsageMinor: 12_00, pendingOrdersFirstBillMinor: 8_00 }));
    expect(s.exposureMinor).toBe(50_00);
    expect(s.exposure).toEqual({ owedMinor: 30_00, unbilledUsageMinor: 12_00, pendingOrdersFirstBillMinor: 8_00 });
    expect(scoreCredit(profile({ balanceMinor: -30_00 })).exposureMinor).toBe(20_00);
  });

  it('SHORT_TENURE: two months open costs 80 points', () => {
    const s = scoreCredit(profile({ openedOn: '2026-08-27' }));
    expect(valuesOf(s).tenureMonths).toBe(2);
    expect(s.score).toBe(840);
    expect(s.reasons[0]).toMatchObject({ code: 'SHORT_TENURE', impact: -80, text: 'The account has been open for 2 months; less than a year of history lowers the score.', params: { months: 2 } });
    expect(pointsOf(scoreCredit(profile({ openedOn: '2026-05-26' }))).tenureMonths).toBe(40);
    expect(pointsOf(scoreCredit(profile({ openedOn: '2025-11-26' }))).tenureMonths).toBe(80);
  });

  it('LATE_PAYMENTS: 9 of 12 on time is 75 %', () => {
    const s = scoreCredit(bandB);
    expect(valuesOf(s)).toMatchObject({ onTimeRatioBps: 7_500, worstDaysPastDue: 5 });
    expect(pointsOf(s)).toMatchObject({ onTimeRatioBps: 90, worstDaysPastDue: 200 });
    expect(s).toMatchObject({ score: 780, band: 'B' });
    expect(reasonOf(s, 'LATE_PAYMENTS')).toMatchObject({ impact: -70, text: '3 of the 12 bills due in the last 12 months were not paid by their due date.', params: { late: 3, due: 12 } });
    expect(codesOf(s)).not.toContain('PAST_DUE');
  });

  it('rounds the on-time ratio down, so only a clean record is ALWAYS_ON_TIME', () => {
    const bills = Array.from({ length: 20 }, (_, i) => ({ billNo: `W${i}`, paymentDueDate: addDays('2026-06-01', i * 7), amountMinor: 10_00, paidOn: addDays('2026-06-01', i * 7 + (i === 0 ? 1 : 0)) }));
    const s = scoreCredit(profile({ bills }));
    expect(valuesOf(s).onTimeRatioBps).toBe(9_500);
    expect(reasonOf(s, 'MOSTLY_ON_TIME')).toMatchObject({ impact: 60, text: '19 of the 20 bills due in the last 12 months were paid by their due date.' });
    const almost = Array.from({ length: 300 }, (_, i) => ({ billNo: `X${i}`, paymentDueDate: '2026-06-01', amountMinor: 1_00, paidOn: i === 0 ? '2026-06-02' : '2026-06-01' }));
    expect(valuesOf(scoreCredit(profile({ bills: almost }))).onTimeRatioBps).toBe(9_966);
  });

  it('PAST_DUE and SEVERELY_PAST_DUE follow the worst bill, open bills counting up to asOf', () => {
    const twenty = scoreCredit(profile({ bills: monthlyBills({ 3: 20 }) }));
    expect(valuesOf(twenty)).toMatchObject({ worstDaysPastDue: 20, onTimeRatioBps: 9_166 });
    expect(reasonOf(twenty, 'PAST_DUE')).toMatchObject({ impact: -70, text: 'Bill B4 was 20 days past its due date in the last 12 months.', params: { days: 20, billNo: 'B4' } });

    const open = scoreCredit(profile({ bills: monthlyBills({ 10: null }) })); // due 20 Oct, open on 26 Nov
    expect(valuesOf(open).worstDaysPastDue).toBe(37);
    expect(open.maxOpenDaysPastDue).toBe(37);
    expect(pointsOf(open).worstDaysPastDue).toBe(50);
    expect(open).toMatchObject({ score: 700, band: 'B' });
    expect(reasonOf(open, 'SEVERELY_PAST_DUE').impact).toBe(-150);
  });

  it('counts an old bill still open, but not one paid before the 12 months', () => {
    const old = { billNo: 'OLD', paymentDueDate: '2025-09-20', amountMinor: 40_00, paidOn: null };
    const s = scoreCredit(profile({ bills: [...monthlyBills(), old] }));
    expect(valuesOf(s).worstDaysPastDue).toBe(432);
    expect(pointsOf(s).worstDaysPastDue).toBe(0);
    // It fell due before the window, so it is not in the on-time ratio.
    expect(valuesOf(s).onTimeRatioBps).toBe(10_000);
    const paidLongAgo = scoreCredit(profile({ bills: [...monthlyBills(), { ...old, paidOn: '2025-11-01' }] }));
    expect(valuesOf(paidLongAgo).worstDaysPastDue).toBe(0);
    // Paid 10 days into the window: its 72 days past due still count.
    const paidInWindow = scoreCredit(profile({ bills: [...monthlyBills(), { ...old, paidOn: '2025-12-01' }] }));
    expect(valuesOf(paidInWindow).worstDaysPastDue).toBe(72);
  });

  it('ignores credit notes, zero bills and bills not yet due', () => {
    const extra = [
      { billNo: 'CN', paymentDueDate: '2026-05-01', amountMinor: -10_00, paidOn: null },
      { billNo: 'Z', paymentDueDate: '2026-05-01', amountMinor: 0, paidOn: null },
      { billNo: 'NEXT', paymentDueDate: '2026-12-20', amountMinor: 50_00, paidOn: null },
    ];
    expect(scoreCredit(profile({ bills: [...monthlyBills(), ...extra] })).score).toBe(990);
  });

  it('HIGH_UTILISATION and OVER_LIMIT measure exposure against the limit, rounding up', () => {
    const high = scoreCredit(profile({ balanceMinor: 50_00, unbilledUsageMinor: 20_00, pendingOrdersFirstBillMinor: 15_00 }));
    expect(valuesOf(high).utilisationBps).toBe(8_500);
    expect(reasonOf(high, 'HIGH_UTILISATION')).toMatchObject({ impact: -80, text: 'What is owed and committed is 85% of the credit limit.' });
    expect(valuesOf(scoreCredit(profile({ creditLimitMinor: 300_00, unbilledUsageMinor: 240_01 }))).utilisationBps).toBe(8_001);
    const over = scoreCredit(profile({ balanceMinor: 100_00 }));
    expect(valuesOf(over).utilisationBps).toBe(12_000);
    expect(reasonOf(over, 'OVER_LIMIT')).toMatchObject({ impact: -110, text: 'What is owed and committed is 120% of the credit limit, over the limit.' });
    const noLimit = scoreCredit(profile({ creditLimitMinor: 0 }));
    expect(valuesOf(noLimit).utilisationBps).toBeNull();
    expect(reasonOf(noLimit, 'OVER_LIMIT')).toMatchObject({ impact: -110, text: 'There is money owed or committed but no credit limit.' });
    expect(valuesOf(scoreCredit(profile({ creditLimitMinor: 0, unbilledUsageMinor: 0 }))).utilisationBps).toBe(0);
  });

  it('DISHONOURED_PAYMENT: one returned payment costs 90 points, three cost 150', () => {
    const one = scoreCredit(profile({ dishonouredPayments: 1 }));
    expect(one.score).toBe(900);
    expect(one.reasons[0]).toMatchObject({ code: 'DISHONOURED_PAYMENT', impact: -90, text: '1 payment was returned unpaid in the last 12 months.' });
    expect(scoreCredit(profile({ dishonouredPayments: 3 })).score).toBe(840);
    expect(reasonOf(scoreCredit(profile({ dishonouredPayments: 2 })), 'DISHONOURED_PAYMENT').text).toBe('2 payments were returned unpaid in the last 12 months.');
  });

  it('FEW_SERVICES and NO_PAYMENT_HISTORY for a new single-service account', () => {
    const s = scoreCredit(bandC);
    expect(valuesOf(s)).toMatchObject({ tenureMonths: 2, onTimeRatioBps: null, worstDaysPastDue: null, serviceCount: 1 });
    expect(pointsOf(s)).toEqual({ tenureMonths: 0, onTimeRatioBps: 120, worstDaysPastDue: 200, utilisationBps: 150, dishonouredPayments: 150, serviceCount: 10 });
    expect(s).toMatchObject({ score: 630, band: 'C' });
    // Ranked by impact: adverse first (largest loss first), then positive.
    expect(s.reasons.map((r) => [r.code, r.impact])).toEqual([
      ['SHORT_TENURE', -80],
      ['NO_PAYMENT_HISTORY', -40],
      ['FEW_SERVICES', -20],
      ['LOW_UTILISATION', 40],
    ]);
    expect(reasonOf(s, 'FEW_SERVICES').text).toBe('The account has 1 service.');
  });

  it('scores the band D and E examples', () => {
    const d = scoreCredit(bandD);
    expect(pointsOf(d)).toEqual({ tenureMonths: 40, onTimeRatioBps: 90, worstDaysPastDue: 130, utilisationBps: 70, dishonouredPayments: 60, serviceCount: 30 });
    expect(d).toMatchObject({ score: 420, band: 'D' });
    expect(codesOf(d)).toEqual(['DISHONOURED_PAYMENT', 'LATE_PAYMENTS', 'PAST_DUE', 'SHORT_TENURE', 'HIGH_UTILISATION']);
    expect(scoreCredit(bandE)).toMatchObject({ score: 340, band: 'E' });
  });

  it('rejects an invalid profile', () => {
    expect(() => scoreCredit(profile({ creditLimitMinor: 100.5 }))).toThrow(RangeError);
    expect(() => scoreCredit(profile({ unbilledUsageMinor: -1 }))).toThrow(RangeError);
    expect(() => scoreCredit(profile({ serviceCount: -1 }))).toThrow(RangeError);
    expect(() => scoreCredit(profile({ dishonouredPayments: 0.5 }))).toThrow(RangeError);
    expect(() => scoreCredit(profile({ openedOn: '2026-11-27' }))).toThrow(/after asOf/);
    expect(() => scoreCredit(profile({ asOf: '2026-02-30' }))).toThrow(/calendar date/);
    expect(() => scoreCredit(profile({ bills: [{ billNo: 'X', paymentDueDate: '2026-01-01', amountMinor: 1, paidOn: '2026/01/01' }] }))).toThrow(/paidOn/);
  });
});

describe('decideCreditLimit', () => {
  const a = scoreCredit(perfect); // band A, 6 × 50.00 = 300.00
  it('approves a request within the band ceiling', () => {
    expect(decideCreditLimit(a, perfect, 250_00)).toEqual({
      decision: 'approve',
      approvedLimitMinor: 250_00,
      reasons: [{ code: 'WITHIN_BAND_LIMIT', text: 'Risk band A allows a limit of up to 6 months of recurring spend.', params: { band: 'A', bandCeilingMinor: 300_00, autoCeilingMinor: 300_00, requestedMinor: 250_00 } }],
    });
    expect(decideCreditLimit(a, perfect, 300_00)).toMatchObject({ decision: 'approve', approvedLimitMinor: 300_00 });
  });

  it('approves partially above the band ceiling (PARTIAL_APPROVAL)', () => {
    const d = decideCreditLimit(a, perfect, 400_00);
    expect(d).toMatchObject({ decision: 'approve', approvedLimitMinor: 300_00 });
    expect(d.reasons.map((r) => r.code)).toEqual(['PARTIAL_APPROVAL', 'ABOVE_BAND_LIMIT']);
    expect(d.reasons[0]?.params).toMatchObject({ approvedMinor: 300_00, requestedMinor: 400_00 });
  });

  it('refers a request the band allows but above the automatic ceiling', () => {
    const d = decideCreditLimit(a, perfect, 250_00, { maxAutoApproveMinor: 200_00 });
    expect(d).toEqual({ decision: 'refer', reasons: [expect.objectContaining({ code: 'ABOVE_AUTO_APPROVAL_CEILING' })] });
    expect(decideCreditLimit(a, perfect, 400_00, { maxAutoApproveMinor: 200_00 })).toMatchObject({ decision: 'approve', approvedLimitMinor: 200_00 });
  });

  it('sizes the ceiling by band: B 4×, C 2× monthly spend', () => {
    const b = scoreCredit(bandB);
    expect(decideCreditLimit(b, bandB, 200_00)).toMatchObject({ decision: 'approve', approvedLimitMinor: 200_00 });
    expect(decideCreditLimit(b, bandB, 201_00)).toMatchObject({ decision: 'approve', approvedLimitMinor: 200_00 });
    const c = scoreCredit(bandC);
    // 2 × 50.00 is the current limit: nothing can be given automatically.
    expect(decideCreditLimit(c, bandC, 150_00)).toEqual({ decision: 'refer', reasons: [expect.objectContaining({ code: 'ABOVE_BAND_LIMIT' })] });
    const spender = { ...bandC, monthlyRecurringMinor: 80_00 };
    expect(decideCreditLimit(c, spender, 150_00)).toMatchObject({ decision: 'approve', approvedLimitMinor: 150_00 });
    expect(decideCreditLimit(c, spender, 200_00)).toMatchObject({ decision: 'approve', approvedLimitMinor: 160_00 });
  });

  it('refers band D and declines band E', () => {
    expect(decideCreditLimit(scoreCredit(bandD), bandD, 150_00)).toEqual({
      decision: 'refer',
      reasons: [{ code: 'RISK_BAND_D', text: 'The credit score 420 is in risk band D: a member of staff must decide.', params: { score: 420, band: 'D' } }],
    });
    expect(decideCreditLimit(scoreCredit(bandE), bandE, 150_00)).toEqual({
      decision: 'decline',
      reasons: [{ code: 'RISK_BAND_E', text: 'The credit score 340 is in risk band E.', params: { score: 340, band: 'E' } }],
    });
  });

  it('declines with a bill open more than 30 days past due, not at 30', () => {
    const overdue = profile({ bills: monthlyBills({ 10: null }) });
    const s = scoreCredit(overdue);
    expect(s.band).toBe('B');
    expect(decideCreditLimit(s, overdue, 150_00)).toEqual({ decision: 'decline', reasons: [{ code: 'OVERDUE_OVER_30_DAYS', text: 'A bill has been unpaid for 37 days after its due date.', params: { days: 37 } }] });
    const thirty = profile({ bills: [...monthlyBills(), { billNo: 'L', paymentDueDate: '2026-10-27', amountMinor: 10_00, paidOn: null }] });
    expect(scoreCredit(thirty).maxOpenDaysPastDue).toBe(30);
    expect(decideCreditLimit(scoreCredit(thirty), thirty, 150_00).decision).toBe('approve');
  });

  it('declines a request below current exposure, listing every decline reason', () => {
    const owing = profile({ balanceMinor: 150_00 }); // exposure 170.00
    const s = scoreCredit(owing);
    expect(decideCreditLimit(s, owing, 160_00)).toMatchObject({ decision: 'decline', reasons: [{ code: 'REQUEST_BELOW_EXPOSURE', params: { requestedMinor: 160_00, exposureMinor: 170_00 } }] });
    const worst = { ...bandE, balanceMinor: 300_00, bills: monthlyBills({ 0: 45, 10: null }) };
    expect(decideCreditLimit(scoreCredit(worst), worst, 150_00).reasons.map((r) => r.code)).toEqual(['RISK_BAND_E', 'OVERDUE_OVER_30_DAYS', 'REQUEST_BELOW_EXPOSURE']);
  });

  it('refers rather than approve a partial limit that would not cover exposure', () => {
    const owing = profile({ balanceMinor: 300_00 }); // exposure 320.00, band B: ceiling 200.00
    const s = scoreCredit(owing);
    expect(s.band).toBe('B');
    expect(decideCreditLimit(s, owing, 400_00)).toMatchObject({ decision: 'refer', reasons: [{ code: 'ABOVE_BAND_LIMIT' }] });
  });

  it('throws on a request that is not a positive integer increase', () => {
    expect(() => decideCreditLimit(a, perfect, 100_00)).toThrow(/not above the current limit/);
    expect(() => decideCreditLimit(a, perfect, 50_00)).toThrow(RangeError);
    expect(() => decideCreditLimit(a, perfect, 0)).toThrow(RangeError);
    expect(() => decideCreditLimit(a, perfect, 150_00.5)).toThrow(RangeError);
    expect(() => decideCreditLimit(a, perfect, 150_00, { maxAutoApproveMinor: 0 })).toThrow(RangeError);
  });
});

describe('decideOrder', () => {
  const a = scoreCredit(perfect); // exposure 20.00, limit 100.00
  it('is eligible when exposure and the first bill fit the limit, exactly or with room', () => {
    expect(decideOrder(a, perfect, 60_00, 30_00)).toEqual({
      decision: 'eligible',
      headroomMinor: 20_00,
      reasons: [{ code: 'WITHIN_CREDIT_LIMIT', text: "What is owed and committed plus this order's first bill fits the credit limit.", params: { exposureMinor: 20_00, firstBillMinor: 60_00, creditLimitMinor: 100_00, headroomMinor: 20_00 } }],
    });
    expect(decideOrder(a, perfect, 80_00, 0)).toMatchObject({ decision: 'eligible', headroomMinor: 0 });
  });

  it('declines when the first bill does not fit (EXCEEDS_CREDIT_LIMIT)', () => {
    expect(decideOrder(a, perfect, 80_01, 0)).toMatchObject({ decision: 'decline', headroomMinor: -1, reasons: [{ code: 'EXCEEDS_CREDIT_LIMIT' }] });
  });

  it('refers when the new monthly spend alone exceeds the limit', () => {
    expect(decideOrder(a, perfect, 10_00, 50_01)).toMatchObject({ decision: 'refer', reasons: [{ code: 'MONTHLY_SPEND_OVER_LIMIT', params: { newMonthlyMinor: 100_01, creditLimitMinor: 100_00 } }] });
    expect(decideOrder(a, perfect, 10_00, 50_00).decision).toBe('eligible');
    expect(decideOrder(a, perfect, 10_00, -20_00).decision).toBe('eligible');
  });

  it('refers band D, declines band E and money overdue more than 30 days', () => {
    expect(decideOrder(scoreCredit(bandD), bandD, 10_00, 0)).toMatchObject({ decision: 'refer', reasons: [{ code: 'RISK_BAND_D' }] });
    expect(decideOrder(scoreCredit(bandE), bandE, 10_00, 0)).toMatchObject({ decision: 'decline', reasons: [{ code: 'RISK_BAND_E' }] });
    const overdue = profile({ bills: monthlyBills({ 10: null }) });
    expect(decideOrder(scoreCredit(overdue), overdue, 10_00, 0)).toMatchObject({ decision: 'decline', reasons: [{ code: 'OVERDUE_OVER_30_DAYS' }] });
  });

  it('lists every reason at the deciding level', () => {
    expect(decideOrder(scoreCredit(bandE), bandE, 50_00, 0).reasons.map((r) => r.code)).toEqual(['RISK_BAND_E', 'EXCEEDS_CREDIT_LIMIT']);
    expect(decideOrder(scoreCredit(bandD), bandD, 10_00, 60_00).reasons.map((r) => r.code)).toEqual(['RISK_BAND_D', 'MONTHLY_SPEND_OVER_LIMIT']);
  });

  it('throws on invalid amounts', () => {
    expect(() => decideOrder(a, perfect, -1, 0)).toThrow(RangeError);
    expect(() => decideOrder(a, perfect, 10_00, 0.5)).toThrow(RangeError);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

const billArb = fc.record({
  dueBefore: fc.integer({ min: -40, max: 500 }),
  amountMinor: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 1, max: 200_00 }) }, { weight: 1, arbitrary: fc.integer({ min: -20_00, max: 0 }) }),
  paidAfterDue: fc.option(fc.integer({ min: -15, max: 120 }), { nil: null, freq: 4 }),
});

const profileArb: fc.Arbitrary<CreditProfileInput> = fc
  .record({
    tenureDays: fc.integer({ min: 0, max: 4_000 }),
    creditLimitMinor: fc.integer({ min: 0, max: 1_000_00 }),
    balanceMinor: fc.integer({ min: -50_00, max: 500_00 }),
    unbilledUsageMinor: fc.integer({ min: 0, max: 100_00 }),
    pendingOrdersFirstBillMinor: fc.integer({ min: 0, max: 100_00 }),
    serviceCount: fc.integer({ min: 0, max: 8 }),
    dishonouredPayments: fc.integer({ min: 0, max: 5 }),
    monthlyRecurringMinor: fc.integer({ min: 0, max: 200_00 }),
    bills: fc.array(billArb, { maxLength: 18 }),
  })
  .map(({ tenureDays, bills, ...rest }) => ({
    ...rest,
    asOf: AS_OF,
    openedOn: addDays(AS_OF, -tenureDays),
    bills: bills.map((b, i) => {
      const paymentDueDate = addDays(AS_OF, -b.dueBefore);
      return { billNo: `R${i}`, paymentDueDate, amountMinor: b.amountMinor, paidOn: b.paidAfterDue === null ? null : addDays(paymentDueDate, b.paidAfterDue) };
    }),
  }));

const RUNS = { numRuns: 300 };

describe('credit risk: properties', () => {
  it('adds the points of the table into a 0–1000 score and its band', () => {
    fc.assert(
      fc.property(profileArb, (p) => {
        const s = scoreCredit(p);
        expect(s.score).toBe(s.characteristics.reduce((t, c) => t + c.points, 0));
        expect(s.score).toBeGreaterThanOrEqual(0);
        expect(s.score).toBeLessThanOrEqual(1000);
        expect(s.band).toBe(riskBandFor(s.score));
        expect(s.reasons.map((r) => r.code).sort()).toEqual(s.characteristics.flatMap((c) => (c.code === null ? [] : [c.code])).sort());
        const impacts = s.reasons.map((r) => r.impact);
        const firstPositive = impacts.findIndex((x) => x >= 0);
        const adverse = firstPositive === -1 ? impacts : impacts.slice(0, firstPositive);
        expect(adverse).toEqual([...adverse].sort((x, y) => x - y));
        expect(impacts.slice(adverse.length).every((x) => x >= 0)).toBe(true);
      }),
      RUNS,
    );
  });

  it('paying a bill on its due date instead never lowers the score', () => {
    fc.assert(
      fc.property(profileArb, fc.nat(), (p, pick) => {
        fc.pre(p.bills.length > 0);
        const i = pick % p.bills.length;
        const bills = p.bills.map((b, j) => (j === i ? { ...b, paidOn: b.paymentDueDate } : b));
        const before = scoreCredit(p);
        const after = scoreCredit({ ...p, bills });
        const ratio = (s: CreditScore) => s.characteristics.find((c) => c.characteristic === 'onTimeRatioBps')?.value ?? -1;
        expect(ratio(after)).toBeGreaterThanOrEqual(ratio(before));
        expect(after.score).toBeGreaterThanOrEqual(before.score);
      }),
      RUNS,
    );
  });

  it('another dishonoured payment never raises the score', () => {
    fc.assert(
      fc.property(profileArb, fc.integer({ min: 1, max: 3 }), (p, more) => {
        expect(scoreCredit({ ...p, dishonouredPayments: p.dishonouredPayments + more }).score).toBeLessThanOrEqual(scoreCredit(p).score);
      }),
      RUNS,
    );
  });

  it('never approves more than requested, nor less than the current limit or exposure', () => {
    fc.assert(
      fc.property(profileArb, fc.integer({ min: 1, max: 2_000_00 }), fc.option(fc.integer({ min: 1, max: 1_500_00 }), { nil: undefined }), (p, increase, maxAutoApproveMinor) => {
        const s = scoreCredit(p);
        const requested = p.creditLimitMinor + increase;
        const d = decideCreditLimit(s, p, requested, maxAutoApproveMinor === undefined ? {} : { maxAutoApproveMinor });
        expect(d.reasons.length).toBeGreaterThan(0);
        if (d.decision === 'approve') {
          expect(d.approvedLimitMinor).toBeLessThanOrEqual(requested);
          expect(d.approvedLimitMinor).toBeGreaterThan(p.creditLimitMinor);
          expect(d.approvedLimitMinor).toBeGreaterThanOrEqual(s.exposureMinor);
          expect(d.approvedLimitMinor).toBeLessThanOrEqual(maxAutoApproveMinor ?? 1_000_00);
          expect(['A', 'B', 'C']).toContain(s.band);
          expect(s.maxOpenDaysPastDue).toBeLessThanOrEqual(30);
        }
      }),
      RUNS,
    );
  });

  it('an eligible order always fits the limit, from a band A–C account with nothing long overdue', () => {
    fc.assert(
      fc.property(profileArb, fc.integer({ min: 0, max: 300_00 }), fc.integer({ min: -50_00, max: 100_00 }), (p, firstBill, increase) => {
        const s = scoreCredit(p);
        const d = decideOrder(s, p, firstBill, increase);
        expect(d.headroomMinor).toBe(p.creditLimitMinor - s.exposureMinor - firstBill);
        expect(d.reasons.length).toBeGreaterThan(0);
        if (d.decision === 'eligible') {
          expect(s.exposureMinor + firstBill).toBeLessThanOrEqual(p.creditLimitMinor);
          expect(['A', 'B', 'C']).toContain(s.band);
          expect(s.maxOpenDaysPastDue).toBeLessThanOrEqual(30);
        }
      }),
      RUNS,
    );
  });
});
