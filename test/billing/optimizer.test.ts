import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addDays, daysBetween } from '../../shared/calendar.ts';
import { CatalogIndex, type CatalogInput } from '../../shared/billing/catalog.ts';
import { composeBill, type BillAccount } from '../../shared/billing/compose.ts';
import { cycleAt } from '../../shared/billing/cycle.ts';
import { demoCatalogData } from '../../shared/billing/demo-catalog.ts';
import {
  compareCandidate,
  compareOffers,
  eligibility,
  findOffers,
  topOffers,
  type Candidate,
  type Offer,
  type OfferContext,
  type RiskBand,
} from '../../shared/billing/optimizer.ts';
import type { BillableProduct, ProductTerm } from '../../shared/billing/product.ts';
import type { UsageRecord } from '../../shared/billing/usage.ts';

// Demo catalog, cycle day 1, today 2026-04-15: the compared cycles are January (31 days),
// February (28) and March (31) 2026, and fees are priced on the next bill date, 2026-05-01
// (MOB-S still costs 1100 then). The account is 16 months old on that date: no loyalty discount.
const catalog = CatalogIndex.parse(demoCatalogData);
const account: BillAccount = { id: 'ACC-1', accountNo: 'A0001', currency: 'EUR', billCycleDay: 1, openedOn: '2025-01-01' };
const TZ = 'Europe/Madrid';
const AS_OF = '2026-04-15';

function product(id: string, offeringId: string, from = '2025-06-01', more: Partial<BillableProduct> = {}): BillableProduct {
  const kind = catalog.requireOffering(offeringId).kind;
  return { id, kind, identifier: kind === 'mobile' ? `+3460000${id.length}${id.charCodeAt(0)}` : `Calle ${id}`, parentId: null, terms: [{ offeringId, from, to: null }], ...more };
}

let seq = 0;
function use(productId: string, day: string, usageType: UsageRecord['usageType'], quantity: number, unit: UsageRecord['unit'], more: Partial<UsageRecord> = {}): UsageRecord {
  return { id: `U${++seq}`, productId, usageType, usageDate: `${day}T10:00:00Z`, quantity, unit, ...more };
}

/** The same usage in each compared cycle (the 10th of January, February and March). */
function monthly(productId: string, usageType: UsageRecord['usageType'], quantity: number, unit: UsageRecord['unit'], more: Partial<UsageRecord> = {}): UsageRecord[] {
  return ['2026-01-10', '2026-02-10', '2026-03-10'].map((d) => use(productId, d, usageType, quantity, unit, more));
}

function ctx(products: BillableProduct[], usage: UsageRecord[], more: Partial<OfferContext> = {}): OfferContext {
  return { catalog, account, products, timeZone: TZ, asOf: AS_OF, usage, riskBand: 'A', ...more };
}

const brief = (offers: readonly Offer[]) => offers.map((o) => [o.id, o.monthlySavingMinor]);
/** Plan changes only: a lone mobile line is also offered fibre (Fibre + Mobile), tested on its own below. */
const plans = (offers: readonly Offer[]) => offers.filter((o) => o.kind === 'changePlan');
const change = (productId: string, toOfferingId: string): Candidate => ({ kind: 'changePlan', productId, toOfferingId });
const add = (toOfferingId: string): Candidate => ({ kind: 'addService', productId: null, toOfferingId });

// ---- a heavy data user on MOB-XS (700/month, 3 GB, overage per MB: first 1 GB at 2, then 1) ----
//
//            used      XS overage                       XS charge   MOB-S (10 GB; first GB over at 2)
//   January  8192 MB   5120 MB = 1024×2 + 4096×1        6144        0
//   February 6144 MB   3072 MB = 1024×2 + 2048×1        4096        0
//   March   11264 MB   8192 MB = 1024×2 + 7168×1        9216        1024 MB × 2 = 2048
//   total                                              19456        2048
//   average                        19456 / 3 = 6485.33 → 6485       2048 / 3 = 682.67 → 683
//
//   current: 700 + 6485 = 7185          MOB-S: 1100 + 683 = 1783   saving 5402
//   MOB-M (30 GB covers it): 2000       saving 5185
//   MOB-L: 2800 → 4385;  MOB-UNL: 3500 → 3685;  MOB-PAYG: 300 + 2 × 25600 MB / 3 = 17367 → dearer, not offered
const heavyLine = product('L1', 'MOB-XS');
const heavyUsage = [
  use('L1', '2026-01-05', 'data', 4096, 'MB'),
  use('L1', '2026-01-20', 'data', 4096, 'MB'),
  use('L1', '2026-02-10', 'data', 6144, 'MB'),
  use('L1', '2026-03-10', 'data', 11264, 'MB'),
  // Outside the compared cycles: ignored.
  use('L1', '2026-04-02', 'data', 50_000, 'MB'),
  use('L1', '2025-12-20', 'data', 50_000, 'MB'),
];

describe('findOffers: re-rating the customer’s own usage', () => {
  it('offers a heavy data user on MOB-XS a bigger plan, with the exact average saving', () => {
    const offers = plans(findOffers(ctx([heavyLine], heavyUsage)));
    expect(brief(offers)).toEqual([
      ['changePlan:L1:MOB-S', 5402],
      ['changePlan:L1:MOB-M', 5185],
      ['changePlan:L1:MOB-L', 4385],
      ['changePlan:L1:MOB-UNL', 3685],
    ]);
    const best = offers[0] as Offer;
    expect(best).toMatchObject({
      kind: 'changePlan',
      productId: 'L1',
      serviceKind: 'mobile',
      fromOfferingId: 'MOB-XS',
      toOfferingId: 'MOB-S',
      currentMonthlyMinor: 7185,
      newMonthlyMinor: 1783,
      monthlySavingMinor: 5402,
      cyclesCompared: 3,
      reasons: ['SAVES_MONEY'],
    });
    expect(best.params).toMatchObject({ identifier: heavyLine.identifier, offering: 'Mobile S 10 GB', savingMinor: 5402, currency: 'EUR' });
    expect(best.gives).toEqual(['moreData', 'moreMinutes', 'moreSms', 'moreZeroRated', 'cheaperCalls']);
    expect(best.params).toMatchObject({ offering: 'Mobile S 10 GB', fromOffering: 'Mobile XS 3 GB', savingMinor: 5402, cycles: 3 });
    expect(topOffers(offers).map((o) => o.id)).toEqual(['changePlan:L1:MOB-S']);
  });

  it('costs the current setup exactly as composeBill bills it (fees + usage, averaged)', () => {
    // Three real bills carry January, February and March usage: 3 × 700 + 19456 = 21556.
    const bills = ['2026-02-01', '2026-03-01', '2026-04-01'].map(
      (billDate) =>
        composeBill({ catalog, account, products: [heavyLine], billDate, timeZone: TZ, usage: heavyUsage, balance: { previousBalanceMinor: 0, paymentsReceivedMinor: 0, adjustmentsMinor: 0 } }).bill
          .taxExcludedAmountMinor,
    );
    expect(bills).toEqual([700 + 6144, 700 + 4096, 700 + 9216]);
    const cmp = compareCandidate(ctx([heavyLine], heavyUsage), change('L1', 'MOB-S'));
    expect(cmp.currentMonthlyMinor).toBe(Math.round(bills.reduce((s, b) => s + b, 0) / 3));
    expect(cmp).toMatchObject({ currentFixedMinor: 700, currentUsageMinor: 6485, newFixedMinor: 1100, newUsageMinor: 683 });
  });

  it('re-rating the current plan saves exactly zero', () => {
    const c = ctx([heavyLine], heavyUsage);
    expect(compareCandidate(c, change('L1', 'MOB-XS'))).toEqual({
      currentMonthlyMinor: 7185,
      newMonthlyMinor: 7185,
      monthlySavingMinor: 0,
      currentFixedMinor: 700,
      newFixedMinor: 700,
      currentUsageMinor: 6485,
      newUsageMinor: 6485,
      cyclesCompared: 3,
    });
    expect(eligibility(c, change('L1', 'MOB-XS'))).toEqual({ eligible: false, reasons: ['SAME_PLAN'] });
  });

  // A light user on MOB-UNL (3500): 2 GB, 50 minutes and 10 SMS a cycle. XS (3 GB, 100 min,
  // 50 SMS) covers it all: 3500 − 700 = 2800. S: 2400, M: 1500, L: 700. PAYG would charge
  // 2048 MB × 2 + 50 min × 10 + 10 × 9 = 4686 on top of 300: dearer, not offered.
  const lightUsage = (id: string) => [...monthly(id, 'data', 2048, 'MB'), ...monthly(id, 'voice', 50, 'min'), ...monthly(id, 'sms', 10, 'SMS')];

  it('offers a light user on MOB-UNL a cheaper plan once the commitment is over', () => {
    const line = product('U1', 'MOB-UNL', '2025-01-10'); // 12 months' commitment ended 2026-01-10
    const offers = plans(findOffers(ctx([line], lightUsage('U1'))));
    expect(brief(offers)).toEqual([
      ['changePlan:U1:MOB-XS', 2800],
      ['changePlan:U1:MOB-S', 2400],
      ['changePlan:U1:MOB-M', 1500],
      ['changePlan:U1:MOB-L', 700],
    ]);
    // XS gives nothing UNL lacks; the offer is about money alone.
    expect(offers[0]).toMatchObject({ currentMonthlyMinor: 3500, newMonthlyMinor: 700, gives: [], reasons: ['SAVES_MONEY'] });
  });

  it('offers nothing cheaper inside the commitment, but still allows an upgrade', () => {
    const line = product('U1', 'MOB-UNL', '2025-12-01'); // committed until 2026-12-01
    const c = ctx([line], lightUsage('U1'));
    expect(plans(findOffers(c))).toEqual([]);
    expect(eligibility(c, change('U1', 'MOB-XS'))).toEqual({ eligible: false, reasons: ['IN_COMMITMENT'] });

    const fibre = product('F1', 'BB-600', '2025-12-01');
    const f = ctx([fibre], []);
    expect(eligibility(f, change('F1', 'BB-300'))).toEqual({ eligible: false, reasons: ['IN_COMMITMENT'] });
    expect(eligibility(f, change('F1', 'BB-1G'))).toEqual({ eligible: true, reasons: [] });
  });

  it('never pushes a flat-fee service down a tier: the only saving would be getting less', () => {
    // TV Plus (2500, 140 channels) → TV Essentials (1500, 80) would "save" 1000 but gives less;
    // Fibre 1 Gb past its commitment → 300 Mb likewise. Both are eligible, neither is offered.
    const tv = product('T1', 'TV-PLUS', '2024-01-01');
    const fibre = product('F1', 'BB-1G', '2024-01-01');
    const c = ctx([tv, fibre], []);
    expect(eligibility(c, change('T1', 'TV-ESS'))).toEqual({ eligible: true, reasons: [] });
    expect(eligibility(c, change('F1', 'BB-300'))).toEqual({ eligible: true, reasons: [] });
    expect(plans(findOffers(c))).toEqual([]);
  });

  // Roaming-heavy user on MOB-M (2000): each cycle 1000 MB and 100 minutes in zone 2 plus 5 GB at home.
  //   MOB-M roaming Z2: 1000 MB × 20 + 100 min × 60 = 26000 → 28000 a month.
  //   MOB-UNL Z2 rates: 1000 × 5 + 100 × 25 = 7500 → 3500 + 7500 = 11000: saving 17000.
  //   MOB-S (same Z2 rates as M, 10 GB covers home): 1100 + 26000 = 27100: saving 900.
  //   MOB-XS: 700 + 26000 + 2048 MB over (1024×2 + 1024×1 = 3072) = 29772: dearer. MOB-L: 28800: dearer.
  it('moves a roaming-heavy user to the plan with cheaper roaming', () => {
    const line = product('R1', 'MOB-M');
    const usage = [...monthly('R1', 'data', 1000, 'MB', { zone: 'Z2' }), ...monthly('R1', 'voice', 100, 'min', { zone: 'Z2' }), ...monthly('R1', 'data', 5120, 'MB')];
    const offers = plans(findOffers(ctx([line], usage)));
    expect(brief(offers)).toEqual([
      ['changePlan:R1:MOB-UNL', 17000],
      ['changePlan:R1:MOB-S', 900],
    ]);
    expect(offers[0]).toMatchObject({ currentMonthlyMinor: 28000, newMonthlyMinor: 11000, params: { commitmentMonths: 12 } });
    expect(offers[0]?.gives).toEqual(expect.arrayContaining(['unlimitedData', 'cheaperRoaming']));
  });

  // XS with 3272 MB a cycle: 200 MB over at 2 = 400, so 700 + 400 = 1100, exactly MOB-S's fee,
  // and S has more of everything and less of nothing.
  it('offers more for the same price when the totals are equal', () => {
    const line = product('L1', 'MOB-XS');
    const offers = plans(findOffers(ctx([line], monthly('L1', 'data', 3272, 'MB'))));
    expect(offers).toHaveLength(1);
    expect(offers[0]).toMatchObject({
      id: 'changePlan:L1:MOB-S',
      currentMonthlyMinor: 1100,
      newMonthlyMinor: 1100,
      monthlySavingMinor: 0,
      reasons: ['MORE_FOR_SAME_PRICE'],
      params: { identifier: line.identifier, offering: 'Mobile S 10 GB', savingMinor: 0 },
    });
    expect(offers[0]?.gives).toContain('moreData');
  });

  it('prices fees on the next bill date (MOB-S goes from 1100 to 1200 on 2026-07-01)', () => {
    const line = product('L1', 'MOB-XS');
    expect(compareCandidate(ctx([line], [], { asOf: '2026-05-20' }), change('L1', 'MOB-S')).newFixedMinor).toBe(1100);
    expect(compareCandidate(ctx([line], [], { asOf: '2026-06-20' }), change('L1', 'MOB-S')).newFixedMinor).toBe(1200);
  });
});

describe('eligibility rules', () => {
  it('risk band D gets no upgrade, even one that saves money', () => {
    const c = ctx([heavyLine], heavyUsage, { riskBand: 'D' });
    expect(findOffers(c)).toEqual([]);
    expect(eligibility(c, change('L1', 'MOB-S'))).toEqual({ eligible: false, reasons: ['RISK_RAISES_BILL'] });
    // The saving is still real; only the offer is withheld.
    expect(compareCandidate(c, change('L1', 'MOB-S')).monthlySavingMinor).toBe(5402);
  });

  it('risk bands D and E still get downgrades', () => {
    const line = product('U1', 'MOB-UNL', '2025-01-10');
    const usage = [...monthly('U1', 'data', 2048, 'MB')];
    for (const riskBand of ['D', 'E'] as const) {
      expect(findOffers(ctx([line], usage, { riskBand }))[0]).toMatchObject({ id: 'changePlan:U1:MOB-XS', monthlySavingMinor: 2800 });
    }
  });

  it('retired offerings are never offered, even where they would save money', () => {
    // MOB-M (2000) with 7 GB a cycle: the retired MOB-CLASSIC (1500, 8 GB) would save 500.
    const line = product('M1', 'MOB-M');
    const c = ctx([line], monthly('M1', 'data', 7168, 'MB'));
    expect(compareCandidate(c, change('M1', 'MOB-CLASSIC')).monthlySavingMinor).toBe(500);
    expect(eligibility(c, change('M1', 'MOB-CLASSIC'))).toEqual({ eligible: false, reasons: ['RETIRED'] });
    expect(findOffers(c).map((o) => o.toOfferingId)).not.toContain('MOB-CLASSIC');
    // Still valid in November 2025, but retired: status wins over dates.
    expect(eligibility(ctx([line], [], { asOf: '2025-11-15' }), change('M1', 'MOB-CLASSIC')).reasons).toEqual(['RETIRED']);
    // S (1100, 10 GB) is the one real offer: 900. XS would charge 4096 MB over = 1024×2 + 3072×1 = 5120.
    expect(brief(plans(findOffers(c)))).toEqual([['changePlan:M1:MOB-S', 900]]);
  });

  it('still offers plans to a customer on a retired plan', () => {
    const line = product('C1', 'MOB-CLASSIC', '2024-01-01');
    // 8 GB allowance, 6 GB used: S (10 GB, 1100) saves 1500 − 1100 = 400.
    expect(findOffers(ctx([line], monthly('C1', 'data', 6144, 'MB')))[0]).toMatchObject({ id: 'changePlan:C1:MOB-S', monthlySavingMinor: 400 });
  });

  it('compares only the cycles since the product started, and says how many', () => {
    // Started 2026-02-15: only March is a complete cycle. 8 GB on XS: 5120 MB over = 1024×2 + 4096×1 = 6144.
    // Current 700 + 6144 = 6844; S 1100 → 5744; M 2000 → 4844; L 2800 → 4044; UNL 3500 → 3344.
    const line = product('N1', 'MOB-XS', '2026-02-15');
    const usage = [use('N1', '2026-02-20', 'data', 30_000, 'MB'), use('N1', '2026-03-10', 'data', 8192, 'MB')];
    const offers = plans(findOffers(ctx([line], usage)));
    expect(brief(offers)).toEqual([
      ['changePlan:N1:MOB-S', 5744],
      ['changePlan:N1:MOB-M', 4844],
      ['changePlan:N1:MOB-L', 4044],
      ['changePlan:N1:MOB-UNL', 3344],
    ]);
    expect(offers.every((o) => o.cyclesCompared === 1 && o.currentMonthlyMinor === 6844)).toBe(true);
  });

  it('a line without one complete cycle of history gets no plan offers', () => {
    const line = product('N1', 'MOB-XS', '2026-03-10');
    const c = ctx([line], [use('N1', '2026-03-20', 'data', 8192, 'MB')]);
    expect(plans(findOffers(c))).toEqual([]);
    expect(eligibility(c, change('N1', 'MOB-S'))).toEqual({ eligible: false, reasons: ['NO_USAGE_HISTORY'] });
    expect(compareCandidate(c, change('N1', 'MOB-S')).cyclesCompared).toBe(0);
  });

  it('suspended and terminated products get nothing', () => {
    const terminated = product('T1', 'MOB-XS', '2025-06-01', { terms: [{ offeringId: 'MOB-XS', from: '2025-06-01', to: '2026-03-31' }] });
    const suspended = product('S1', 'MOB-XS', '2025-06-01', {
      terms: [
        { offeringId: 'MOB-XS', from: '2025-06-01', to: '2026-04-10' },
        { offeringId: 'MOB-XS', from: '2026-04-20', to: null },
      ],
    });
    const usage = [...monthly('T1', 'data', 8192, 'MB'), ...monthly('S1', 'data', 8192, 'MB')];
    const c = ctx([terminated, suspended], usage);
    expect(findOffers(c)).toEqual([]);
    expect(eligibility(c, change('T1', 'MOB-S'))).toEqual({ eligible: false, reasons: ['PRODUCT_NOT_ACTIVE'] });
    expect(eligibility(c, change('S1', 'MOB-S'))).toEqual({ eligible: false, reasons: ['PRODUCT_NOT_ACTIVE'] });
    expect(() => compareCandidate(c, change('T1', 'MOB-S'))).toThrow(RangeError);
  });

  it('a product with a change already ordered, or being removed, gets no plan offers', () => {
    const pending = product('P1', 'MOB-XS', '2025-06-01', {
      terms: [
        { offeringId: 'MOB-XS', from: '2025-06-01', to: '2026-04-30' },
        { offeringId: 'MOB-M', from: '2026-05-01', to: null },
      ],
    });
    const ending = product('E1', 'MOB-XS', '2025-06-01', { terms: [{ offeringId: 'MOB-XS', from: '2025-06-01', to: '2026-04-30' }] });
    const c = ctx([pending, ending], [...monthly('P1', 'data', 8192, 'MB'), ...monthly('E1', 'data', 8192, 'MB')]);
    expect(findOffers(c).filter((o) => o.kind === 'changePlan')).toEqual([]);
    expect(eligibility(c, change('P1', 'MOB-S')).reasons).toEqual(['CHANGE_PENDING']);
    expect(eligibility(c, change('E1', 'MOB-S')).reasons).toEqual(['PRODUCT_ENDING']);
  });

  it('keeps add-ons riding on a plan that accepts them', () => {
    // XS with phone insurance and no usage: PAYG would save 400, but the insurance cannot ride on PAYG.
    const line = product('L1', 'MOB-XS');
    const insurance: BillableProduct = { ...product('I1', 'MOB-INSURE'), parentId: 'L1' };
    const c = ctx([line, insurance], []);
    expect(compareCandidate(c, change('L1', 'MOB-PAYG')).monthlySavingMinor).toBe(400);
    expect(eligibility(c, change('L1', 'MOB-PAYG'))).toEqual({ eligible: false, reasons: ['ADDON_INCOMPATIBLE'] });
    expect(eligibility(c, change('I1', 'MOB-S')).reasons).toContain('ADD_ON_PRODUCT');
    expect(plans(findOffers(c))).toEqual([]);
  });

  it('does not offer a plan that cannot carry the customer’s usage', () => {
    // A catalog where XS cannot roam in zone 3. An S user with 10 MB in zone 3 a cycle pays
    // 1100 + 10 × 100 = 2100; XS would look like 700 only because the roaming would be refused.
    // PAYG (same zone-3 rate): 300 + 1000 = 1300, a real saving of 800.
    const input = structuredClone(demoCatalogData) as CatalogInput;
    const xs = input.productOffering.find((o) => o.id === 'MOB-XS');
    // The demo's mobiles share one roaming object (structuredClone keeps that sharing): replace, not delete.
    if (xs?.usage) xs.usage.roaming = { Z2: { dataPerMB: 20, voicePerMin: 60, smsPerSms: 30 } };
    const narrow = CatalogIndex.parse(input);
    const line = product('S1', 'MOB-S');
    const c = ctx([line], monthly('S1', 'data', 10, 'MB', { zone: 'Z3' }), { catalog: narrow });
    expect(eligibility(c, change('S1', 'MOB-XS'))).toEqual({ eligible: false, reasons: ['USAGE_NOT_SUPPORTED'] });
    expect(brief(plans(findOffers(c)))).toEqual([['changePlan:S1:MOB-PAYG', 800]]);
  });

  it('rejects what is not a plan of the right kind', () => {
    const c = ctx([product('L1', 'MOB-XS')], []);
    expect(eligibility(c, change('L1', 'NOPE')).reasons).toEqual(['OFFERING_NOT_FOUND']);
    expect(eligibility(c, change('L1', 'BB-300')).reasons).toEqual(['KIND_MISMATCH']);
    expect(eligibility(c, change('L1', 'MOB-INSURE')).reasons).toContain('NOT_A_PLAN');
    expect(eligibility(c, change('X9', 'MOB-S')).reasons).toEqual(['PRODUCT_NOT_FOUND']);
  });
});

describe('bundle completions', () => {
  // Fibre 300 (3000) + MOB-M (2000), no usage: Fibre + Mobile takes 500 → 4500 a month.
  //   Add TV Essentials (1500): Fibre + Mobile + TV takes 10% of 6500 = 650 → 5850: 1350 more (list 1500).
  //   Add TV Plus (2500): 10% of 7500 = 750 → 6750: 2250 more (list 2500).
  //   And the unused MOB-M could be cheaper: PAYG 3300 − 500 → saving 1700; XS 1300; S 900.
  const fibre = product('F1', 'BB-300', '2025-03-01');
  const mobileLine = product('M1', 'MOB-M', '2025-03-01');

  it('offers TV when it completes the triple bundle, ranked after the money savers', () => {
    const offers = findOffers(ctx([fibre, mobileLine], []));
    expect(brief(offers)).toEqual([
      ['changePlan:M1:MOB-PAYG', 1700],
      ['changePlan:M1:MOB-XS', 1300],
      ['changePlan:M1:MOB-S', 900],
      ['addService:tv:TV-ESS', -1350],
      ['addService:tv:TV-PLUS', -2250],
    ]);
    const tv = offers.find((o) => o.id === 'addService:tv:TV-ESS');
    expect(tv).toMatchObject({
      kind: 'addService',
      productId: null,
      serviceKind: 'tv',
      currentMonthlyMinor: 4500,
      newMonthlyMinor: 5850,
      reasons: ['COMPLETES_BUNDLE'],
      gives: ['newService'],
      params: { offering: 'TV Essentials', extraMinor: 1350, listPriceMinor: 1500, bundle: 'Fibre + Mobile + TV discount', bundleId: 'BUNDLE-TRIO' },
    });
    expect(topOffers(offers).map((o) => o.id)).toEqual(['changePlan:M1:MOB-PAYG', 'addService:tv:TV-ESS']);
  });

  // The heavy XS user alone: fibre completes Fibre + Mobile (500 off).
  //   BB-300: 3000 − 500 → 2500 more (list 3000); BB-600: 3300 more; BB-1G: 4000 more.
  //   The usage average (6485) is on both sides: 7185 → 9685 with BB-300.
  it('offers a lone mobile line fibre, after every money-saving plan change', () => {
    const offers = findOffers(ctx([heavyLine], heavyUsage));
    expect(brief(offers)).toEqual([
      ['changePlan:L1:MOB-S', 5402],
      ['changePlan:L1:MOB-M', 5185],
      ['changePlan:L1:MOB-L', 4385],
      ['changePlan:L1:MOB-UNL', 3685],
      ['addService:broadband:BB-300', -2500],
      ['addService:broadband:BB-600', -3300],
      ['addService:broadband:BB-1G', -4000],
    ]);
    expect(offers[4]).toMatchObject({ currentMonthlyMinor: 7185, newMonthlyMinor: 9685, cyclesCompared: 3, params: { bundleId: 'BUNDLE-DUO' } });
    expect(topOffers(offers).map((o) => o.id)).toEqual(['changePlan:L1:MOB-S', 'addService:broadband:BB-300']);
  });

  it('band E gets no new service; band D none that raises the bill', () => {
    const e = ctx([fibre, mobileLine], [], { riskBand: 'E' });
    expect(findOffers(e).filter((o) => o.kind === 'addService')).toEqual([]);
    expect(eligibility(e, add('TV-ESS')).reasons).toEqual(['RISK_NO_NEW_SERVICE', 'RISK_RAISES_BILL']);
    const d = ctx([fibre, mobileLine], [], { riskBand: 'D' });
    expect(eligibility(d, add('TV-ESS')).reasons).toEqual(['RISK_RAISES_BILL']);
    expect(findOffers(d).map((o) => o.id)).toEqual(['changePlan:M1:MOB-PAYG', 'changePlan:M1:MOB-XS', 'changePlan:M1:MOB-S']);
  });

  it('offers no service that completes no bundle', () => {
    const c = ctx([fibre, mobileLine], []);
    expect(eligibility(c, add('FIX-HOME')).reasons).toEqual(['NO_BUNDLE_COMPLETED']);
    // A second mobile line does not yet make three.
    expect(eligibility(c, add('MOB-S')).reasons).toEqual(['NO_BUNDLE_COMPLETED']);
    expect(eligibility(ctx([fibre], []), add('TV-ESS')).reasons).toEqual(['NO_BUNDLE_COMPLETED']);
  });

  // Two MOB-UNL lines (7000, both in commitment) and nothing else.
  //   A third line completes the family discount, 15% of the three lines' fees:
  //     PAYG  300: 7300 − 1095 = 6205 → saving  795       XS  700: 7700 − 1155 = 6545 → 455
  //     S    1100: 8100 − 1215 = 6885 → saving  115       M  2000: 9000 − 1350 = 7650 → −650
  //     L    2800: 9800 − 1470 = 8330 → −1330             UNL 3500: 10500 − 1575 = 8925 → −1925
  //   Fibre completes Fibre + Mobile (500): BB-300 10000 − 500 → −2500; BB-600 → −3300; BB-1G → −4000.
  it('a third line can lower the bill through the family discount', () => {
    const lines = [product('A1', 'MOB-UNL', '2025-12-01'), product('A2', 'MOB-UNL', '2025-12-01')];
    const offers = findOffers(ctx(lines, []));
    expect(brief(offers)).toEqual([
      ['addService:mobile:MOB-PAYG', 795],
      ['addService:mobile:MOB-XS', 455],
      ['addService:mobile:MOB-S', 115],
      ['addService:mobile:MOB-M', -650],
      ['addService:mobile:MOB-L', -1330],
      ['addService:mobile:MOB-UNL', -1925],
      ['addService:broadband:BB-300', -2500],
      ['addService:broadband:BB-600', -3300],
      ['addService:broadband:BB-1G', -4000],
    ]);
    expect(offers[0]).toMatchObject({ reasons: ['SAVES_MONEY', 'COMPLETES_BUNDLE'], params: { bundleId: 'BUNDLE-FAMILY' } });
    expect(offers[0]?.params).toMatchObject({ offering: 'Mobile Pay As You Go', savingMinor: 795, bundle: 'Family lines discount' });
    expect(topOffers(offers).map((o) => o.id)).toEqual(['addService:mobile:MOB-PAYG', 'addService:broadband:BB-300']);
    // Band D: only the additions that lower the committed charge.
    expect(findOffers(ctx(lines, [], { riskBand: 'D' })).map((o) => o.toOfferingId)).toEqual(['MOB-PAYG', 'MOB-XS', 'MOB-S']);
  });
});

// ---- properties over generated accounts ----

const mobilePlans = ['MOB-PAYG', 'MOB-XS', 'MOB-S', 'MOB-M', 'MOB-L', 'MOB-UNL', 'MOB-CLASSIC'] as const;
const bands: readonly RiskBand[] = ['A', 'B', 'C', 'D', 'E'];

const scenario = fc
  .record({
    cycleDay: fc.integer({ min: 1, max: 31 }),
    asOfOffset: fc.integer({ min: 0, max: 300 }),
    band: fc.constantFrom(...bands),
    lines: fc.array(fc.record({ plan: fc.constantFrom(...mobilePlans), startBack: fc.integer({ min: 10, max: 700 }) }), { minLength: 1, maxLength: 3 }),
    fibre: fc.option(fc.constantFrom('BB-300', 'BB-600', 'BB-1G'), { nil: undefined }),
    tv: fc.option(fc.constantFrom('TV-ESS', 'TV-PLUS'), { nil: undefined }),
    usage: fc.array(
      fc.record({
        line: fc.nat(2),
        back: fc.integer({ min: 1, max: 100 }),
        type: fc.constantFrom('data', 'voice', 'sms'),
        quantity: fc.integer({ min: 0, max: 6000 }),
        zone: fc.constantFrom(undefined, undefined, 'EU', 'Z2', 'Z3'),
      }),
      { maxLength: 25 },
    ),
  })
  .map((s): OfferContext => {
    const asOf = addDays('2026-01-01', s.asOfOffset);
    const products: BillableProduct[] = s.lines.map((l, i) => {
      const term: ProductTerm = { offeringId: l.plan, from: addDays(asOf, -l.startBack), to: null };
      return { id: `L${i}`, kind: 'mobile', identifier: `+3460000000${i}`, parentId: null, terms: [term] };
    });
    if (s.fibre) products.push({ id: 'F', kind: 'broadband', identifier: 'Calle F', parentId: null, terms: [{ offeringId: s.fibre, from: addDays(asOf, -400), to: null }] });
    if (s.tv) products.push({ id: 'T', kind: 'tv', identifier: 'Calle T', parentId: null, terms: [{ offeringId: s.tv, from: addDays(asOf, -400), to: null }] });
    const usage: UsageRecord[] = s.usage.map((u, i) => {
      const unit = u.type === 'data' ? 'MB' : u.type === 'voice' ? 'min' : 'SMS';
      const quantity = u.type === 'data' ? u.quantity : Math.floor(u.quantity / 20);
      return {
        id: `G${i}`,
        productId: `L${u.line % s.lines.length}`,
        usageType: u.type,
        usageDate: `${addDays(asOf, -u.back)}T12:00:00Z`,
        quantity,
        unit,
        ...(u.zone ? { zone: u.zone } : {}),
      };
    });
    return ctx(products, usage, { asOf, riskBand: s.band, account: { ...account, billCycleDay: s.cycleDay } });
  });

describe('properties', () => {
  it('every saving is current − new, offers are sorted, and each offer passes its own rules', () => {
    fc.assert(
      fc.property(scenario, (c) => {
        const offers = findOffers(c);
        expect(new Set(offers.map((o) => o.id)).size).toBe(offers.length);
        offers.forEach((o, i) => {
          expect(o.monthlySavingMinor).toBe(o.currentMonthlyMinor - o.newMonthlyMinor);
          if (i > 0) {
            expect(compareOffers(offers[i - 1] as Offer, o)).toBeLessThan(0);
            expect((offers[i - 1] as Offer).monthlySavingMinor).toBeGreaterThanOrEqual(o.monthlySavingMinor);
          }
          expect(o.cyclesCompared).toBeLessThanOrEqual(3);
          expect(catalog.requireOffering(o.toOfferingId).lifecycleStatus).toBe('Active');
          const candidate: Candidate = { kind: o.kind, productId: o.productId, toOfferingId: o.toOfferingId };
          expect(eligibility(c, candidate)).toEqual({ eligible: true, reasons: [] });
          const cmp = compareCandidate(c, candidate);
          expect(cmp.monthlySavingMinor).toBe(o.monthlySavingMinor);
          if (c.riskBand === 'D' || c.riskBand === 'E') expect(cmp.newFixedMinor).toBeLessThanOrEqual(cmp.currentFixedMinor);
          if (c.riskBand === 'E') expect(o.kind).not.toBe('addService');
          if (o.kind === 'changePlan') {
            expect(o.fromOfferingId).not.toBe(o.toOfferingId);
            expect(o.monthlySavingMinor > 0 || (o.monthlySavingMinor === 0 && o.reasons.includes('MORE_FOR_SAME_PRICE'))).toBe(true);
          } else {
            expect(o.reasons).toContain('COMPLETES_BUNDLE');
            expect(-o.monthlySavingMinor).toBeLessThan(catalog.recurringPrice(o.toOfferingId, cycleAt(c.asOf, c.account.billCycleDay, 1).start));
          }
        });
        const top = topOffers(offers);
        expect(new Set(top.map((o) => `${o.kind}:${o.productId ?? o.serviceKind}`)).size).toBe(top.length);
      }),
      { numRuns: 60 },
    );
  }, 30_000);

  it('re-rating any line on its own plan saves exactly zero', () => {
    fc.assert(
      fc.property(scenario, (c) => {
        for (const p of c.products) {
          const own = (p.terms[0] as ProductTerm).offeringId;
          const cmp = compareCandidate(c, { kind: 'changePlan', productId: p.id, toOfferingId: own });
          expect(cmp.monthlySavingMinor).toBe(0);
          expect(cmp.newMonthlyMinor).toBe(cmp.currentMonthlyMinor);
        }
      }),
      { numRuns: 40 },
    );
  }, 30_000);

  it('the compared cycles are the complete ones before today', () => {
    // Sanity of the window the generator draws usage from: three whole cycles end the day before the current one starts.
    const c = cycleAt('2026-04-15', 1, -3);
    expect(c.start).toBe('2026-01-01');
    expect(daysBetween(c.start, cycleAt('2026-04-15', 1, 0).start)).toBe(31 + 28 + 31);
  });
});
