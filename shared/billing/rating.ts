import { addDays, startOfDayInZone, type CalendarDate } from '../calendar.ts';
import type { CatalogIndex, Tier, UsageTariff } from './catalog.ts';
import { overlapDays, type Cycle } from './cycle.ts';
import type { BillableProduct, ProductTerm } from './product.ts';
import { roundHalfUp } from './rounding.ts';
import {
  basePerBillingUnit,
  baseUnitsPer,
  unitsFor,
  type RatedUsage,
  type RejectedUsage,
  type RejectionCode,
  type UsageRecord,
} from './usage.ts';

export interface RatingInput {
  catalog: CatalogIndex;
  products: readonly BillableProduct[];
  /** The usage period: allowances are per period, prorated for a term covering part of it. */
  period: Cycle;
  timeZone: string;
  records: readonly UsageRecord[];
  /** Ids rated in earlier runs: a record seen again is a duplicate, not new usage. */
  alreadyRated?: ReadonlySet<string>;
}

export interface RatingResult {
  rated: RatedUsage[];
  rejected: RejectedUsage[];
}

interface TermSpan {
  term: ProductTerm;
  fromMs: number;
  /** Exclusive. */
  toMs: number;
  tariff: UsageTariff | undefined;
  /** Remaining allowance in base units per usage type; Infinity is unlimited. */
  remaining: Record<'data' | 'voice' | 'sms', number>;
  /** Overage used so far, in base units, to find the tier. */
  overage: Record<'data' | 'voice' | 'sms', number>;
}

/** One record on its way through rating; `time` is Infinity for an unparseable date. */
interface Item {
  record: UsageRecord;
  time: number;
  span: TermSpan | null;
  base: number;
}
type Valid = Item & { span: TermSpan };

/**
 * Rates one account's usage for one period. Records are taken in time order (then by id), so the
 * same records give the same charges whatever order they arrive in; allowances are consumed
 * first, then overage tiers; roaming outside roam-like-at-home zones and priced destinations are
 * charged from the first unit; zero-rated services neither count nor cost.
 */
export function rateUsage(input: RatingInput): RatingResult {
  const { catalog, period } = input;
  const dayStart = dayStartIn(input.timeZone);
  const periodFrom = dayStart(period.start);
  const periodTo = dayStart(addDays(period.end, 1));
  const spans = new Map<string, TermSpan[]>();
  for (const product of input.products) {
    spans.set(
      product.id,
      product.terms.flatMap((term) => {
        const share = overlapDays(period, term.from, term.to);
        if (share === 0) return [];
        const tariff = catalog.requireOffering(term.offeringId).usage;
        const allowance = (quantity: number | null | undefined, perUnit: number) =>
          quantity === null ? Infinity : Math.floor(((quantity ?? 0) * perUnit * share) / period.days);
        return {
          term,
          fromMs: dayStart(term.from),
          toMs: term.to === null ? Infinity : dayStart(addDays(term.to, 1)),
          tariff,
          remaining: {
            data: allowance(tariff?.data?.allowanceMB, 1024),
            voice: allowance(tariff?.voice?.allowanceMin, 60),
            sms: allowance(tariff?.sms?.allowance, 1),
          },
          overage: { data: 0, voice: 0, sms: 0 },
        };
      }),
    );
  }

  const rejected: RejectedUsage[] = [];
  const reject = (record: UsageRecord, code: RejectionCode, reason: string) => rejected.push({ record, code, reason });

  // An unparseable date sorts last (it is rejected as OUTSIDE_PERIOD): a NaN in the comparator
  // would make the sort inconsistent and hand allowances out in arrival order.
  const items: Item[] = input.records.map((record) => {
    const ms = Date.parse(record.usageDate);
    return { record, time: Number.isNaN(ms) ? Infinity : ms, span: null, base: 0 };
  });
  items.sort((a, b) => a.time - b.time || (a.record.id < b.record.id ? -1 : a.record.id > b.record.id ? 1 : canonicalOrder(a.record, b.record)));

  const seen = new Set<string>();
  const valid: Valid[] = [];
  for (const item of items) {
    const { record, time: ms } = item;
    if (seen.has(record.id) || input.alreadyRated?.has(record.id)) {
      reject(record, 'DUPLICATE_ID', `Usage record ${record.id} was already received`);
      continue;
    }
    seen.add(record.id);
    const productSpans = spans.get(record.productId);
    if (productSpans === undefined) {
      reject(record, 'UNKNOWN_PRODUCT', `No product ${record.productId} on this account`);
      continue;
    }
    if (!Number.isFinite(record.quantity)) {
      reject(record, 'INVALID_QUANTITY', `Quantity ${record.quantity} is not a number`);
      continue;
    }
    if (record.quantity < 0) {
      reject(record, 'NEGATIVE_QUANTITY', `Quantity ${record.quantity} ${record.unit} is negative`);
      continue;
    }
    if (!Number.isSafeInteger(record.quantity)) {
      reject(record, 'INVALID_QUANTITY', `Quantity ${record.quantity} is not a whole number of ${record.unit}`);
      continue;
    }
    if (!unitsFor[record.usageType].includes(record.unit)) {
      reject(record, 'UNIT_MISMATCH', `${record.usageType} is not measured in ${record.unit}`);
      continue;
    }
    // Beyond this, pricing would leave the safe-integer range: a mediation fault, not usage.
    if (record.quantity * baseUnitsPer[record.unit] > MAX_BASE_UNITS) {
      reject(record, 'INVALID_QUANTITY', `Quantity ${record.quantity} ${record.unit} is implausibly large for one record`);
      continue;
    }
    if (ms < periodFrom || ms >= periodTo) {
      reject(record, 'OUTSIDE_PERIOD', `Used at ${record.usageDate}, outside the period ${period.start} to ${period.end}`);
      continue;
    }
    const span = productSpans?.find((s) => s.fromMs <= ms && ms < s.toMs);
    if (!span) {
      reject(record, 'OUTSIDE_ACTIVE_PRODUCT', `Product ${record.productId} was not in service at ${record.usageDate}`);
      continue;
    }
    if (!span.tariff?.[record.usageType]) {
      reject(record, 'NOT_RATEABLE', `${span.term.offeringId} has no ${record.usageType} tariff`);
      continue;
    }
    if (record.zone !== undefined) {
      const zone = catalog.zone(record.zone);
      if (!zone) {
        reject(record, 'UNKNOWN_ZONE', `Roaming zone ${record.zone} is not in the catalog`);
        continue;
      }
      if (!zone.roamLikeAtHome && !span.tariff.roaming[zone.id]) {
        reject(record, 'NO_ROAMING', `${span.term.offeringId} cannot be used in ${zone.name}`);
        continue;
      }
    }
    item.span = span;
    item.base = record.quantity * baseUnitsPer[record.unit];
    valid.push(item as Valid);
  }

  const rated = valid.map((v) => rateOne(v, catalog));
  return { rated, rejected };
}

function rateOne({ record, span, base }: Valid, catalog: CatalogIndex): RatedUsage {
  const type = record.usageType;
  const tariff = span.tariff as UsageTariff;
  const perBilling = basePerBillingUnit[type];
  const rounded = roundQuantity(tariff, type, base);

  const zone = record.zone === undefined ? undefined : catalog.zone(record.zone);
  if (zone && !zone.roamLikeAtHome) {
    const rates = tariff.roaming[zone.id] as NonNullable<UsageTariff['roaming'][string]>;
    const rate = type === 'data' ? rates.dataPerMB : type === 'voice' ? rates.voicePerMin : rates.smsPerSms;
    return ratedUsage(record, span, rounded, 'roaming', 0, roundHalfUp(rounded * rate, perBilling));
  }
  if (type === 'data' && record.service !== undefined && tariff.data?.zeroRated.includes(record.service)) {
    return ratedUsage(record, span, rounded, 'zeroRated', 0, 0);
  }
  const destinationRate = type === 'voice' && record.destination ? tariff.voice?.destinations[record.destination] : undefined;
  if (destinationRate !== undefined) return ratedUsage(record, span, rounded, 'destination', 0, roundHalfUp(rounded * destinationRate, perBilling));

  const fromAllowance = Math.min(span.remaining[type], rounded);
  span.remaining[type] -= fromAllowance;
  const over = rounded - fromAllowance;
  if (over === 0) return ratedUsage(record, span, rounded, 'included', fromAllowance, 0);
  const tiers = (tariff[type] as { overage: Tier[] }).overage;
  const numerator = tierNumerator(tiers, span.overage[type], over, perBilling);
  span.overage[type] += over;
  return ratedUsage(record, span, rounded, 'overage', fromAllowance, roundHalfUp(numerator, perBilling));
}

/** One rated record; a module-level function, not a closure made per record in rateOne. */
function ratedUsage(record: UsageRecord, span: TermSpan, rounded: number, tag: RatedUsage['tag'], fromAllowance: number, amountMinor: number): RatedUsage {
  return {
    id: record.id,
    productId: record.productId,
    offeringId: span.term.offeringId,
    usageType: record.usageType,
    usageDate: record.usageDate,
    ratedQuantity: rounded,
    fromAllowance,
    tag,
    zone: record.zone ?? null,
    destination: record.destination ?? null,
    amountMinor,
    status: 'rated',
  };
}

function roundQuantity(tariff: UsageTariff, type: RatedUsage['usageType'], base: number): number {
  const step = type === 'data' ? (tariff.data?.rounding === 'perMB' ? 1024 : 1) : type === 'voice' ? (tariff.voice?.rounding === 'perMinute' ? 60 : 1) : 1;
  return Math.ceil(base / step) * step;
}

/** Σ quantity-in-tier × rate, in base units × minor per billing unit (divided once, by the caller). */
function tierNumerator(tiers: readonly Tier[], before: number, quantity: number, perBilling: number): number {
  let numerator = 0;
  let lower = 0;
  for (const tier of tiers) {
    const upper = tier.upTo === null ? Infinity : tier.upTo * perBilling;
    const inTier = Math.min(before + quantity, upper) - Math.max(before, lower);
    if (inTier > 0) numerator += inTier * tier.rateMinor;
    lower = upper;
  }
  return numerator;
}

/**
 * The most base units one record may carry: 2^31 KB is 2 TB of data, 2^31 s is 68 years of calls.
 * Keeps quantity × rate a safe integer for any rate below 2^21 minor units per billing unit.
 */
const MAX_BASE_UNITS = 2 ** 31;

function canonicalOrder(a: UsageRecord, b: UsageRecord): number {
  const x = JSON.stringify(a);
  const y = JSON.stringify(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Start-of-day instants per time zone, kept across calls: startOfDayInZone goes through Intl (two
 * formatToParts each), and a bill run over many accounts needs only a few dozen distinct dates.
 */
const dayStarts = new Map<string, (date: CalendarDate) => number>();
function dayStartIn(timeZone: string): (date: CalendarDate) => number {
  let dayStart = dayStarts.get(timeZone);
  if (dayStart === undefined) dayStarts.set(timeZone, (dayStart = memo((date) => startOfDayInZone(date, timeZone))));
  return dayStart;
}

function memo<T>(fn: (key: string) => T): (key: string) => T {
  const cache = new Map<string, T>();
  return (key) => {
    let value = cache.get(key);
    if (value === undefined) {
      value = fn(key);
      cache.set(key, value);
    }
    return value;
  };
}
