import { describe, expect, it } from 'vitest';
import { Catalog, CatalogIndex, type CatalogInput } from '../../shared/billing/catalog.ts';
import { catalog, demoCatalogCopy } from './fixtures/kit.ts';

/** Parses a modified copy of the demo catalog and returns the issue messages. */
function issues(edit: (c: CatalogInput) => void): string[] {
  const copy = demoCatalogCopy();
  edit(copy);
  const result = Catalog.safeParse(copy);
  return result.success ? [] : result.error.issues.map((i) => i.message);
}

function offering(c: CatalogInput, id: string): CatalogInput['productOffering'][number] {
  const o = c.productOffering.find((x) => x.id === id);
  if (!o) throw new Error(`no ${id}`);
  return o;
}

describe('the demo catalog', () => {
  it('is a valid catalog', () => {
    expect(Catalog.safeParse(demoCatalogCopy()).success).toBe(true);
    expect(catalog.catalog.id).toBe('ONEBILL-ES-2026');
    expect(catalog.catalog.currency).toBe('EUR');
  });

  it('has the tax categories the golden bills rely on', () => {
    expect(catalog.taxRateBps('VAT-STD')).toBe(2100);
    expect(catalog.taxRateBps('IPS')).toBe(800);
    expect(catalog.taxRateBps('NOT-SUBJECT')).toBe(0);
    expect(() => catalog.taxRateBps('VAT-XX')).toThrow(RangeError);
  });

  it('prices by date: the latest price in force wins', () => {
    expect(catalog.recurringPrice('MOB-S', '2026-06-30')).toBe(1100);
    expect(catalog.recurringPrice('MOB-S', '2026-07-01')).toBe(1200);
    expect(catalog.recurringPrice('BB-1G', '2026-11-01')).toBe(4500);
    expect(() => catalog.recurringPrice('MOB-S', '2019-12-31')).toThrow(/no recurring price/);
    expect(() => catalog.recurringPrice('NOPE', '2026-01-01')).toThrow(/not in catalog/);
  });

  it('has a non-zero activation fee on BB-300 only', () => {
    const fees = catalog.catalog.productOffering.map((o) => [o.id, catalog.activationFee(o.id, '2026-11-01')] as const).filter(([, fee]) => fee > 0);
    expect(fees).toEqual([['BB-300', 3000]]);
    // An offering with no one-time price at all falls back to 0.
    expect(catalog.activationFee('TV-ESS', '2026-11-01')).toBe(0);
  });

  it('defaults optional tariff fields while parsing', () => {
    expect(catalog.requireOffering('MOB-XS').usage?.data?.zeroRated).toEqual([]);
    expect(catalog.requireOffering('FIX-BASIC').usage?.roaming).toEqual({});
    expect(catalog.requireOffering('BB-300').commitmentMonths).toBe(0);
    expect(catalog.requireOffering('MOB-UNL').commitmentMonths).toBe(12);
    expect(catalog.requireOffering('MOB-UNL').usage?.roaming['Z2']).toEqual({ dataPerMB: 5, voicePerMin: 25, smsPerSms: 15 });
  });

  it('looks up zones and offerings', () => {
    expect(catalog.zone('EU')).toEqual({ id: 'EU', name: 'EU and EEA', roamLikeAtHome: true });
    expect(catalog.zone('MARS')).toBeUndefined();
    expect(catalog.offering('NOPE')).toBeUndefined();
    expect(() => catalog.requireOffering('NOPE')).toThrow(RangeError);
  });

  it('sells what is active and in date; the retired classic plan is not sellable', () => {
    const ids = catalog.sellable('2026-11-01').map((o) => o.id);
    expect(ids).not.toContain('MOB-CLASSIC');
    expect(ids).toContain('MOB-S');
    expect(ids).toHaveLength(catalog.catalog.productOffering.length - 1);
    // But it can still be priced for the customers who have it.
    expect(catalog.recurringPrice('MOB-CLASSIC', '2025-06-01')).toBe(1500);
  });

  it('offers the fibre promotion only inside its dates', () => {
    const on = (date: string) => catalog.discountsOn(date).map((d) => d.id);
    expect(on('2024-12-31')).not.toContain('PROMO-FIBRE-HALF');
    expect(on('2025-01-01')).toContain('PROMO-FIBRE-HALF');
    expect(on('2027-06-30')).toContain('PROMO-FIBRE-HALF');
    expect(on('2027-07-01')).toEqual(['BUNDLE-DUO', 'BUNDLE-TRIO', 'BUNDLE-FAMILY', 'LOYALTY-3Y']);
  });
});

describe('catalog validation', () => {
  it('rejects an unknown tax category wherever it is used', () => {
    expect(issues((c) => (offering(c, 'MOB-S').taxCategory = 'VAT-X'))).toEqual(['offering MOB-S: unknown tax category VAT-X']);
    expect(issues((c) => (c.fees.latePayment.taxCategory = 'VAT-X'))).toEqual(['late payment fee: unknown tax category VAT-X']);
  });

  it('rejects duplicate offerings, offerings without a monthly price, unknown zones, add-ons to nothing', () => {
    expect(issues((c) => c.productOffering.push({ ...offering(c, 'TV-ESS') }))).toEqual(['duplicate offering id TV-ESS']);
    expect(issues((c) => (offering(c, 'TV-ESS').productOfferingPrice = [{ priceType: 'oneTime', chargeEvent: 'activation', amountMinor: 100, validFor: { startDate: '2020-01-01' } }]))).toEqual([
      'offering TV-ESS has no recurring price',
    ]);
    expect(
      issues((c) => {
        const usage = offering(c, 'MOB-S').usage;
        if (!usage) throw new Error('MOB-S has usage');
        usage.roaming = { Z9: { dataPerMB: 1, voicePerMin: 1, smsPerSms: 1 } };
      }),
    ).toEqual(['offering MOB-S: unknown roaming zone Z9']);
    expect(issues((c) => (offering(c, 'TV-KIDS').addOnTo = ['TV-NONE']))).toEqual(['offering TV-KIDS: add-on to unknown TV-NONE']);
  });

  it('rejects a promotion on an unknown offering', () => {
    expect(
      issues((c) => {
        const promo = c.discounts.find((d) => d.id === 'PROMO-FIBRE-HALF');
        if (promo?.condition.type !== 'promotion') throw new Error('promotion expected');
        promo.condition.offeringIds = ['BB-10G'];
      }),
    ).toEqual(['discount PROMO-FIBRE-HALF: unknown offering BB-10G']);
  });

  it('rejects bad tiers: an unbounded tier before the last, decreasing bounds, a bounded last tier', () => {
    const setTiers = (tiers: { upTo: number | null; rateMinor: number }[]) =>
      issues((c) => {
        const data = offering(c, 'MOB-XS').usage?.data;
        if (!data) throw new Error('MOB-XS has data');
        data.overage = tiers;
      });
    expect(setTiers([{ upTo: null, rateMinor: 1 }])).toEqual([]);
    expect(setTiers([{ upTo: 100, rateMinor: 1 }])).toEqual(['the last tier must be open (upTo: null)']);
    expect(setTiers([{ upTo: 100, rateMinor: 2 }, { upTo: 50, rateMinor: 1 }, { upTo: null, rateMinor: 1 }])).toEqual(['tier bounds must increase']);
    expect(setTiers([{ upTo: null, rateMinor: 2 }, { upTo: null, rateMinor: 1 }])).toEqual(['tier bounds must increase']);
    expect(setTiers([])).toContain('the last tier must be open (upTo: null)');
  });

  it('rejects bad ids, negative amounts, rates above 100%, inverted dates', () => {
    expect(issues((c) => (offering(c, 'FIX-HOME').id = 'fix-home'))).toEqual(['catalog ids are upper-case letters, digits and dashes']);
    expect(issues((c) => ((offering(c, 'TV-ESS').productOfferingPrice[0] as { amountMinor: number }).amountMinor = -1))).toHaveLength(1);
    expect(issues((c) => ((offering(c, 'TV-ESS').productOfferingPrice[0] as { amountMinor: number }).amountMinor = 10.5))).toHaveLength(1);
    expect(issues((c) => ((c.taxCategories[0] as { rateBps: number }).rateBps = 10_001))).toHaveLength(1);
    expect(issues((c) => (offering(c, 'TV-ESS').validFor = { startDate: '2026-01-02', endDate: '2026-01-01' }))).toEqual(['validFor ends before it starts']);
    expect(issues((c) => ((c as { extra?: number }).extra = 1))).toHaveLength(1);
  });

  it('on overlapping prices, the one that started latest applies', () => {
    const copy = demoCatalogCopy();
    offering(copy, 'TV-ESS').productOfferingPrice = [
      { priceType: 'recurring', recurringChargePeriod: 'month', amountMinor: 1500, validFor: { startDate: '2020-01-01' } },
      { priceType: 'recurring', recurringChargePeriod: 'month', amountMinor: 999, validFor: { startDate: '2026-12-01', endDate: '2026-12-31' } },
    ];
    const index = CatalogIndex.parse(copy);
    expect(index.recurringPrice('TV-ESS', '2026-11-30')).toBe(1500);
    expect(index.recurringPrice('TV-ESS', '2026-12-01')).toBe(999);
    expect(index.recurringPrice('TV-ESS', '2026-12-31')).toBe(999);
    expect(index.recurringPrice('TV-ESS', '2027-01-01')).toBe(1500);
  });
});
