import { describe, expect, it } from 'vitest';
import { CatalogIndex } from '../../shared/billing/catalog.ts';
import { cycleContaining, type Cycle } from '../../shared/billing/cycle.ts';
import type { BillableProduct } from '../../shared/billing/product.ts';
import { rateUsage, type RatingInput, type RatingResult } from '../../shared/billing/rating.ts';
import type { RatedUsage, RejectionCode, UsageRecord } from '../../shared/billing/usage.ts';
import { catalog, product, term, TZ } from './fixtures/kit.ts';

const NOV: Cycle = cycleContaining('2026-11-15', 1); // 2026-11-01..30, 30 days; Madrid is UTC+1 all month
const OCT: Cycle = cycleContaining('2026-10-15', 1); // 2026-10-01..31, 31 days; UTC+2 until the 25th

const xs = product('P-XS', 'mobile', '+34600000101', [term('MOB-XS', '2025-01-01')]);
const s = product('P-S', 'mobile', '+34600000102', [term('MOB-S', '2025-01-01')]);
const m = product('P-M', 'mobile', '+34600000103', [term('MOB-M', '2025-01-01')]);
const unl = product('P-UNL', 'mobile', '+34600000104', [term('MOB-UNL', '2025-01-01')]);
const payg = product('P-PAYG', 'mobile', '+34600000105', [term('MOB-PAYG', '2025-01-01')]);
const bb = product('P-BB', 'broadband', 'Calle Mayor 1', [term('BB-300', '2025-01-01')]);
const fix = product('P-FIX', 'fixed', '+34910000101', [term('FIX-BASIC', '2025-01-01')]);
const allProducts = [xs, s, m, unl, payg, bb, fix];

function rec(id: string, productId: string, usageDate: string, usageType: UsageRecord['usageType'], quantity: number, unit: UsageRecord['unit'], more: Partial<UsageRecord> = {}): UsageRecord {
  return { id, productId, usageDate, usageType, quantity, unit, ...more };
}

function rate(records: UsageRecord[], opts: Partial<RatingInput> = {}): RatingResult {
  const result = rateUsage({ catalog, products: allProducts, period: NOV, timeZone: TZ, records, ...opts });
  // Nothing is ever dropped silently.
  expect(result.rated.length + result.rejected.length).toBe(records.length);
  return result;
}

function one(records: UsageRecord[], id: string, opts: Partial<RatingInput> = {}): RatedUsage {
  const r = rate(records, opts).rated.find((u) => u.id === id);
  if (!r) throw new Error(`${id} was not rated`);
  return r;
}

function rejection(record: UsageRecord, opts: Partial<RatingInput> = {}): { code: RejectionCode; reason: string } {
  const { rated, rejected } = rate([record], opts);
  expect(rated).toEqual([]);
  expect(rejected).toHaveLength(1);
  const [r] = rejected;
  if (!r) throw new Error('no rejection');
  expect(r.record).toBe(record);
  return { code: r.code, reason: r.reason };
}

/** A tiny catalog with one mobile plan that roams in Z2 only: every demo mobile plan has both zones. */
const localCatalog = CatalogIndex.parse({
  id: 'TINY',
  currency: 'EUR',
  taxCategories: [{ id: 'VAT', name: 'VAT', rateBps: 2100 }],
  roamingZones: [
    { id: 'EU', name: 'EU and EEA', roamLikeAtHome: true },
    { id: 'Z2', name: 'Rest of Europe', roamLikeAtHome: false },
    { id: 'Z3', name: 'Rest of the world', roamLikeAtHome: false },
  ],
  fees: { latePayment: { amountMinor: 0, taxCategory: 'VAT', graceDays: 0 } },
  productOffering: [
    {
      '@type': 'ProductOffering',
      id: 'MOB-LOCAL',
      name: 'Local',
      description: 'Roams in Z2 only',
      kind: 'mobile',
      category: 'plan',
      lifecycleStatus: 'Active',
      validFor: { startDate: '2020-01-01' },
      taxCategory: 'VAT',
      productOfferingPrice: [{ priceType: 'recurring', recurringChargePeriod: 'month', amountMinor: 500, validFor: { startDate: '2020-01-01' } }],
      usage: {
        data: { allowanceMB: 1024, rounding: 'perKB', overage: [{ upTo: null, rateMinor: 1 }] },
        roaming: { Z2: { dataPerMB: 7, voicePerMin: 7, smsPerSms: 7 } },
      },
    },
  ],
  discounts: [],
});
const local = product('P-LOCAL', 'mobile', '+34600000199', [term('MOB-LOCAL', '2025-01-01')]);

describe('rating: every rejection code, with its reason, and nothing dropped', () => {
  it('DUPLICATE_ID within a batch: the first in time order is rated, the repeat is rejected', () => {
    const first = rec('DUP-1', 'P-S', '2026-11-05T10:00:00Z', 'sms', 1, 'SMS');
    const again = rec('DUP-1', 'P-S', '2026-11-06T10:00:00Z', 'sms', 5, 'SMS');
    const { rated, rejected } = rate([again, first]);
    expect(rated.map((r) => [r.id, r.ratedQuantity])).toEqual([['DUP-1', 1]]);
    expect(rejected).toEqual([{ record: again, code: 'DUPLICATE_ID', reason: 'Usage record DUP-1 was already received' }]);
  });

  it('DUPLICATE_ID against the ids rated in earlier runs', () => {
    const r = rec('OLD-7', 'P-S', '2026-11-05T10:00:00Z', 'sms', 1, 'SMS');
    expect(rejection(r, { alreadyRated: new Set(['OLD-7']) })).toEqual({ code: 'DUPLICATE_ID', reason: 'Usage record OLD-7 was already received' });
    // Without the earlier run, the same record rates.
    expect(rate([r]).rated).toHaveLength(1);
  });

  it('UNKNOWN_PRODUCT', () => {
    expect(rejection(rec('U1', 'P-NOPE', '2026-11-05T10:00:00Z', 'data', 1, 'MB'))).toEqual({ code: 'UNKNOWN_PRODUCT', reason: 'No product P-NOPE on this account' });
  });

  it('NEGATIVE_QUANTITY', () => {
    expect(rejection(rec('N1', 'P-S', '2026-11-05T10:00:00Z', 'data', -5, 'MB'))).toEqual({ code: 'NEGATIVE_QUANTITY', reason: 'Quantity -5 MB is negative' });
  });

  it('INVALID_QUANTITY: NaN, infinite, fractional, implausibly large', () => {
    expect(rejection(rec('I1', 'P-S', '2026-11-05T10:00:00Z', 'data', Number.NaN, 'MB'))).toEqual({ code: 'INVALID_QUANTITY', reason: 'Quantity NaN is not a number' });
    expect(rejection(rec('I2', 'P-S', '2026-11-05T10:00:00Z', 'data', Infinity, 'MB'))).toEqual({ code: 'INVALID_QUANTITY', reason: 'Quantity Infinity is not a number' });
    expect(rejection(rec('I3', 'P-S', '2026-11-05T10:00:00Z', 'data', 1.5, 'MB'))).toEqual({ code: 'INVALID_QUANTITY', reason: 'Quantity 1.5 is not a whole number of MB' });
    // 2^50 MB used to throw "numerator is not a safe integer" out of rateUsage, failing the whole run.
    expect(rejection(rec('I4', 'P-S', '2026-11-05T10:00:00Z', 'data', 2 ** 50, 'MB'))).toEqual({
      code: 'INVALID_QUANTITY',
      reason: 'Quantity 1125899906842624 MB is implausibly large for one record',
    });
    // The largest accepted record (2^31 KB = 2^21 MB) still rates: 2 097 152 − 10 240 = 2 086 912 MB over,
    // the first 1024 at 2 c and 2 085 888 at 1 c.
    expect(one([rec('I5', 'P-S', '2026-11-05T10:00:00Z', 'data', 2 ** 31, 'KB')], 'I5').amountMinor).toBe(1024 * 2 + (2 ** 21 - 10 * 1024 - 1024));
  });

  it('UNIT_MISMATCH', () => {
    expect(rejection(rec('M1', 'P-S', '2026-11-05T10:00:00Z', 'voice', 3, 'MB'))).toEqual({ code: 'UNIT_MISMATCH', reason: 'voice is not measured in MB' });
    expect(rejection(rec('M2', 'P-S', '2026-11-05T10:00:00Z', 'data', 3, 'SMS'))).toEqual({ code: 'UNIT_MISMATCH', reason: 'data is not measured in SMS' });
    expect(rejection(rec('M3', 'P-S', '2026-11-05T10:00:00Z', 'sms', 3, 'min'))).toEqual({ code: 'UNIT_MISMATCH', reason: 'sms is not measured in min' });
  });

  it('OUTSIDE_PERIOD, with the period boundaries taken in Madrid time (winter, UTC+1)', () => {
    // 23:30Z on 30 Nov is 00:30 on 1 Dec in Madrid: already the next period.
    const late = rec('P1', 'P-S', '2026-11-30T23:30:00Z', 'sms', 1, 'SMS');
    expect(rejection(late)).toEqual({ code: 'OUTSIDE_PERIOD', reason: 'Used at 2026-11-30T23:30:00Z, outside the period 2026-11-01 to 2026-11-30' });
    // 22:59:59Z on 30 Nov is 23:59:59 in Madrid: still inside.
    expect(rate([rec('P2', 'P-S', '2026-11-30T22:59:59Z', 'sms', 1, 'SMS')]).rated).toHaveLength(1);
    // 23:00Z on 31 Oct is midnight on 1 Nov in Madrid: the first instant of the period.
    expect(rate([rec('P3', 'P-S', '2026-10-31T23:00:00Z', 'sms', 1, 'SMS')]).rated).toHaveLength(1);
    expect(rejection(rec('P4', 'P-S', '2026-10-31T22:59:59Z', 'sms', 1, 'SMS')).code).toBe('OUTSIDE_PERIOD');
  });

  it('OUTSIDE_PERIOD in summer time (UTC+2) and for an unparseable date', () => {
    // October 2026 starts at 2026-09-30T22:00Z (CEST).
    expect(rate([rec('P5', 'P-S', '2026-09-30T22:00:00Z', 'sms', 1, 'SMS')], { period: OCT }).rated).toHaveLength(1);
    expect(rejection(rec('P6', 'P-S', '2026-09-30T21:59:59Z', 'sms', 1, 'SMS'), { period: OCT }).code).toBe('OUTSIDE_PERIOD');
    // …and ends at 2026-10-31T23:00Z (CET after the 25 Oct change).
    expect(rate([rec('P7', 'P-S', '2026-10-31T22:59:59Z', 'sms', 1, 'SMS')], { period: OCT }).rated).toHaveLength(1);
    expect(rejection(rec('P8', 'P-S', '2026-10-31T23:00:00Z', 'sms', 1, 'SMS'), { period: OCT }).code).toBe('OUTSIDE_PERIOD');
    expect(rejection(rec('P9', 'P-S', 'not-a-date', 'sms', 1, 'SMS'))).toEqual({ code: 'OUTSIDE_PERIOD', reason: 'Used at not-a-date, outside the period 2026-11-01 to 2026-11-30' });
  });

  it('OUTSIDE_ACTIVE_PRODUCT: before the term starts (in Madrid time) and after it ends', () => {
    const late = product('P-NEW', 'mobile', '+34600000110', [term('MOB-S', '2026-11-10', '2026-11-20')]);
    const opts = { products: [late] };
    // 22:30Z on 9 Nov = 23:30 on the 9th in Madrid: not yet in service.
    expect(rejection(rec('A1', 'P-NEW', '2026-11-09T22:30:00Z', 'sms', 1, 'SMS'), opts)).toEqual({
      code: 'OUTSIDE_ACTIVE_PRODUCT',
      reason: 'Product P-NEW was not in service at 2026-11-09T22:30:00Z',
    });
    // 23:30Z on 9 Nov = 00:30 on the 10th: in service.
    expect(rate([rec('A2', 'P-NEW', '2026-11-09T23:30:00Z', 'sms', 1, 'SMS')], opts).rated).toHaveLength(1);
    // The term's last day (the 20th) is in service; the 21st in Madrid is not.
    expect(rate([rec('A3', 'P-NEW', '2026-11-20T22:59:59Z', 'sms', 1, 'SMS')], opts).rated).toHaveLength(1);
    expect(rejection(rec('A4', 'P-NEW', '2026-11-20T23:00:00Z', 'sms', 1, 'SMS'), opts).code).toBe('OUTSIDE_ACTIVE_PRODUCT');
    // A product whose only term ended before the period.
    const gone = product('P-GONE', 'mobile', '+34600000111', [term('MOB-S', '2025-01-01', '2026-10-31')]);
    expect(rejection(rec('A5', 'P-GONE', '2026-11-05T10:00:00Z', 'sms', 1, 'SMS'), { products: [gone] }).code).toBe('OUTSIDE_ACTIVE_PRODUCT');
  });

  it('NOT_RATEABLE: voice on broadband, SMS on a fixed line', () => {
    expect(rejection(rec('R1', 'P-BB', '2026-11-05T10:00:00Z', 'voice', 60, 's'))).toEqual({ code: 'NOT_RATEABLE', reason: 'BB-300 has no voice tariff' });
    expect(rejection(rec('R2', 'P-FIX', '2026-11-05T10:00:00Z', 'sms', 1, 'SMS'))).toEqual({ code: 'NOT_RATEABLE', reason: 'FIX-BASIC has no sms tariff' });
  });

  it('UNKNOWN_ZONE', () => {
    expect(rejection(rec('Z1', 'P-S', '2026-11-05T10:00:00Z', 'data', 1, 'MB', { zone: 'MARS' }))).toEqual({ code: 'UNKNOWN_ZONE', reason: 'Roaming zone MARS is not in the catalog' });
  });

  it('NO_ROAMING: every demo mobile plan roams in Z2 and Z3; only the fixed lines lack zones', () => {
    const lacking = catalog.catalog.productOffering
      .filter((o) => o.usage !== undefined)
      .filter((o) => catalog.catalog.roamingZones.some((z) => !z.roamLikeAtHome && !o.usage?.roaming[z.id]))
      .map((o) => o.id);
    expect(lacking).toEqual(['FIX-HOME', 'FIX-BASIC']);
    expect(rejection(rec('NR1', 'P-FIX', '2026-11-05T10:00:00Z', 'voice', 60, 's', { zone: 'Z2' }))).toEqual({
      code: 'NO_ROAMING',
      reason: 'FIX-BASIC cannot be used in Rest of Europe, USA and Canada',
    });
  });

  it('NO_ROAMING on a mobile plan without the zone (tiny custom catalog)', () => {
    const opts = { catalog: localCatalog, products: [local] };
    expect(rejection(rec('NR2', 'P-LOCAL', '2026-11-05T10:00:00Z', 'data', 10, 'MB', { zone: 'Z3' }), opts)).toEqual({
      code: 'NO_ROAMING',
      reason: 'MOB-LOCAL cannot be used in Rest of the world',
    });
    // Z2 is priced (10 MB × 7 = 70); EU is roam-like-at-home and needs no rate.
    const { rated } = rate(
      [rec('NR3', 'P-LOCAL', '2026-11-05T10:00:00Z', 'data', 10, 'MB', { zone: 'Z2' }), rec('NR4', 'P-LOCAL', '2026-11-06T10:00:00Z', 'data', 10, 'MB', { zone: 'EU' })],
      opts,
    );
    expect(rated.map((r) => [r.id, r.tag, r.amountMinor])).toEqual([
      ['NR3', 'roaming', 70],
      ['NR4', 'included', 0],
    ]);
  });

  it('a mixed batch returns every record: rated or rejected, the same objects, with a reason each', () => {
    const records = [
      rec('OK-1', 'P-M', '2026-11-02T10:00:00Z', 'data', 100, 'MB'),
      rec('OK-1', 'P-M', '2026-11-03T10:00:00Z', 'data', 100, 'MB'),
      rec('X-PROD', 'P-NOPE', '2026-11-03T10:00:00Z', 'data', 1, 'MB'),
      rec('X-NEG', 'P-S', '2026-11-03T10:00:00Z', 'data', -1, 'MB'),
      rec('X-NAN', 'P-S', '2026-11-03T10:00:00Z', 'data', Number.NaN, 'MB'),
      rec('X-UNIT', 'P-S', '2026-11-03T10:00:00Z', 'sms', 1, 'KB'),
      rec('X-PER', 'P-S', '2026-12-03T10:00:00Z', 'data', 1, 'MB'),
      rec('X-ACT', 'P-S', '2026-11-03T10:00:00Z', 'data', 1, 'MB'),
      rec('X-RATE', 'P-BB', '2026-11-03T10:00:00Z', 'sms', 1, 'SMS'),
      rec('X-ZONE', 'P-M', '2026-11-03T10:00:00Z', 'data', 1, 'MB', { zone: 'ATLANTIS' }),
      rec('X-ROAM', 'P-FIX', '2026-11-03T10:00:00Z', 'voice', 1, 'min', { zone: 'Z3' }),
      rec('OK-2', 'P-M', '2026-11-04T10:00:00Z', 'voice', 1, 'min'),
    ];
    // Here P-S starts on 5 Nov, so X-ACT (3 Nov) is outside it; the other P-S records fail earlier checks.
    const products = allProducts.map((p) => (p.id === 'P-S' ? { ...p, terms: [term('MOB-S', '2026-11-05')] } : p));
    const { rated, rejected } = rate(records, { products });
    expect(rated.map((r) => r.id)).toEqual(['OK-1', 'OK-2']);
    expect(Object.fromEntries(rejected.map((r) => [r.record.id === 'OK-1' ? 'OK-1(dup)' : r.record.id, r.code]))).toEqual({
      'OK-1(dup)': 'DUPLICATE_ID',
      'X-PROD': 'UNKNOWN_PRODUCT',
      'X-NEG': 'NEGATIVE_QUANTITY',
      'X-NAN': 'INVALID_QUANTITY',
      'X-UNIT': 'UNIT_MISMATCH',
      'X-PER': 'OUTSIDE_PERIOD',
      'X-ACT': 'OUTSIDE_ACTIVE_PRODUCT',
      'X-RATE': 'NOT_RATEABLE',
      'X-ZONE': 'UNKNOWN_ZONE',
      'X-ROAM': 'NO_ROAMING',
    });
    for (const r of rejected) {
      expect(records).toContain(r.record);
      expect(r.reason.length).toBeGreaterThan(10);
    }
  });
});

describe('rating: allowances, rounding, zones', () => {
  it('consumes allowances in time order, whatever the arrival order', () => {
    // MOB-XS: 50 SMS included, then 9 c each. 40 on the 2nd, 20 on the 9th.
    const early = rec('SMS-EARLY', 'P-XS', '2026-11-02T10:00:00Z', 'sms', 40, 'SMS');
    const later = rec('SMS-LATER', 'P-XS', '2026-11-09T10:00:00Z', 'sms', 20, 'SMS');
    for (const records of [
      [early, later],
      [later, early],
    ]) {
      const { rated } = rate(records);
      expect(rated.map((r) => [r.id, r.fromAllowance, r.tag, r.amountMinor])).toEqual([
        ['SMS-EARLY', 40, 'included', 0],
        ['SMS-LATER', 10, 'overage', 90], // 10 over × 9
      ]);
    }
  });

  it('EU roaming is roam-like-at-home: it consumes the allowance and costs the home rate', () => {
    // MOB-XS 3072 MB: 3000 MB in the EU, then 200 MB at home → 72 included, 128 over × 2 c = 256.
    const { rated } = rate([
      rec('EU-1', 'P-XS', '2026-11-02T10:00:00Z', 'data', 3000, 'MB', { zone: 'EU' }),
      rec('HOME-1', 'P-XS', '2026-11-03T10:00:00Z', 'data', 200, 'MB'),
    ]);
    expect(rated.map((r) => [r.id, r.tag, r.zone, r.fromAllowance / 1024, r.amountMinor])).toEqual([
      ['EU-1', 'included', 'EU', 3000, 0],
      ['HOME-1', 'overage', null, 72, 256],
    ]);
  });

  it('roaming outside the EU is charged from the first unit and leaves the allowance alone', () => {
    // MOB-UNL has its own Z2 rates: 5 c/MB; Z3 voice 99 c/min per second: 90 s → 148.5 → 149.
    const { rated } = rate([
      rec('RO-1', 'P-UNL', '2026-11-02T10:00:00Z', 'data', 100, 'MB', { zone: 'Z2' }),
      rec('RO-2', 'P-UNL', '2026-11-02T11:00:00Z', 'voice', 90, 's', { zone: 'Z3' }),
      rec('RO-3', 'P-S', '2026-11-02T12:00:00Z', 'sms', 2, 'SMS', { zone: 'Z3' }),
    ]);
    expect(rated.map((r) => [r.id, r.tag, r.fromAllowance, r.amountMinor])).toEqual([
      ['RO-1', 'roaming', 0, 500],
      ['RO-2', 'roaming', 0, 149],
      ['RO-3', 'roaming', 0, 100], // MOB-S Z3 SMS 50 c × 2
    ]);
  });

  it('zero-rated services neither count nor cost; other services do', () => {
    // MOB-S zero-rates 'messaging' only. 20 GB of messaging, then the full 10 GB allowance is still there.
    const { rated } = rate([
      rec('ZR-1', 'P-S', '2026-11-02T10:00:00Z', 'data', 20 * 1024, 'MB', { service: 'messaging' }),
      rec('ZR-2', 'P-S', '2026-11-03T10:00:00Z', 'data', 10 * 1024, 'MB', { service: 'video' }),
      rec('ZR-3', 'P-S', '2026-11-04T10:00:00Z', 'data', 1, 'MB'),
    ]);
    expect(rated.map((r) => [r.id, r.tag, r.fromAllowance, r.amountMinor])).toEqual([
      ['ZR-1', 'zeroRated', 0, 0],
      ['ZR-2', 'included', 10 * 1024 * 1024, 0],
      ['ZR-3', 'overage', 0, 2],
    ]);
  });

  it('zero-rating is a home benefit: zero-rated service roaming outside the EU is charged', () => {
    expect(one([rec('ZR-4', 'P-S', '2026-11-02T10:00:00Z', 'data', 100, 'MB', { service: 'messaging', zone: 'Z2' })], 'ZR-4')).toMatchObject({ tag: 'roaming', amountMinor: 2000 });
    expect(one([rec('ZR-5', 'P-S', '2026-11-02T10:00:00Z', 'data', 100, 'MB', { service: 'messaging', zone: 'EU' })], 'ZR-5')).toMatchObject({ tag: 'zeroRated', amountMinor: 0 });
  });

  it('per-minute plans round each call up to whole minutes; per-second plans do not', () => {
    expect(one([rec('V1', 'P-XS', '2026-11-02T10:00:00Z', 'voice', 61, 's')], 'V1')).toMatchObject({ ratedQuantity: 120, fromAllowance: 120 });
    expect(one([rec('V2', 'P-S', '2026-11-02T10:00:00Z', 'voice', 61, 's')], 'V2')).toMatchObject({ ratedQuantity: 61, fromAllowance: 61 });
    // Charged: FIX-BASIC 61 s → 2 min × 3 c = 6; MOB-PAYG 61 s × 10 / 60 = 10.17 → 10; 2 min given in min = 120 s.
    expect(one([rec('V3', 'P-FIX', '2026-11-02T10:00:00Z', 'voice', 61, 's')], 'V3').amountMinor).toBe(6);
    expect(one([rec('V4', 'P-PAYG', '2026-11-02T10:00:00Z', 'voice', 61, 's')], 'V4').amountMinor).toBe(10);
    expect(one([rec('V5', 'P-PAYG', '2026-11-02T10:00:00Z', 'voice', 2, 'min')], 'V5')).toMatchObject({ ratedQuantity: 120, amountMinor: 20 });
    // Half-up at exactly half: 3 s × 10 / 60 = 0.5 → 1; 9 s = 1.5 → 2.
    expect(one([rec('V6', 'P-PAYG', '2026-11-02T10:00:00Z', 'voice', 3, 's')], 'V6').amountMinor).toBe(1);
    expect(one([rec('V7', 'P-PAYG', '2026-11-02T10:00:00Z', 'voice', 9, 's')], 'V7').amountMinor).toBe(2);
  });

  it('per-MB plans round each session up to whole MB; per-KB plans do not', () => {
    expect(one([rec('D1', 'P-XS', '2026-11-02T10:00:00Z', 'data', 1, 'KB')], 'D1')).toMatchObject({ ratedQuantity: 1024, fromAllowance: 1024 });
    expect(one([rec('D2', 'P-S', '2026-11-02T10:00:00Z', 'data', 1, 'KB')], 'D2')).toMatchObject({ ratedQuantity: 1, fromAllowance: 1 });
    // Charged: MOB-PAYG 1 KB × 2 / 1024 → 0; 256 KB → 0.5 → 1 (half-up); 1 MB → 2.
    expect(one([rec('D3', 'P-PAYG', '2026-11-02T10:00:00Z', 'data', 1, 'KB')], 'D3').amountMinor).toBe(0);
    expect(one([rec('D4', 'P-PAYG', '2026-11-02T10:00:00Z', 'data', 256, 'KB')], 'D4').amountMinor).toBe(1);
    expect(one([rec('D5', 'P-PAYG', '2026-11-02T10:00:00Z', 'data', 1, 'MB')], 'D5')).toMatchObject({ ratedQuantity: 1024, amountMinor: 2 });
    // MOB-XS once the allowance is gone: 1 KB is billed as a whole MB at 2 c.
    const { rated } = rate([rec('D6', 'P-XS', '2026-11-02T10:00:00Z', 'data', 3 * 1024, 'MB'), rec('D7', 'P-XS', '2026-11-03T10:00:00Z', 'data', 1, 'KB')]);
    expect(rated.map((r) => [r.id, r.amountMinor])).toEqual([
      ['D6', 0],
      ['D7', 2],
    ]);
  });

  it('priced destinations are charged from the first minute and leave the allowance alone', () => {
    // MOB-S (300 min included, per second): international 30 c/min; 120 s → 60.
    const { rated } = rate([
      rec('DE-1', 'P-S', '2026-11-02T10:00:00Z', 'voice', 120, 's', { destination: 'international' }),
      rec('DE-2', 'P-S', '2026-11-03T10:00:00Z', 'voice', 300 * 60, 's', { destination: 'national' }),
    ]);
    expect(rated.map((r) => [r.id, r.tag, r.destination, r.fromAllowance, r.amountMinor])).toEqual([
      ['DE-1', 'destination', 'international', 0, 60],
      ['DE-2', 'included', 'national', 18_000, 0],
    ]);
  });

  it('prorates the allowance of a term covering part of the period', () => {
    // MOB-XS from 21 Nov: 10 of 30 days → 3072 MB × 10 / 30 = 1024 MB. 1100 MB → 76 over × 2 = 152.
    const partial = product('P-XS-NEW', 'mobile', '+34600000120', [term('MOB-XS', '2026-11-21')]);
    expect(one([rec('PA-1', 'P-XS-NEW', '2026-11-25T10:00:00Z', 'data', 1100, 'MB')], 'PA-1', { products: [partial] })).toMatchObject({
      fromAllowance: 1024 * 1024,
      tag: 'overage',
      amountMinor: 152,
    });
    // October (31 days) from the 17th: 15 days → ⌊3072 × 1024 × 15 / 31⌋ = ⌊1 522 126.45⌋ = 1 522 126 KB.
    const octPartial = product('P-XS-OCT', 'mobile', '+34600000121', [term('MOB-XS', '2026-10-17')]);
    const r = one([rec('PA-2', 'P-XS-OCT', '2026-10-20T10:00:00Z', 'data', 2000, 'MB')], 'PA-2', { products: [octPartial], period: OCT });
    expect(r.fromAllowance).toBe(1_522_126);
    // Over: 2000 × 1024 − 1 522 126 = 525 874 KB at 2 c/MB → 1027.10 → 1027.
    expect(r.amountMinor).toBe(1027);
  });

  it('a plan change mid-period gives each term its own prorated allowance', () => {
    // MOB-XS 1–15 Nov (15/30 → 1536 MB), MOB-S 16–30 Nov (15/30 → 5120 MB).
    const changed = product('P-CH', 'mobile', '+34600000122', [term('MOB-XS', '2025-01-01', '2026-11-15'), term('MOB-S', '2026-11-16')]);
    const { rated } = rate(
      [rec('PC-1', 'P-CH', '2026-11-10T10:00:00Z', 'data', 1600, 'MB'), rec('PC-2', 'P-CH', '2026-11-20T10:00:00Z', 'data', 5000, 'MB'), rec('PC-3', 'P-CH', '2026-11-21T10:00:00Z', 'data', 121, 'MB')],
      { products: [changed] },
    );
    expect(rated.map((r) => [r.id, r.offeringId, r.fromAllowance / 1024, r.amountMinor])).toEqual([
      ['PC-1', 'MOB-XS', 1536, 128], // 64 over × 2
      ['PC-2', 'MOB-S', 5000, 0],
      ['PC-3', 'MOB-S', 120, 2], // 1 MB over × 2
    ]);
  });

  it('unlimited allowances include everything', () => {
    const { rated } = rate([
      rec('UL-1', 'P-M', '2026-11-02T10:00:00Z', 'voice', 100_000, 's'),
      rec('UL-2', 'P-M', '2026-11-02T11:00:00Z', 'sms', 5000, 'SMS'),
      rec('UL-3', 'P-UNL', '2026-11-02T12:00:00Z', 'data', 500 * 1024, 'MB'),
    ]);
    expect(rated.map((r) => [r.id, r.tag, r.fromAllowance, r.amountMinor])).toEqual([
      ['UL-1', 'included', 100_000, 0],
      ['UL-2', 'included', 5000, 0],
      ['UL-3', 'included', 500 * 1024 * 1024, 0],
    ]);
  });

  it('tiers continue across records: the second record starts where the first left the overage', () => {
    // MOB-S data overage: 2 c/MB for the first 1 GB over, then 1 c. 10 GB + 1000 MB, then 100 MB.
    const { rated } = rate([rec('T1', 'P-S', '2026-11-02T10:00:00Z', 'data', 10 * 1024 + 1000, 'MB'), rec('T2', 'P-S', '2026-11-03T10:00:00Z', 'data', 100, 'MB')]);
    // T1: 1000 over × 2 = 2000. T2: 24 MB at 2 + 76 MB at 1 = 48 + 76 = 124.
    expect(rated.map((r) => r.amountMinor)).toEqual([2000, 124]);
  });

  it('ties on time are broken by id, then by content, so the result does not depend on arrival order', () => {
    const a = rec('TIE-A', 'P-XS', '2026-11-02T10:00:00Z', 'sms', 30, 'SMS');
    const b = rec('TIE-B', 'P-XS', '2026-11-02T10:00:00Z', 'sms', 30, 'SMS');
    const expected = [
      ['TIE-A', 30, 0],
      ['TIE-B', 20, 90],
    ];
    expect(rate([a, b]).rated.map((r) => [r.id, r.fromAllowance, r.amountMinor])).toEqual(expected);
    expect(rate([b, a]).rated.map((r) => [r.id, r.fromAllowance, r.amountMinor])).toEqual(expected);
  });

  it('a record with an unparseable date does not disturb the time order of the others', () => {
    // Regression: NaN in the sort comparator let the later record take the allowance for some orders.
    const c = rec('c', 'P-XS', '2026-11-01T10:00:00Z', 'sms', 40, 'SMS');
    const a = rec('a', 'P-XS', '2026-11-02T10:00:00Z', 'sms', 40, 'SMS');
    const bad = rec('b', 'P-XS', 'garbage', 'sms', 1, 'SMS');
    const orders = [
      [c, a, bad],
      [c, bad, a],
      [a, c, bad],
      [a, bad, c],
      [bad, c, a],
      [bad, a, c],
    ];
    for (const records of orders) {
      const { rated, rejected } = rate(records);
      expect(rated.map((r) => [r.id, r.amountMinor])).toEqual([
        ['c', 0],
        ['a', 270], // 30 over × 9
      ]);
      expect(rejected.map((r) => [r.record.id, r.code])).toEqual([['b', 'OUTSIDE_PERIOD']]);
    }
  });

  it('re-rating the same records gives the same charges; already-rated ids are not charged twice', () => {
    const records = [rec('RR-1', 'P-PAYG', '2026-11-02T10:00:00Z', 'voice', 100, 's'), rec('RR-2', 'P-PAYG', '2026-11-03T10:00:00Z', 'data', 1500, 'KB')];
    const first = rate(records);
    expect(rate(records)).toEqual(first);
    const second = rate(records, { alreadyRated: new Set(first.rated.map((r) => r.id)) });
    expect(second.rated).toEqual([]);
    expect(second.rejected.map((r) => r.code)).toEqual(['DUPLICATE_ID', 'DUPLICATE_ID']);
  });
});

describe('rating: records carry what they were rated as', () => {
  it('fills the rated record fields', () => {
    const products: BillableProduct[] = [s];
    const r = one([rec('F1', 'P-S', '2026-11-02T10:00:00Z', 'voice', 2, 'min', { destination: 'mobile' })], 'F1', { products });
    expect(r).toEqual({
      id: 'F1',
      productId: 'P-S',
      offeringId: 'MOB-S',
      usageType: 'voice',
      usageDate: '2026-11-02T10:00:00Z',
      ratedQuantity: 120,
      fromAllowance: 120,
      tag: 'included',
      zone: null,
      destination: 'mobile',
      amountMinor: 0,
      status: 'rated',
    });
  });
});
