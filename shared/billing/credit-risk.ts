import { addMonths, assertCalendarDate, daysBetween, type CalendarDate } from '../calendar.ts';
import { applyBps } from './rounding.ts';

/**
 * An explainable credit scorecard (TMF629 creditProfile, TMF696 risk assessment) and the two
 * decisions the kiosk takes with it: a credit-limit increase and whether an order fits. Every
 * number the score uses is shown, every characteristic's points come from one table
 * (`SCORECARD`), and every decision lists the reason codes that made it, so staff and customer
 * can see why. Amounts are integer minor units; ratios are basis points (10 000 = 100 %). Reason
 * texts carry no amounts (no currency is known here): amounts are in `params`, for a screen to format.
 */
export interface CreditProfileInput {
  asOf: CalendarDate;
  /** Account opened. */
  openedOn: CalendarDate;
  creditLimitMinor: number;
  /** + owed, − in credit. */
  balanceMinor: number;
  /** Rated usage not yet billed. */
  unbilledUsageMinor: number;
  /** First bill of orders accepted but not yet billed. */
  pendingOrdersFirstBillMinor: number;
  serviceCount: number;
  /** The last 12 months or more. `paidOn`: the date it was settled, null while open. */
  bills: readonly { billNo: string; paymentDueDate: CalendarDate; amountMinor: number; paidOn: CalendarDate | null }[];
  /** Payments reversed (dishonoured) in the last 12 months. */
  dishonouredPayments: number;
  /** Current monthly recurring fees: sizes the limits a band may be given. */
  monthlyRecurringMinor: number;
}

export type RiskBand = 'A' | 'B' | 'C' | 'D' | 'E';

export type Characteristic = 'tenureMonths' | 'onTimeRatioBps' | 'worstDaysPastDue' | 'utilisationBps' | 'dishonouredPayments' | 'serviceCount';

export type ScoreReasonCode =
  | 'SHORT_TENURE'
  | 'LONG_TENURE'
  | 'LATE_PAYMENTS'
  | 'ALWAYS_ON_TIME'
  | 'MOSTLY_ON_TIME'
  | 'NO_PAYMENT_HISTORY'
  | 'PAST_DUE'
  | 'SEVERELY_PAST_DUE'
  | 'NEVER_PAST_DUE'
  | 'LOW_UTILISATION'
  | 'HIGH_UTILISATION'
  | 'OVER_LIMIT'
  | 'DISHONOURED_PAYMENT'
  | 'FEW_SERVICES'
  | 'MANY_SERVICES';

export interface ScoreBand {
  /** The band covers values from here up to the next band's `atLeast` (exclusive). */
  atLeast: number;
  points: number;
  /** Every band scoring below `neutral` names an adverse reason, every band above a positive one. */
  code: ScoreReasonCode | null;
}

export interface CharacteristicSpec {
  maxPoints: number;
  /** The points of an unremarkable account: a reason's impact is its points minus this. */
  neutral: number;
  /** Ascending `atLeast`, the first at 0. */
  bands: readonly ScoreBand[];
  /** When there is nothing to measure (no bill has fallen due yet). */
  missing: { points: number; code: ScoreReasonCode | null };
}

/**
 * The scorecard, in one place. Maximum 1000 (150 + 250 + 250 + 150 + 150 + 50), minimum 30.
 * Payment behaviour weighs most (on-time ratio and days past due, 500 together), then tenure,
 * utilisation and dishonoured payments (150 each); the number of services only nudges (50).
 */
export const SCORECARD: Readonly<Record<Characteristic, CharacteristicSpec>> = {
  tenureMonths: {
    maxPoints: 150,
    neutral: 80,
    bands: [
      { atLeast: 0, points: 0, code: 'SHORT_TENURE' },
      { atLeast: 6, points: 40, code: 'SHORT_TENURE' },
      { atLeast: 12, points: 80, code: null },
      { atLeast: 36, points: 120, code: 'LONG_TENURE' },
      { atLeast: 60, points: 150, code: 'LONG_TENURE' },
    ],
    missing: { points: 0, code: 'SHORT_TENURE' },
  },
  onTimeRatioBps: {
    maxPoints: 250,
    neutral: 160,
    bands: [
      { atLeast: 0, points: 20, code: 'LATE_PAYMENTS' },
      { atLeast: 7_000, points: 90, code: 'LATE_PAYMENTS' },
      { atLeast: 8_500, points: 160, code: null },
      { atLeast: 9_500, points: 220, code: 'MOSTLY_ON_TIME' },
      { atLeast: 10_000, points: 250, code: 'ALWAYS_ON_TIME' },
    ],
    missing: { points: 120, code: 'NO_PAYMENT_HISTORY' },
  },
  worstDaysPastDue: {
    maxPoints: 250,
    neutral: 200,
    bands: [
      { atLeast: 0, points: 250, code: 'NEVER_PAST_DUE' },
      { atLeast: 1, points: 200, code: null },
      { atLeast: 16, points: 130, code: 'PAST_DUE' },
      { atLeast: 31, points: 50, code: 'SEVERELY_PAST_DUE' },
      { atLeast: 61, points: 10, code: 'SEVERELY_PAST_DUE' },
      { atLeast: 91, points: 0, code: 'SEVERELY_PAST_DUE' },
    ],
    missing: { points: 200, code: null },
  },
  utilisationBps: {
    maxPoints: 150,
    neutral: 110,
    bands: [
      { atLeast: 0, points: 150, code: 'LOW_UTILISATION' },
      { atLeast: 3_001, points: 110, code: null },
      { atLeast: 6_001, points: 70, code: 'HIGH_UTILISATION' },
      { atLeast: 8_001, points: 30, code: 'HIGH_UTILISATION' },
      { atLeast: 10_001, points: 0, code: 'OVER_LIMIT' },
    ],
    missing: { points: 0, code: 'OVER_LIMIT' },
  },
  dishonouredPayments: {
    maxPoints: 150,
    neutral: 150,
    bands: [
      { atLeast: 0, points: 150, code: null },
      { atLeast: 1, points: 60, code: 'DISHONOURED_PAYMENT' },
      { atLeast: 2, points: 20, code: 'DISHONOURED_PAYMENT' },
      { atLeast: 3, points: 0, code: 'DISHONOURED_PAYMENT' },
    ],
    missing: { points: 150, code: null },
  },
  serviceCount: {
    maxPoints: 50,
    neutral: 30,
    bands: [
      { atLeast: 0, points: 10, code: 'FEW_SERVICES' },
      { atLeast: 2, points: 30, code: null },
      { atLeast: 3, points: 40, code: 'MANY_SERVICES' },
      { atLeast: 5, points: 50, code: 'MANY_SERVICES' },
    ],
    missing: { points: 10, code: 'FEW_SERVICES' },
  },
};

/** Lowest score of each band, best first. */
export const RISK_BANDS: readonly { band: RiskBand; minScore: number }[] = [
  { band: 'A', minScore: 850 },
  { band: 'B', minScore: 700 },
  { band: 'C', minScore: 550 },
  { band: 'D', minScore: 400 },
  { band: 'E', minScore: 0 },
];

const CHARACTERISTICS = Object.keys(SCORECARD) as Characteristic[];

export interface CharacteristicScore {
  characteristic: Characteristic;
  /** The measured value; null when there is nothing to measure (or, for utilisation, a zero limit with exposure). */
  value: number | null;
  points: number;
  maxPoints: number;
  code: ScoreReasonCode | null;
}

export interface Reason<Code extends string> {
  code: Code;
  /** One English sentence; `params` lets a screen say it in the customer's language. */
  text: string;
  params: Record<string, string | number>;
}

export interface ScoreReason extends Reason<ScoreReasonCode> {
  characteristic: Characteristic;
  /** Points gained (+) or lost (−) against an unremarkable account. */
  impact: number;
}

export interface CreditScore {
  asOf: CalendarDate;
  score: number;
  band: RiskBand;
  /**
   * What the operator stands to lose if the customer stopped paying today: what is owed now (a
   * credit balance does not count against it: the customer may ask for it back), usage already
   * consumed but not yet billed, and the first bills of orders already accepted.
   */
  exposureMinor: number;
  exposure: { owedMinor: number; unbilledUsageMinor: number; pendingOrdersFirstBillMinor: number };
  /** Days the oldest still-open bill is past due at `asOf` (0 if none). */
  maxOpenDaysPastDue: number;
  characteristics: CharacteristicScore[];
  /** Adverse reasons first (largest loss first), then positive ones (largest gain first). */
  reasons: ScoreReason[];
}

// ---------------------------------------------------------------------------------------------
// Validation

function assertInteger(value: number, what: string, min = Number.MIN_SAFE_INTEGER): void {
  if (!Number.isSafeInteger(value) || value < min) throw new RangeError(`${what} must be a safe integer${min === 0 ? ' ≥ 0' : min === 1 ? ' > 0' : ''}: ${value}`);
}

function validateProfile(p: CreditProfileInput): void {
  assertCalendarDate(p.asOf, 'asOf');
  assertCalendarDate(p.openedOn, 'openedOn');
  if (p.openedOn > p.asOf) throw new RangeError(`openedOn ${p.openedOn} is after asOf ${p.asOf}`);
  assertInteger(p.creditLimitMinor, 'creditLimitMinor', 0);
  assertInteger(p.balanceMinor, 'balanceMinor');
  assertInteger(p.unbilledUsageMinor, 'unbilledUsageMinor', 0);
  assertInteger(p.pendingOrdersFirstBillMinor, 'pendingOrdersFirstBillMinor', 0);
  assertInteger(p.serviceCount, 'serviceCount', 0);
  assertInteger(p.dishonouredPayments, 'dishonouredPayments', 0);
  assertInteger(p.monthlyRecurringMinor, 'monthlyRecurringMinor', 0);
  for (const bill of p.bills) {
    assertCalendarDate(bill.paymentDueDate, `bill ${bill.billNo} paymentDueDate`);
    assertInteger(bill.amountMinor, `bill ${bill.billNo} amountMinor`);
    if (bill.paidOn !== null) assertCalendarDate(bill.paidOn, `bill ${bill.billNo} paidOn`);
  }
}

// ---------------------------------------------------------------------------------------------
// Measures

/** Whole months from `from` to `to` (31 Jan → 28 Feb is one month, as addMonths clamps). */
export function wholeMonthsBetween(from: CalendarDate, to: CalendarDate): number {
  const [fy, fm] = from.split('-').map(Number) as [number, number];
  const [ty, tm] = to.split('-').map(Number) as [number, number];
  let months = (ty - fy) * 12 + (tm - fm);
  while (months > 0 && addMonths(from, months) > to) months--;
  return Math.max(0, months);
}

interface Measures {
  tenureMonths: number;
  onTime: { onTime: number; due: number; ratioBps: number | null };
  worstDaysPastDue: { days: number | null; billNo: string | null };
  maxOpenDaysPastDue: number;
  utilisationBps: number | null;
  exposure: CreditScore['exposure'] & { totalMinor: number };
}

type Bill = CreditProfileInput['bills'][number];

/** The day a bill stopped being past due as seen at `asOf`: paid by then, or still open. */
function settledBy(bill: Bill, asOf: CalendarDate): CalendarDate | null {
  return bill.paidOn !== null && bill.paidOn <= asOf ? bill.paidOn : null;
}

/** What the operator stands to lose (CreditScore's `exposureMinor`): owed now (a credit balance counts as nothing), unbilled usage, accepted orders' first bills. */
export function creditExposure(p: Pick<CreditProfileInput, 'balanceMinor' | 'unbilledUsageMinor' | 'pendingOrdersFirstBillMinor'>): number {
  return Math.max(0, p.balanceMinor) + p.unbilledUsageMinor + p.pendingOrdersFirstBillMinor;
}

function measure(p: CreditProfileInput): Measures {
  const windowStart = addMonths(p.asOf, -12); // exclusive: the last 12 months are (windowStart, asOf]
  // Bills with nothing to pay (credit notes, zero bills) say nothing about paying.
  const owing = p.bills.filter((b) => b.amountMinor > 0 && b.paymentDueDate <= p.asOf);

  const dueInWindow = owing.filter((b) => b.paymentDueDate > windowStart);
  const onTime = dueInWindow.filter((b) => {
    const paid = settledBy(b, p.asOf);
    return paid !== null && paid <= b.paymentDueDate;
  }).length;
  // Floor, so only a clean record reaches 100 %.
  const ratioBps = dueInWindow.length === 0 ? null : Math.floor((onTime * 10_000) / dueInWindow.length);

  // A bill counts if it fell due in the window or was still past due at some point in it.
  let worst: { days: number | null; billNo: string | null } = { days: null, billNo: null };
  let maxOpen = 0;
  for (const b of owing) {
    const paid = settledBy(b, p.asOf);
    const end = paid ?? p.asOf;
    const days = Math.max(0, daysBetween(b.paymentDueDate, end));
    if (paid === null) maxOpen = Math.max(maxOpen, days);
    if (b.paymentDueDate <= windowStart && end <= windowStart) continue;
    if (worst.days === null || days > worst.days) worst = { days, billNo: days > 0 ? b.billNo : null };
  }

  const owedMinor = Math.max(0, p.balanceMinor);
  const totalMinor = creditExposure(p);
  let utilisationBps: number | null;
  if (p.creditLimitMinor === 0) utilisationBps = totalMinor === 0 ? 0 : null;
  else utilisationBps = Math.ceil((totalMinor * 10_000) / p.creditLimitMinor); // up: 80.01 % is above 80 %

  return {
    tenureMonths: wholeMonthsBetween(p.openedOn, p.asOf),
    onTime: { onTime, due: dueInWindow.length, ratioBps },
    worstDaysPastDue: worst,
    maxOpenDaysPastDue: maxOpen,
    utilisationBps,
    exposure: { owedMinor, unbilledUsageMinor: p.unbilledUsageMinor, pendingOrdersFirstBillMinor: p.pendingOrdersFirstBillMinor, totalMinor },
  };
}

// ---------------------------------------------------------------------------------------------
// Points

/** The band a value falls in; null is "nothing to measure". */
export function bandFor(characteristic: Characteristic, value: number | null): { points: number; code: ScoreReasonCode | null } {
  const spec = SCORECARD[characteristic];
  if (value === null) return spec.missing;
  let found = spec.bands[0] as ScoreBand;
  for (const band of spec.bands) if (value >= band.atLeast) found = band;
  return found;
}

export function riskBandFor(score: number): RiskBand {
  return (RISK_BANDS.find((b) => score >= b.minScore) ?? (RISK_BANDS.at(-1) as { band: RiskBand })).band;
}

const percent = (bps: number) => `${Math.floor(bps / 100)}%`;

function scoreReasonText(code: ScoreReasonCode, m: TextMeasures): Reason<ScoreReasonCode> {
  const r = (text: string, params: Record<string, string | number>): Reason<ScoreReasonCode> => ({ code, text, params });
  const { onTime, due } = m.onTime;
  const late = due - onTime;
  const days = m.worstDaysPastDue.days ?? 0;
  const util = m.utilisationBps;
  switch (code) {
    case 'SHORT_TENURE':
      return r(`The account has been open for ${m.tenureMonths} months; less than a year of history lowers the score.`, { months: m.tenureMonths });
    case 'LONG_TENURE':
      return r(`The account has been open for ${m.tenureMonths} months.`, { months: m.tenureMonths });
    case 'LATE_PAYMENTS':
      return r(`${late} of the ${due} bills due in the last 12 months were not paid by their due date.`, { late, due });
    case 'ALWAYS_ON_TIME':
      return r(`All ${due} bills due in the last 12 months were paid by their due date.`, { onTime, due });
    case 'MOSTLY_ON_TIME':
      return r(`${onTime} of the ${due} bills due in the last 12 months were paid by their due date.`, { onTime, due });
    case 'NO_PAYMENT_HISTORY':
      return r('No bill has fallen due in the last 12 months, so there is no payment record yet.', {});
    case 'PAST_DUE':
    case 'SEVERELY_PAST_DUE':
      return r(`Bill ${m.worstDaysPastDue.billNo ?? ''} was ${days} days past its due date in the last 12 months.`, { days, billNo: m.worstDaysPastDue.billNo ?? '' });
    case 'NEVER_PAST_DUE':
      return r('No bill was past its due date in the last 12 months.', {});
    case 'LOW_UTILISATION':
    case 'HIGH_UTILISATION':
      return r(`What is owed and committed is ${percent(util ?? 0)} of the credit limit.`, { utilisationBps: util ?? 0 });
    case 'OVER_LIMIT':
      return util === null
        ? r('There is money owed or committed but no credit limit.', {})
        : r(`What is owed and committed is ${percent(util)} of the credit limit, over the limit.`, { utilisationBps: util });
    case 'DISHONOURED_PAYMENT':
      return r(`${m.dishonoured} payment${m.dishonoured === 1 ? ' was' : 's were'} returned unpaid in the last 12 months.`, { count: m.dishonoured });
    case 'FEW_SERVICES':
      return r(`The account has ${m.services} service${m.services === 1 ? '' : 's'}.`, { services: m.services });
    case 'MANY_SERVICES':
      return r(`The account has ${m.services} services.`, { services: m.services });
  }
}

/** Scores a profile. Throws RangeError on an invalid profile. */
export function scoreCredit(input: CreditProfileInput): CreditScore {
  validateProfile(input);
  const m = measure(input);
  const values: Record<Characteristic, number | null> = {
    tenureMonths: m.tenureMonths,
    onTimeRatioBps: m.onTime.ratioBps,
    worstDaysPastDue: m.worstDaysPastDue.days,
    utilisationBps: m.utilisationBps,
    dishonouredPayments: input.dishonouredPayments,
    serviceCount: input.serviceCount,
  };
  const lookup = (c: Characteristic) => (c === 'utilisationBps' && values[c] === null ? Number.POSITIVE_INFINITY : values[c]);
  const characteristics = CHARACTERISTICS.map((characteristic): CharacteristicScore => {
    const { points, code } = bandFor(characteristic, lookup(characteristic));
    return { characteristic, value: values[characteristic], points, maxPoints: SCORECARD[characteristic].maxPoints, code };
  });
  const score = characteristics.reduce((s, c) => s + c.points, 0);
  const textMeasures = { ...m, dishonoured: input.dishonouredPayments, services: input.serviceCount };
  return {
    asOf: input.asOf,
    score,
    band: riskBandFor(score),
    exposureMinor: m.exposure.totalMinor,
    exposure: { owedMinor: m.exposure.owedMinor, unbilledUsageMinor: m.exposure.unbilledUsageMinor, pendingOrdersFirstBillMinor: m.exposure.pendingOrdersFirstBillMinor },
    maxOpenDaysPastDue: m.maxOpenDaysPastDue,
    characteristics,
    reasons: rankReasons(characteristics, textMeasures),
  };
}

type TextMeasures = Measures & { dishonoured: number; services: number };

function rankReasons(characteristics: readonly CharacteristicScore[], m: TextMeasures): ScoreReason[] {
  const reasons = characteristics.flatMap((c): ScoreReason[] =>
    c.code === null ? [] : [{ ...scoreReasonText(c.code, m), characteristic: c.characteristic, impact: c.points - SCORECARD[c.characteristic].neutral }],
  );
  // Stable sort: equal impacts keep the scorecard's order.
  const adverse = reasons.filter((r) => r.impact < 0).sort((a, b) => a.impact - b.impact);
  const positive = reasons.filter((r) => r.impact >= 0).sort((a, b) => b.impact - a.impact);
  return [...adverse, ...positive];
}

// ---------------------------------------------------------------------------------------------
// Decisions

export type DecisionReasonCode =
  | 'RISK_BAND_D'
  | 'RISK_BAND_E'
  | 'OVERDUE_OVER_30_DAYS'
  | 'REQUEST_BELOW_EXPOSURE'
  | 'WITHIN_BAND_LIMIT'
  | 'ABOVE_AUTO_APPROVAL_CEILING'
  | 'ABOVE_BAND_LIMIT'
  | 'PARTIAL_APPROVAL'
  | 'WITHIN_CREDIT_LIMIT'
  | 'EXCEEDS_CREDIT_LIMIT'
  | 'MONTHLY_SPEND_OVER_LIMIT';

export type DecisionReason = Reason<DecisionReasonCode>;

export type CreditLimitDecision =
  | { decision: 'approve'; approvedLimitMinor: number; reasons: DecisionReason[] }
  | { decision: 'refer'; reasons: DecisionReason[] }
  | { decision: 'decline'; reasons: DecisionReason[] };

export interface OrderDecision {
  decision: 'eligible' | 'refer' | 'decline';
  /** Credit limit − exposure − the order's first bill; negative when it does not fit. */
  headroomMinor: number;
  reasons: DecisionReason[];
}

/**
 * The most each band may be given automatically, as a multiple (in basis points) of the monthly
 * recurring spend: a limit that covers that many months of bills. D is referred to staff, E is
 * declined.
 */
export const LIMIT_POLICY: Readonly<Record<RiskBand, { multipleBps: number; action: 'auto' | 'refer' | 'decline' }>> = {
  A: { multipleBps: 60_000, action: 'auto' },
  B: { multipleBps: 40_000, action: 'auto' },
  C: { multipleBps: 20_000, action: 'auto' },
  D: { multipleBps: 0, action: 'refer' },
  E: { multipleBps: 0, action: 'decline' },
};

/** Above this a limit always goes to staff, whatever the band (1 000.00 in a two-decimal currency). */
export const DEFAULT_MAX_AUTO_APPROVE_MINOR = 100_000;

/** Days an open bill may be past due before new credit is refused. */
export const MAX_OVERDUE_DAYS = 30;

const reason = (code: DecisionReasonCode, text: string, params: Record<string, string | number> = {}): DecisionReason => ({ code, text, params });

function bandReason(score: CreditScore): DecisionReason | null {
  if (score.band === 'E') return reason('RISK_BAND_E', `The credit score ${score.score} is in risk band E.`, { score: score.score, band: 'E' });
  if (score.band === 'D') return reason('RISK_BAND_D', `The credit score ${score.score} is in risk band D: a member of staff must decide.`, { score: score.score, band: 'D' });
  return null;
}

function overdueReason(score: CreditScore): DecisionReason | null {
  if (score.maxOpenDaysPastDue <= MAX_OVERDUE_DAYS) return null;
  return reason('OVERDUE_OVER_30_DAYS', `A bill has been unpaid for ${score.maxOpenDaysPastDue} days after its due date.`, { days: score.maxOpenDaysPastDue });
}

/**
 * A credit-limit increase. Rules, in order:
 * 1. decline: band E; a bill open more than 30 days past due; a request below current exposure
 *    (it would leave the account over its limit at once). Every one that applies is listed.
 * 2. refer: band D.
 * 3. band A–C: the band ceiling is `multiple × monthly recurring`; the automatic ceiling is the
 *    lower of that and `maxAutoApproveMinor`.
 *    - request ≤ automatic ceiling → approve the request (WITHIN_BAND_LIMIT);
 *    - request ≤ band ceiling, above the automatic one → refer (ABOVE_AUTO_APPROVAL_CEILING);
 *    - request above the band ceiling → approve the automatic ceiling instead if that is still an
 *      increase covering exposure (PARTIAL_APPROVAL, ABOVE_BAND_LIMIT), else refer (ABOVE_BAND_LIMIT).
 * Never approves more than requested. A request that is not above the current limit is not an
 * increase: the caller must not ask, so it throws RangeError, as does a non-positive or
 * non-integer amount.
 */
export function decideCreditLimit(
  score: CreditScore,
  profile: CreditProfileInput,
  requestedLimitMinor: number,
  options: { maxAutoApproveMinor?: number } = {},
): CreditLimitDecision {
  assertInteger(requestedLimitMinor, 'requestedLimitMinor', 1);
  const maxAuto = options.maxAutoApproveMinor ?? DEFAULT_MAX_AUTO_APPROVE_MINOR;
  assertInteger(maxAuto, 'maxAutoApproveMinor', 1);
  const current = profile.creditLimitMinor;
  if (requestedLimitMinor <= current) throw new RangeError(`requested limit ${requestedLimitMinor} is not above the current limit ${current}`);

  const declines = [
    score.band === 'E' ? bandReason(score) : null,
    overdueReason(score),
    requestedLimitMinor < score.exposureMinor
      ? reason('REQUEST_BELOW_EXPOSURE', 'The requested limit is below what is already owed and committed.', { requestedMinor: requestedLimitMinor, exposureMinor: score.exposureMinor })
      : null,
  ].filter((r): r is DecisionReason => r !== null);
  if (declines.length > 0) return { decision: 'decline', reasons: declines };
  if (LIMIT_POLICY[score.band].action === 'refer') return { decision: 'refer', reasons: [bandReason(score) as DecisionReason] };

  const bandCeiling = applyBps(profile.monthlyRecurringMinor, LIMIT_POLICY[score.band].multipleBps);
  const autoCeiling = Math.min(bandCeiling, maxAuto);
  const params = { band: score.band, bandCeilingMinor: bandCeiling, autoCeilingMinor: autoCeiling, requestedMinor: requestedLimitMinor };
  const multiple = LIMIT_POLICY[score.band].multipleBps / 10_000;

  if (requestedLimitMinor <= autoCeiling) {
    return { decision: 'approve', approvedLimitMinor: requestedLimitMinor, reasons: [reason('WITHIN_BAND_LIMIT', `Risk band ${score.band} allows a limit of up to ${multiple} months of recurring spend.`, params)] };
  }
  if (requestedLimitMinor <= bandCeiling) {
    return { decision: 'refer', reasons: [reason('ABOVE_AUTO_APPROVAL_CEILING', 'The request is above what the kiosk may approve on its own: a member of staff must decide.', params)] };
  }
  const aboveBand = reason('ABOVE_BAND_LIMIT', `Risk band ${score.band} allows a limit of up to ${multiple} months of recurring spend; the request is higher.`, params);
  if (autoCeiling > current && autoCeiling >= score.exposureMinor) {
    return {
      decision: 'approve',
      approvedLimitMinor: autoCeiling,
      reasons: [reason('PARTIAL_APPROVAL', 'A lower limit than requested is approved: the most this band allows automatically.', { ...params, approvedMinor: autoCeiling }), aboveBand],
    };
  }
  return { decision: 'refer', reasons: [aboveBand] };
}

/**
 * Whether an order may go ahead. Rules: decline when a bill is open more than 30 days past due,
 * for band E, or when exposure + the order's first bill exceeds the credit limit; otherwise refer
 * for band D, or when the new monthly recurring spend alone exceeds the limit (the next regular
 * bill would not fit); otherwise eligible. Every rule that applies at the deciding level is listed.
 * `monthlyIncreaseMinor` may be negative (a downgrade); `firstBillMinor` must be ≥ 0.
 */
export function decideOrder(score: CreditScore, profile: CreditProfileInput, firstBillMinor: number, monthlyIncreaseMinor: number): OrderDecision {
  assertInteger(firstBillMinor, 'firstBillMinor', 0);
  assertInteger(monthlyIncreaseMinor, 'monthlyIncreaseMinor');
  const limit = profile.creditLimitMinor;
  const headroomMinor = limit - score.exposureMinor - firstBillMinor;
  const fit = { exposureMinor: score.exposureMinor, firstBillMinor, creditLimitMinor: limit, headroomMinor };

  const declines = [
    overdueReason(score),
    score.band === 'E' ? bandReason(score) : null,
    headroomMinor < 0
      ? reason('EXCEEDS_CREDIT_LIMIT', "What is owed and committed plus this order's first bill is over the credit limit.", fit)
      : null,
  ].filter((r): r is DecisionReason => r !== null);
  if (declines.length > 0) return { decision: 'decline', headroomMinor, reasons: declines };

  const newMonthly = profile.monthlyRecurringMinor + monthlyIncreaseMinor;
  const refers = [
    score.band === 'D' ? bandReason(score) : null,
    newMonthly > limit ? reason('MONTHLY_SPEND_OVER_LIMIT', 'The new monthly spend alone would be more than the credit limit.', { newMonthlyMinor: newMonthly, creditLimitMinor: limit }) : null,
  ].filter((r): r is DecisionReason => r !== null);
  if (refers.length > 0) return { decision: 'refer', headroomMinor, reasons: refers };

  return { decision: 'eligible', headroomMinor, reasons: [reason('WITHIN_CREDIT_LIMIT', "What is owed and committed plus this order's first bill fits the credit limit.", fit)] };
}
