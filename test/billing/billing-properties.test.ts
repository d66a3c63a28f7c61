import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { allLines, CustomerBill } from '../../shared/billing/bill.ts';
import { billedInAdvance, composeBill, prorate, type BillRunInput } from '../../shared/billing/compose.ts';
import { cycleAt, cycleContaining, type Cycle } from '../../shared/billing/cycle.ts';
import type { BillableProduct, ProductTerm } from '../../shared/billing/product.ts';
import { rateUsage } from '../../shared/billing/rating.ts';
import { applyBps, sum } from '../../shared/billing/rounding.ts';
import { UsageRecordUnit, type UsageRecord } from '../../shared/billing/usage.ts';
import { addDays, daysBetween } from '../../shared/calendar.ts';
import type { ProductKind } from '../../shared/domain/product.ts';
import { account, catalog, product, run, term, TZ } from './fixtures/kit.ts';

const RUNS = { numRuns: 250 };

// ---------------------------------------------------------------------------------------------
// Generators. Specs are abstract (offsets, indexes) and turned into dates inside the property, so
// that every product and record can be placed relative to the bill's own usage period.

const plans: Record<ProductKind, readonly string[]> = {
  mobile: ['MOB-PAYG', 'MOB-XS', 'MOB-S', 'MOB-M', 'MOB-L', 'MOB-UNL', 'MOB-CLASSIC'],
  broadband: ['BB-300', 'BB-600', 'BB-1G'],
  tv: ['TV-ESS', 'TV-PLUS'],
  fixed: ['FIX-HOME', 'FIX-BASIC'],
};
const addOns: Partial<Record<ProductKind, readonly string[]>> = { mobile: ['MOB-INSURE'], tv: ['TV-SPORTS', 'TV-KIDS', 'TV-CINEMA'] };
const kinds: ProductKind[] = ['mobile', 'broadband', 'tv', 'fixed'];
const pick = <T>(xs: readonly T[], i: number): T => xs[i % xs.length] as T;

/** Any calendar date from 1996 to 2104 (leap years, 2100 not one, month ends). */
const anyDate = fc.integer({ min: 0, max: 39_800 }).map((n) => addDays('1996-01-01', n));
const cycleDay = fc.integer({ min: 1, max: 31 });

/** fc.option's `freq` is 1-in-freq for the empty value: these are mostly absent, sometimes present. */
const sometimes = <T>(arb: fc.Arbitrary<T>, weight = 1) => fc.oneof({ arbitrary: fc.constant(undefined), weight: 4 }, { arbitrary: arb, weight });

const termSpec = fc.record({ offering: fc.nat(20), length: fc.option(fc.integer({ min: 1, max: 400 }), { nil: null, freq: 3 }), gap: fc.integer({ min: 0, max: 20 }) });
const productSpec = fc.record({
  /** Mostly lines with usage tariffs, so that rating gets exercised. */
  kind: fc.constantFrom<ProductKind>('mobile', 'mobile', 'mobile', 'mobile', 'fixed', 'fixed', 'broadband', 'tv'),
  /** Days from the usage period's start to the first term. */
  startOffset: fc.integer({ min: -500, max: 40 }),
  terms: fc.array(termSpec, { minLength: 1, maxLength: 3 }),
  addOn: fc.option(fc.record({ offering: fc.nat(5), startOffset: fc.integer({ min: -60, max: 40 }), length: fc.option(fc.integer({ min: 1, max: 90 }), { nil: null }) }), { nil: null }),
});
type ProductSpec = typeof productSpec extends fc.Arbitrary<infer T> ? T : never;

const recordSpec = fc.record({
  /** An index into the account's products; −1 is a product not on the account. */
  product: fc.oneof({ arbitrary: fc.nat(20), weight: 15 }, { arbitrary: fc.constant(-1), weight: 1 }),
  usageType: fc.constantFrom('data', 'voice', 'sms') as fc.Arbitrary<UsageRecord['usageType']>,
  /** Mostly the natural unit of the type; sometimes any unit (mismatches are rejected, not dropped). */
  unit: fc.oneof({ arbitrary: fc.constant(null), weight: 12 }, { arbitrary: fc.constantFrom(...UsageRecordUnit.options), weight: 1 }),
  quantity: fc.oneof({ arbitrary: fc.nat(4000), weight: 12 }, { arbitrary: fc.nat(3 * 1024 * 1024), weight: 2 }, { arbitrary: fc.constantFrom(-3, 1.5, Number.NaN), weight: 1 }),
  dayOffset: fc.integer({ min: -2, max: 33 }),
  second: fc.integer({ min: 0, max: 86_399 }),
  /** About one record in 60 carries an unparseable date. */
  garbage: fc.integer({ min: 0, max: 60 }).map((n) => n === 0),
  zone: sometimes(fc.constantFrom('EU', 'Z2', 'Z3', 'EU', 'Z2', 'Z3', 'MARS')),
  destination: sometimes(fc.constantFrom('local', 'national', 'mobile', 'international') as fc.Arbitrary<NonNullable<UsageRecord['destination']>>),
  service: sometimes(fc.constantFrom('messaging', 'music', 'video')),
  /** A small pool, so that duplicate ids occur. */
  id: fc.nat(200),
});
type RecordSpec = typeof recordSpec extends fc.Arbitrary<infer T> ? T : never;

const naturalUnit: Record<UsageRecord['usageType'], readonly UsageRecord['unit'][]> = { data: ['KB', 'MB'], voice: ['s', 'min'], sms: ['SMS'] };

function materialiseProducts(specs: readonly ProductSpec[], usageStart: string): BillableProduct[] {
  const out: BillableProduct[] = [];
  specs.forEach((spec, i) => {
    const terms: ProductTerm[] = [];
    let from = addDays(usageStart, spec.startOffset);
    spec.terms.forEach((t, j) => {
      const last = j === spec.terms.length - 1;
      const length = t.length ?? (last ? null : 30);
      const to = length === null ? null : addDays(from, length - 1);
      terms.push(term(pick(plans[spec.kind], t.offering), from, to));
      if (to !== null) from = addDays(to, 1 + t.gap);
    });
    const id = `P${i}`;
    out.push(product(id, spec.kind, `+3460000${String(i).padStart(4, '0')}`, terms));
    const addOnOfferings = addOns[spec.kind];
    if (spec.addOn && addOnOfferings) {
      const start = addDays(usageStart, spec.addOn.startOffset);
      const to = spec.addOn.length === null ? null : addDays(start, spec.addOn.length - 1);
      out.push(product(`${id}-ADD`, spec.kind, `+3460000${String(i).padStart(4, '0')}`, [term(pick(addOnOfferings, spec.addOn.offering), start, to)], id));
    }
  });
  return out;
}

function materialiseRecords(specs: readonly RecordSpec[], products: readonly BillableProduct[], usageStart: string): UsageRecord[] {
  return specs.map((r) => {
    const productId = r.product < 0 ? 'P-UNKNOWN' : pick(products, r.product).id;
    const date = addDays(usageStart, r.dayOffset);
    const hh = String(Math.floor(r.second / 3600)).padStart(2, '0');
    const mm = String(Math.floor((r.second % 3600) / 60)).padStart(2, '0');
    const ss = String(r.second % 60).padStart(2, '0');
    const record: UsageRecord = {
      id: `R${r.id}`,
      productId,
      usageType: r.usageType,
      usageDate: r.garbage ? 'not-a-date' : `${date}T${hh}:${mm}:${ss}Z`,
      quantity: r.quantity,
      unit: r.unit ?? pick(naturalUnit[r.usageType], r.second),
    };
    if (r.zone !== undefined) record.zone = r.zone;
    if (r.destination !== undefined) record.destination = r.destination;
    if (r.service !== undefined) record.service = r.service;
    return record;
  });
}

const billSpec = fc.record({
  cycleDay,
  /** Days after 2026-01-01 of some day in the billed cycle: bills from 2026 to 2030, 2028 a leap year. */
  dayInCycle: fc.integer({ min: 0, max: 1800 }),
  tenureDays: fc.integer({ min: 0, max: 3000 }),
  products: fc.array(productSpec, { minLength: 1, maxLength: 5 }),
  records: fc.array(recordSpec, { maxLength: 40, size: 'medium' }),
  balance: fc.record({
    previousBalanceMinor: fc.integer({ min: -20_000, max: 50_000 }),
    paymentsReceivedMinor: fc.integer({ min: 0, max: 50_000 }),
    adjustmentsMinor: fc.integer({ min: -2_000, max: 2_000 }),
  }),
  lateFees: fc.nat(2),
});
type BillSpec = typeof billSpec extends fc.Arbitrary<infer T> ? T : never;

function materialiseBill(spec: BillSpec): BillRunInput {
  const billDate = cycleContaining(addDays('2026-01-01', spec.dayInCycle), spec.cycleDay).start;
  const usageStart = cycleAt(billDate, spec.cycleDay, -1).start;
  const products = materialiseProducts(spec.products, usageStart);
  return run({
    account: account(spec.cycleDay, addDays(billDate, -spec.tenureDays)),
    products,
    billDate,
    usage: materialiseRecords(spec.records, products, usageStart),
    balance: spec.balance,
    lateFeeFor: Array.from({ length: spec.lateFees }, (_, i) => `OLD-${i}`),
  });
}

// ---------------------------------------------------------------------------------------------

describe('property: a bill adds up', () => {
  it('taxExcluded = Σ lines, tax = Σ per-category tax, taxIncluded = Σ lines + Σ tax, for random accounts (250 runs)', () => {
    fc.assert(
      fc.property(billSpec, (spec) => {
        const input = materialiseBill(spec);
        const { bill, usage, rejectedUsage } = composeBill(input);
        // The schema's own cross-checks hold…
        CustomerBill.parse(bill);
        // …and so do the explicit sums.
        const lines = allLines(bill);
        const net = sum(lines.map((l) => l.amountMinor));
        const tax = sum(bill.taxItems.map((t) => t.taxMinor));
        expect(bill.taxExcludedAmountMinor).toBe(net);
        expect(bill.taxMinor).toBe(tax);
        expect(bill.taxIncludedAmountMinor).toBe(net + tax);
        // Tax per category, on the category's net, half-up.
        const categories = [...new Set(lines.map((l) => l.taxCategory))].sort();
        expect(bill.taxItems.map((t) => t.taxCategory)).toEqual(categories);
        for (const item of bill.taxItems) {
          const taxable = sum(lines.filter((l) => l.taxCategory === item.taxCategory).map((l) => l.amountMinor));
          expect(item.taxableMinor).toBe(taxable);
          expect(item.taxMinor).toBe(applyBps(taxable, catalog.taxRateBps(item.taxCategory)));
        }
        // Sections sum to their subtotals; discounts are negative lines; ids are unique.
        for (const section of bill.services) expect(section.subtotalMinor).toBe(sum(section.lines.map((l) => l.amountMinor)));
        for (const l of lines) if (l.lineType === 'discount') expect(l.amountMinor).toBeLessThan(0);
        expect(new Set(lines.map((l) => l.id)).size).toBe(lines.length);
        // Usage: every record is carried or rejected; the usage lines carry exactly the rated charges.
        expect(usage.length + rejectedUsage.length).toBe(input.usage.length);
        const usageCharged = sum(lines.filter((l) => l.lineType === 'usage').map((l) => l.amountMinor));
        expect(usageCharged).toBe(sum(usage.map((u) => u.amountMinor)));
        // Balance: what is due minus what is carried is the balance forward plus this bill.
        expect(bill.balanceForwardMinor).toBe(spec.balance.previousBalanceMinor - spec.balance.paymentsReceivedMinor + spec.balance.adjustmentsMinor);
        expect(bill.amountDueMinor - bill.creditCarriedMinor).toBe(bill.balanceForwardMinor + bill.taxIncludedAmountMinor);
        expect(Math.min(bill.amountDueMinor, bill.creditCarriedMinor)).toBe(0);
        expect(bill.remainingAmountMinor).toBeGreaterThanOrEqual(0);
        expect(bill.remainingAmountMinor).toBeLessThanOrEqual(Math.max(0, bill.taxIncludedAmountMinor));
      }),
      RUNS,
    );
  });
});

describe('property: proration', () => {
  it('a whole cycle costs exactly the fee (any fee, any cycle day, any month; 250 runs)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), anyDate, cycleDay, (fee, date, day) => {
        const c = cycleContaining(date, day);
        expect(prorate(fee, c.days, c.days)).toBe(fee);
      }),
      RUNS,
    );
  });

  it('a product in service for the whole usage period gets no proration, only its advance fee (250 runs)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1800 }), cycleDay, fc.constantFrom(...kinds), fc.nat(10), (n, day, kind, o) => {
        const billDate = cycleContaining(addDays('2026-01-01', n), day).start;
        const usageStart = cycleAt(billDate, day, -1).start;
        const offeringId = pick(plans[kind], o);
        const p = product('P1', kind, 'x', [term(offeringId, addDays(usageStart, -1 - (n % 90)))]);
        const { bill } = composeBill(run({ account: account(day, billDate), products: [p], billDate }));
        // (A promotion may still discount the advance fee of a recent product: not a proration.)
        expect(allLines(bill).filter((l) => l.lineType !== 'discount').map((l) => [l.cause, l.amountMinor])).toEqual([['recurring', catalog.recurringPrice(offeringId, billDate)]]);
      }),
      RUNS,
    );
  });

  it('a cycle split at any day into two parts sums to the fee ± 1 (250 runs)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), anyDate, cycleDay, fc.nat(30), (fee, date, day, split) => {
        const c = cycleContaining(date, day);
        const k = split % (c.days + 1); // 0..days
        const total = prorate(fee, k, c.days) + prorate(fee, c.days - k, c.days);
        expect(Math.abs(total - fee)).toBeLessThanOrEqual(1);
      }),
      RUNS,
    );
  });

  it('a removal after k days refunds the rest: kept + refunded = fee, kept = fee × k / days ± 1 (250 runs)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1800 }), cycleDay, fc.constantFrom(...kinds), fc.nat(10), fc.integer({ min: 1, max: 30 }), (n, day, kind, o, split) => {
        const billDate = cycleContaining(addDays('2026-01-01', n), day).start;
        const usage: Cycle = cycleAt(billDate, day, -1);
        const k = 1 + ((split - 1) % (usage.days - 1)); // 1..days−1: ends inside the cycle
        const offeringId = pick(plans[kind], o);
        const p = product('P1', kind, 'x', [term(offeringId, addDays(usage.start, -40), addDays(usage.start, k - 1))]);
        const { bill } = composeBill(run({ account: account(day, billDate), products: [p], billDate }));
        const lines = allLines(bill);
        expect(lines.map((l) => [l.cause, l.quantity])).toEqual([['removedService', { amount: usage.days - k, unit: 'day' }]]);
        const fee = catalog.recurringPrice(offeringId, usage.start);
        const refund = -(lines[0]?.amountMinor ?? 0);
        expect(refund).toBe(prorate(fee, usage.days - k, usage.days));
        expect(Math.abs(fee - refund - (fee * k) / usage.days)).toBeLessThanOrEqual(1);
      }),
      RUNS,
    );
  });
});

describe('property: a change on a bill day, after that day’s bill', () => {
  it('the advance charge and the next bill’s settlement together charge each plan for the days it ran (250 runs)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1800 }), cycleDay, fc.nat(10), fc.nat(10), (n, day, a, b) => {
        const [from, to] = [pick(plans.mobile, a), pick(plans.mobile, b + 1)];
        fc.pre(from !== to);
        const changeDay = cycleContaining(addDays('2026-01-01', n), day).start;
        const p0 = product('P1', 'mobile', 'x', [term(from, addDays(changeDay, -400))]);
        // The bill of the change day was composed first, on the old plan.
        const { bill: first } = composeBill(run({ account: account(day, changeDay), products: [p0], billDate: changeDay }));
        const changed = product('P1', 'mobile', 'x', [term(from, addDays(changeDay, -400), addDays(changeDay, -1)), term(to, changeDay)]);
        const nextDate = cycleAt(changeDay, day, 1).start;
        const { bill: next } = composeBill(run({ account: account(day, nextDate), products: [changed], billDate: nextDate, billedAhead: billedInAdvance(first) }));
        const forCycle = (bill: CustomerBill, lineType: string) => allLines(bill).filter((l) => l.productId === 'P1' && l.lineType === lineType);
        const paidAhead = sum(forCycle(first, 'recurring').map((l) => l.amountMinor));
        const settled = sum(forCycle(next, 'proration').map((l) => l.amountMinor));
        // The whole cycle ran on the new plan: the old one's advance is given back, the new one charged in full.
        expect(paidAhead + settled).toBe(catalog.recurringPrice(to, changeDay));
        expect(forCycle(next, 'proration').map((l) => [l.sourceId, l.cause])).toEqual([
          [from, 'planChange'],
          [to, 'planChange'],
        ]);
      }),
      RUNS,
    );
  });
});

describe('property: rating is deterministic and order-free', () => {
  const ratingCase = fc
    .record({ cycleDay, n: fc.integer({ min: 0, max: 1800 }), products: fc.array(productSpec, { minLength: 1, maxLength: 4 }), records: fc.array(recordSpec, { maxLength: 50, size: 'medium' }) })
    .chain((c) => {
      const period = cycleContaining(addDays('2026-01-01', c.n), c.cycleDay);
      const products = materialiseProducts(c.products, period.start);
      const records = materialiseRecords(c.records, products, period.start);
      return fc.tuple(fc.constant({ period, products, records }), fc.shuffledSubarray(records, { minLength: records.length, maxLength: records.length }));
    });

  it('re-rating the same records under the same plan gives the same charges (250 runs)', () => {
    fc.assert(
      fc.property(ratingCase, ([{ period, products, records }]) => {
        const input = { catalog, products, period, timeZone: TZ, records };
        const first = rateUsage(input);
        expect(first.rated.length + first.rejected.length).toBe(records.length);
        expect(rateUsage(input)).toEqual(first);
        expect(rateUsage({ ...input, records: records.map((r) => ({ ...r })) })).toEqual(first);
      }),
      RUNS,
    );
  });

  it('rating is independent of input order (shuffled permutations; 250 runs)', () => {
    fc.assert(
      fc.property(ratingCase, ([{ period, products, records }, shuffled]) => {
        const a = rateUsage({ catalog, products, period, timeZone: TZ, records });
        const b = rateUsage({ catalog, products, period, timeZone: TZ, records: shuffled });
        expect(b).toEqual(a);
      }),
      RUNS,
    );
  });

  it('so is the bill (250 runs)', () => {
    const billCase = billSpec.chain((spec) => {
      const input = materialiseBill(spec);
      return fc.tuple(fc.constant(input), fc.shuffledSubarray([...input.usage], { minLength: input.usage.length, maxLength: input.usage.length }));
    });
    fc.assert(
      fc.property(billCase, ([input, shuffled]) => {
        expect(composeBill({ ...input, usage: shuffled })).toEqual(composeBill(input));
      }),
      RUNS,
    );
  });
});

describe('property: bill cycles', () => {
  it('the cycle containing a date contains it, lasts 28–31 days and starts on the cycle day or the month end (250 runs)', () => {
    fc.assert(
      fc.property(anyDate, cycleDay, (date, day) => {
        const c = cycleContaining(date, day);
        expect(c.start <= date && date <= c.end).toBe(true);
        expect(c.days).toBe(daysBetween(c.start, c.end) + 1);
        expect(c.days).toBeGreaterThanOrEqual(28);
        expect(c.days).toBeLessThanOrEqual(31);
        const [y, m] = c.start.split('-').map(Number) as [number, number];
        const monthEnd = new Date(Date.UTC(y, m, 0)).getUTCDate();
        expect(Number(c.start.slice(8, 10))).toBe(Math.min(day, monthEnd));
      }),
      RUNS,
    );
  });

  it('consecutive cycles tile the calendar without gaps or overlaps (250 runs)', () => {
    fc.assert(
      fc.property(anyDate, cycleDay, fc.integer({ min: 1, max: 24 }), (date, day, count) => {
        let c = cycleContaining(date, day);
        for (let i = 0; i < count; i++) {
          const next = cycleContaining(addDays(c.end, 1), day);
          expect(next.start).toBe(addDays(c.end, 1));
          // Every day of the cycle maps back to the same cycle.
          expect(cycleContaining(c.start, day)).toEqual(c);
          expect(cycleContaining(c.end, day)).toEqual(c);
          expect(cycleAt(c.start, day, 1)).toEqual(next);
          expect(cycleAt(next.end, day, -1)).toEqual(c);
          c = next;
        }
        // count cycles forward from the first lands on the same cycle as stepping one by one.
        expect(cycleAt(date, day, count)).toEqual(c);
      }),
      RUNS,
    );
  });
});
