import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CustomerBill, type BillLine, type LineCause, type ServiceSection } from '../../shared/billing/bill.ts';
import { explainBill, type BillExplanation, type ChangeCause, type ExplanationItem } from '../../shared/billing/explain.ts';
import type { ProductKind } from '../../shared/domain/product.ts';
import { CatalogIndex } from '../../shared/billing/catalog.ts';
import { composeBill, type BillRunInput } from '../../shared/billing/compose.ts';
import { demoCatalogData } from '../../shared/billing/demo-catalog.ts';
import type { BillableProduct } from '../../shared/billing/product.ts';
import { Translator } from '../../shared/i18n/translator.ts';
import { changeText } from '../../renderer/src/lib/bill-text.ts';

// ---- a small builder: lines and sections in, a bill whose totals add up out ----

let nextLineId = 0;
type LineInput = Pick<BillLine, 'cause' | 'amountMinor'> & Partial<BillLine>;

function line(input: LineInput): BillLine {
  return {
    id: `L${++nextLineId}`,
    productId: null,
    lineType: 'recurring',
    description: input.cause,
    params: {},
    period: null,
    quantity: null,
    taxCategory: 'VAT-STD',
    sourceId: 'SRC',
    ...input,
  };
}

/** A line on product `productId` (the usual case inside a service section). */
function on(productId: string, input: LineInput): BillLine {
  return line({ productId, ...input });
}

function section(productId: string, kind: ProductKind, identifier: string, offeringId: string, offeringName: string, lines: BillLine[]): ServiceSection {
  return { productId, kind, identifier, offeringId, offeringName, lines, subtotalMinor: lines.reduce((s, l) => s + l.amountMinor, 0) };
}

function bill(parts: { services?: ServiceSection[]; accountItems?: BillLine[]; taxMinor?: number; balanceForwardMinor?: number; currency?: string }): CustomerBill {
  const services = parts.services ?? [];
  const accountItems = parts.accountItems ?? [];
  const taxMinor = parts.taxMinor ?? 0;
  const excluded = [...services.flatMap((s) => s.lines), ...accountItems].reduce((s, l) => s + l.amountMinor, 0);
  const forward = parts.balanceForwardMinor ?? 0;
  // Parsed, so every fixture is a bill the schema accepts (totals included).
  return CustomerBill.parse({
    '@type': 'CustomerBill',
    id: 'B',
    billNo: 'B-1',
    accountId: 'A',
    currency: parts.currency ?? 'EUR',
    billDate: '2026-05-01',
    billingPeriod: { start: '2026-05-01', end: '2026-05-31' },
    usagePeriod: { start: '2026-04-01', end: '2026-04-30' },
    paymentDueDate: '2026-05-15',
    services,
    accountItems,
    taxItems: [{ taxCategory: 'VAT-STD', name: 'VAT 21%', rateBps: 2100, taxableMinor: excluded, taxMinor }],
    taxExcludedAmountMinor: excluded,
    taxMinor,
    taxIncludedAmountMinor: excluded + taxMinor,
    previousBalanceMinor: forward,
    paymentsReceivedMinor: 0,
    adjustmentsMinor: 0,
    balanceForwardMinor: forward,
    amountDueMinor: Math.max(0, forward + excluded + taxMinor),
    creditCarriedMinor: 0,
    remainingAmountMinor: excluded + taxMinor,
    state: 'new',
  });
}

const MSISDN = '+34 600 000 001';
const mobile = (offeringId: string, offeringName: string, lines: BillLine[]) => section('P-MOB', 'mobile', MSISDN, offeringId, offeringName, lines);
const mobileFee = (amountMinor: number, sourceId = 'MOB-S') => on('P-MOB', { cause: 'recurring', amountMinor, sourceId });
const tv = (lines: BillLine[]) => section('P-TV', 'tv', 'Calle Mayor 1, Madrid', 'TV-PLUS', 'TV Plus', lines);
const tvFee = () => on('P-TV', { cause: 'recurring', amountMinor: 2500, sourceId: 'TV-PLUS' });
const duo = (amountMinor: number) => line({ cause: 'bundleDiscount', lineType: 'discount', amountMinor, sourceId: 'BUNDLE-DUO', description: 'Fibre + Mobile discount', params: { discount: 'Fibre + Mobile discount' } });

const english = new Translator('en');
/**
 * An item as the Bill screen says it in English (service, then sentence): the engine gives codes
 * and facts only, renderer/src/lib/bill-text.ts says them. An empty bill, so the service is named
 * from the item itself, as for a service no longer billed.
 */
function said(item: ExplanationItem): string {
  const text = changeText(item, bill({}), english);
  return `${text.service}: ${text.sentence}`;
}
/** The one item of an explanation, checked to be the only one, with what the screen says of it. */
function only(explanation: BillExplanation): ExplanationItem & { said: string } {
  expect(explanation.items).toHaveLength(1);
  const [item] = explanation.items;
  if (item === undefined) throw new Error('no item');
  return { ...item, said: said(item) };
}
function summary(explanation: BillExplanation) {
  return explanation.items.map((i) => ({ cause: i.cause, amountMinor: i.amountMinor, said: said(i) }));
}

describe('explainBill: one cause at a time', () => {
  const base = [mobileFee(1100)];

  it('newService: a service that was not on the last bill', () => {
    const e = explainBill(bill({ services: [mobile('MOB-S', 'Mobile S 10 GB', base), tv([tvFee()])] }), bill({ services: [mobile('MOB-S', 'Mobile S 10 GB', base)] }));
    expect(only(e)).toMatchObject({ productId: 'P-TV', service: { offeringName: 'TV Plus' }, cause: 'newService', amountMinor: 2500, said: 'TV Plus: New service: €25.00 more.' });
    expect(e.differenceMinor).toBe(2500);
  });

  it('removedService: a service that is gone', () => {
    const e = explainBill(bill({ services: [mobile('MOB-S', 'Mobile S 10 GB', base)] }), bill({ services: [mobile('MOB-S', 'Mobile S 10 GB', base), tv([tvFee()])] }));
    expect(only(e)).toMatchObject({ cause: 'removedService', amountMinor: -2500, said: 'TV Plus: Service removed: €25.00 less.' });
    expect(only(e).params).toEqual({ direction: 'less', absAmountMinor: 2500, currency: 'EUR', previousMinor: 2500, currentMinor: 0 });
  });

  it('removedService also when the section stays for the removal credit but the monthly fee is gone', () => {
    const credit = on('P-TV', { cause: 'removedService', lineType: 'proration', amountMinor: -1000, sourceId: 'TV-PLUS' });
    const e = explainBill(bill({ services: [tv([credit])] }), bill({ services: [tv([tvFee()])] }));
    expect(summary(e)).toEqual([
      { cause: 'removedService', amountMinor: -2500, said: 'TV Plus: Service removed: €25.00 less.' },
      { cause: 'proration', amountMinor: -1000, said: 'TV Plus: Charges for part of a month: €10.00 less.' },
    ]);
  });

  it('planChange: another offering on the same line, named from the sections', () => {
    const e = explainBill(bill({ services: [mobile('MOB-L', 'Mobile L 100 GB', [mobileFee(2800, 'MOB-L')])] }), bill({ services: [mobile('MOB-S', 'Mobile S 10 GB', base)] }));
    expect(only(e)).toMatchObject({
      cause: 'planChange',
      amountMinor: 1700,
      said: 'Mobile +34 600 000 001: Plan changed from Mobile S 10 GB to Mobile L 100 GB: €17.00 more.',
      params: { fromPlan: 'Mobile S 10 GB', toPlan: 'Mobile L 100 GB' },
    });
  });

  it('planChange on broadband: labelled by its new plan, both plans named from the sections', () => {
    const fibre = (offeringId: string, name: string, amountMinor: number) => section('P-BB', 'broadband', 'Calle Mayor 1', offeringId, name, [on('P-BB', { cause: 'recurring', amountMinor, sourceId: offeringId })]);
    const e = explainBill(bill({ services: [fibre('BB-1G', 'Fibre 1 Gb', 4500)] }), bill({ services: [fibre('BB-300', 'Fibre 300 Mb', 3000)] }));
    expect(only(e)).toMatchObject({ service: { offeringName: 'Fibre 1 Gb' }, cause: 'planChange', amountMinor: 1500, said: 'Fibre 1 Gb: Plan changed from Fibre 300 Mb to Fibre 1 Gb: €15.00 more.', params: { fromPlan: 'Fibre 300 Mb', toPlan: 'Fibre 1 Gb' } });
  });

  it('priceChange: same offering, new price', () => {
    const e = explainBill(bill({ services: [mobile('MOB-S', 'Mobile S 10 GB', [mobileFee(1200)])] }), bill({ services: [mobile('MOB-S', 'Mobile S 10 GB', base)] }));
    expect(only(e)).toMatchObject({ cause: 'priceChange', amountMinor: 100, said: 'Mobile +34 600 000 001: Monthly fee changed: €1.00 more.' });
  });

  it('proration: part-month charges appear, then disappear on the next bill', () => {
    const part = on('P-TV', { cause: 'newService', lineType: 'proration', amountMinor: 1700, sourceId: 'TV-PLUS' });
    const withProration = bill({ services: [tv([tvFee(), part])] });
    const first = explainBill(withProration, null);
    expect(summary(first)).toEqual([
      { cause: 'newService', amountMinor: 2500, said: 'TV Plus: New service: €25.00 more.' },
      { cause: 'proration', amountMinor: 1700, said: 'TV Plus: Charges for part of a month: €17.00 more.' },
    ]);
    const next = explainBill(bill({ services: [tv([tvFee()])] }), withProration);
    expect(summary(next)).toEqual([{ cause: 'proration', amountMinor: -1700, said: 'TV Plus: Charges for part of a month: €17.00 less.' }]);
  });

  it('proration lines of all three kinds on one product are one item', () => {
    const lines = [
      on('P-MOB', { cause: 'planChange', lineType: 'proration', amountMinor: -550, sourceId: 'MOB-S' }),
      on('P-MOB', { cause: 'planChange', lineType: 'proration', amountMinor: 1400, sourceId: 'MOB-L' }),
    ];
    const e = explainBill(bill({ services: [mobile('MOB-S', 'Mobile S 10 GB', [...base, ...lines])] }), bill({ services: [mobile('MOB-S', 'Mobile S 10 GB', base)] }));
    expect(only(e)).toMatchObject({ cause: 'proration', amountMinor: 850, said: 'Mobile +34 600 000 001: Charges for part of a month: €8.50 more.' });
  });

  it('usageOverAllowance per usage type, told by the quantity unit', () => {
    // As compose.ts writes them: every usage param present, the irrelevant ones empty.
    const data = on('P-MOB', { cause: 'usageOverAllowance', lineType: 'usage', amountMinor: 300, quantity: { amount: 150, unit: 'MB' }, params: { usageType: 'data', zone: '', destination: '' } });
    const texts = on('P-MOB', { cause: 'usageOverAllowance', lineType: 'usage', amountMinor: 45, quantity: { amount: 5, unit: 'SMS' } });
    const e = explainBill(bill({ services: [mobile('MOB-S', 'Mobile S 10 GB', [...base, data, texts])] }), bill({ services: [mobile('MOB-S', 'Mobile S 10 GB', base)] }));
    expect(summary(e)).toEqual([
      { cause: 'usageOverAllowance', amountMinor: 300, said: 'Mobile +34 600 000 001: Data over the allowance: €3.00 more.' },
      { cause: 'usageOverAllowance', amountMinor: 45, said: 'Mobile +34 600 000 001: Texts over the allowance: €0.45 more.' },
    ]);
    expect(e.items[0]?.params.usageType).toBe('data');
  });

  it('roaming per zone, both ways', () => {
    const roam = (amountMinor: number, zone: string) => on('P-MOB', { cause: 'roaming', lineType: 'usage', amountMinor, params: { zone } });
    const now = bill({ services: [mobile('MOB-S', 'Mobile S 10 GB', [...base, roam(1240, 'Rest of the world'), roam(200, 'Rest of Europe, USA and Canada')])] });
    const before = bill({ services: [mobile('MOB-S', 'Mobile S 10 GB', [...base, roam(600, 'Rest of Europe, USA and Canada')])] });
    expect(summary(explainBill(now, before))).toEqual([
      { cause: 'roaming', amountMinor: 1240, said: 'Mobile +34 600 000 001: Roaming in Rest of the world: €12.40 more.' },
      { cause: 'roaming', amountMinor: -400, said: 'Mobile +34 600 000 001: Roaming in Rest of Europe, USA and Canada: €4.00 less.' },
    ]);
  });

  it('destination calls on a home phone', () => {
    const home = (lines: BillLine[]) => section('P-FIX', 'fixed', '+34 910 000 000', 'FIX-HOME', 'Home Phone 1000 min', [on('P-FIX', { cause: 'recurring', amountMinor: 1000, sourceId: 'FIX-HOME' }), ...lines]);
    const intl = on('P-FIX', { cause: 'destination', lineType: 'usage', amountMinor: 210, params: { destination: 'international' }, quantity: { amount: 7, unit: 'min' } });
    const e = explainBill(bill({ services: [home([intl])] }), bill({ services: [home([])] }));
    expect(only(e)).toMatchObject({ service: { kind: 'fixed', identifier: '+34 910 000 000' }, cause: 'destination', amountMinor: 210, said: 'Fixed line +34 910 000 000: International calls: €2.10 more.' });
  });

  it('discountStarted, discountEnded, discountChanged', () => {
    const services = [mobile('MOB-S', 'Mobile S 10 GB', base)];
    const withDuo = bill({ services, accountItems: [duo(-500)] });
    const without = bill({ services });
    expect(only(explainBill(withDuo, without))).toMatchObject({ productId: null, service: null, cause: 'discountStarted', amountMinor: -500, said: 'Your account: Fibre + Mobile discount started: €5.00 less.' });
    expect(only(explainBill(without, withDuo))).toMatchObject({ cause: 'discountEnded', amountMinor: 500, said: 'Your account: Fibre + Mobile discount ended: €5.00 more.' });
    const loyalty = (amountMinor: number) => line({ cause: 'loyaltyDiscount', lineType: 'discount', amountMinor, sourceId: 'LOYALTY-3Y', description: 'Loyalty discount (3 years with us)' });
    expect(only(explainBill(bill({ services, accountItems: [loyalty(-175)] }), bill({ services, accountItems: [loyalty(-150)] })))).toMatchObject({
      cause: 'discountChanged',
      amountMinor: -25,
      said: 'Your account: Loyalty discount (3 years with us) changed: €0.25 less.',
      params: { name: 'Loyalty discount (3 years with us)' },
    });
  });

  it('one bundle discount replaced by another is one ended and one started', () => {
    const services = [mobile('MOB-S', 'Mobile S 10 GB', base)];
    const trio = line({ cause: 'bundleDiscount', lineType: 'discount', amountMinor: -810, sourceId: 'BUNDLE-TRIO', params: { discount: 'Fibre + Mobile + TV discount' } });
    expect(summary(explainBill(bill({ services, accountItems: [trio] }), bill({ services, accountItems: [duo(-500)] })))).toEqual([
      { cause: 'discountStarted', amountMinor: -810, said: 'Your account: Fibre + Mobile + TV discount started: €8.10 less.' },
      { cause: 'discountEnded', amountMinor: 500, said: 'Your account: Fibre + Mobile discount ended: €5.00 more.' },
    ]);
  });

  it('a promotion on one product names the service', () => {
    const fibre = (lines: BillLine[]) => section('P-BB', 'broadband', 'Calle Mayor 1', 'BB-1G', 'Fibre 1 Gb', [on('P-BB', { cause: 'recurring', amountMinor: 4500, sourceId: 'BB-1G' }), ...lines]);
    const promo = on('P-BB', { cause: 'promotion', lineType: 'discount', amountMinor: -2250, sourceId: 'PROMO-FIBRE-HALF', params: { discount: 'Fibre at half price for 6 months' } });
    expect(only(explainBill(bill({ services: [fibre([])] }), bill({ services: [fibre([promo])] })))).toMatchObject({
      cause: 'discountEnded',
      amountMinor: 2250,
      said: 'Fibre 1 Gb: Fibre at half price for 6 months ended: €22.50 more.',
    });
  });

  it('oneTimeFee and lateFee', () => {
    const fibre = (lines: BillLine[]) => section('P-BB', 'broadband', 'Calle Mayor 1', 'BB-300', 'Fibre 300 Mb', [on('P-BB', { cause: 'recurring', amountMinor: 3000, sourceId: 'BB-300' }), ...lines]);
    const activation = on('P-BB', { cause: 'activationFee', lineType: 'oneTime', amountMinor: 3000, sourceId: 'BB-300' });
    const late = line({ cause: 'lateFee', lineType: 'oneTime', amountMinor: 500, taxCategory: 'NOT-SUBJECT', sourceId: 'LATE' });
    expect(summary(explainBill(bill({ services: [fibre([activation])], accountItems: [late] }), bill({ services: [fibre([])] })))).toEqual([
      { cause: 'oneTimeFee', amountMinor: 3000, said: 'Fibre 300 Mb: One-off activation fee: €30.00 more.' },
      { cause: 'lateFee', amountMinor: 500, said: 'Your account: Late payment fee: €5.00 more.' },
    ]);
  });

  it('tax is one item: the change in taxMinor', () => {
    const services = [mobile('MOB-S', 'Mobile S 10 GB', base)];
    const e = explainBill(bill({ services, taxMinor: 543 }), bill({ services, taxMinor: 231 }));
    expect(only(e)).toMatchObject({ productId: null, cause: 'tax', amountMinor: 312, said: 'Your account: Tax: €3.12 more.', params: { previousMinor: 231, currentMinor: 543 } });
  });

  it('an add-on billed in its base service section is added, not a plan change', () => {
    const sports = on('P-TV', { cause: 'recurring', amountMinor: 1800, sourceId: 'TV-SPORTS', description: 'Sports add-on, monthly fee', params: { offering: 'Sports add-on' } });
    const e = explainBill(bill({ services: [tv([tvFee(), sports])] }), bill({ services: [tv([tvFee()])] }));
    expect(only(e)).toMatchObject({ productId: 'P-TV', service: { offeringName: 'TV Plus' }, cause: 'newService', amountMinor: 1800, said: 'TV Plus: Sports add-on added: €18.00 more.' });
  });

  it('an add-on with its own product id, riding in its base section, is named after both', () => {
    const kids = (amountMinor: number) => on('P-KIDS', { cause: 'recurring', amountMinor, sourceId: 'TV-KIDS', description: 'Kids add-on' });
    expect(only(explainBill(bill({ services: [tv([tvFee()])] }), bill({ services: [tv([tvFee(), kids(500)])] })))).toMatchObject({
      productId: 'P-KIDS',
      service: { offeringName: 'TV Plus' },
      cause: 'removedService',
      said: 'TV Plus: Kids add-on removed: €5.00 less.',
    });
    expect(only(explainBill(bill({ services: [tv([tvFee(), kids(550)])] }), bill({ services: [tv([tvFee(), kids(500)])] })))).toMatchObject({
      cause: 'priceChange',
      said: 'TV Plus: Monthly fee for Kids add-on changed: €0.50 more.',
    });
  });
});

describe('explainBill: the whole explanation', () => {
  it('a realistic month: items biggest first, adding up to the difference', () => {
    const roam = on('P-MOB', { cause: 'roaming', lineType: 'usage', amountMinor: 1240, params: { zone: 'Rest of the world' } });
    const before = bill({ services: [mobile('MOB-S', 'Mobile S 10 GB', [mobileFee(1100)]), tv([tvFee()])], accountItems: [duo(-500)], taxMinor: 651, balanceForwardMinor: 9999 });
    const now = bill({ services: [mobile('MOB-S', 'Mobile S 10 GB', [mobileFee(1200), roam])], taxMinor: 512, balanceForwardMinor: 0 });
    const e = explainBill(now, before);
    expect(e.previousTotalMinor).toBe(1100 + 2500 - 500 + 651);
    expect(e.currentTotalMinor).toBe(1200 + 1240 + 512);
    expect(e.differenceMinor).toBe(-799);
    expect(summary(e)).toEqual([
      { cause: 'removedService', amountMinor: -2500, said: 'TV Plus: Service removed: €25.00 less.' },
      { cause: 'roaming', amountMinor: 1240, said: 'Mobile +34 600 000 001: Roaming in Rest of the world: €12.40 more.' },
      { cause: 'discountEnded', amountMinor: 500, said: 'Your account: Fibre + Mobile discount ended: €5.00 more.' },
      { cause: 'tax', amountMinor: -139, said: 'Your account: Tax: €1.39 less.' },
      { cause: 'priceChange', amountMinor: 100, said: 'Mobile +34 600 000 001: Monthly fee changed: €1.00 more.' },
    ]);
    expect(e.items.reduce((s, i) => s + i.amountMinor, 0)).toBe(e.differenceMinor);
  });

  it('no previous bill: everything is new, compared with zero', () => {
    const now = bill({ services: [mobile('MOB-S', 'Mobile S 10 GB', [mobileFee(1100)])], accountItems: [duo(-500)], taxMinor: 126 });
    const e = explainBill(now, null);
    expect(e).toMatchObject({ previousTotalMinor: 0, currentTotalMinor: 726, differenceMinor: 726 });
    expect(e.items.map((i) => i.cause)).toEqual<ChangeCause[]>(['newService', 'discountStarted', 'tax']);
    expect(said(e.items[0]!)).toBe('Mobile +34 600 000 001: New service: €11.00 more.');
  });

  it('ignores the balance brought forward', () => {
    const services = [mobile('MOB-S', 'Mobile S 10 GB', [mobileFee(1100)])];
    expect(explainBill(bill({ services, balanceForwardMinor: 5000 }), bill({ services })).items).toEqual([]);
  });

  it('ties in size are ordered by product and cause, not by line order', () => {
    const a = on('P-A', { cause: 'lateFee', amountMinor: 100 });
    const b = on('P-B', { cause: 'lateFee', amountMinor: -100 });
    const keys = (e: BillExplanation) => e.items.map((i) => i.productId);
    expect(keys(explainBill(bill({ accountItems: [a, b] }), null))).toEqual(keys(explainBill(bill({ accountItems: [b, a] }), null)));
  });

  it('refuses bills whose lines do not add up to their totals, and bills in other currencies', () => {
    const good = bill({ services: [tv([tvFee()])] });
    expect(() => explainBill({ ...good, taxExcludedAmountMinor: 2400, taxIncludedAmountMinor: 2400 }, null)).toThrow(/lines add up to 2500/);
    expect(() => explainBill({ ...good, taxMinor: 1 }, null)).toThrow(/taxIncludedAmountMinor/);
    expect(() => explainBill(good, bill({ currency: 'GBP' }))).toThrow(/GBP/);
  });
});

describe('explainBill on bills from composeBill', () => {
  // Guards the params conventions explain.ts reads (offering, discount, zone, …) against the
  // composer that writes them. April 2026: the Sports add-on starts on the 10th, the mobile line
  // moves from Mobile S to Mobile L on the 20th and roams in the rest of the world.
  const catalog = CatalogIndex.parse(demoCatalogData);
  const products: BillableProduct[] = [
    { id: 'P-MOB', kind: 'mobile', identifier: MSISDN, parentId: null, terms: [{ offeringId: 'MOB-S', from: '2025-01-01', to: '2026-04-19' }, { offeringId: 'MOB-L', from: '2026-04-20', to: null }] },
    { id: 'P-BB', kind: 'broadband', identifier: 'Calle Mayor 1', parentId: null, terms: [{ offeringId: 'BB-300', from: '2025-01-01', to: null }] },
    { id: 'P-TV', kind: 'tv', identifier: 'Calle Mayor 1', parentId: null, terms: [{ offeringId: 'TV-PLUS', from: '2025-01-01', to: null }] },
    { id: 'P-SPORTS', kind: 'tv', identifier: 'Calle Mayor 1', parentId: 'P-TV', terms: [{ offeringId: 'TV-SPORTS', from: '2026-04-10', to: null }] },
  ];
  const run = (billDate: string, usage: BillRunInput['usage']) =>
    composeBill({
      catalog,
      account: { id: 'A-1', accountNo: 'A1', currency: 'EUR', billCycleDay: 1, openedOn: '2025-01-01' },
      products,
      billDate,
      timeZone: 'Europe/Madrid',
      usage,
      balance: { previousBalanceMinor: 0, paymentsReceivedMinor: 0, adjustmentsMinor: 0 },
    }).bill;

  it('says what changed, in the composer\'s own words, and adds up', () => {
    const april = run('2026-04-01', []);
    const may = run('2026-05-01', [{ id: 'U1', productId: 'P-MOB', usageType: 'data', usageDate: '2026-04-12T10:00:00Z', quantity: 10, unit: 'MB', zone: 'Z3' }]);
    const e = explainBill(may, april);
    expect(e.items.reduce((s, i) => s + i.amountMinor, 0)).toBe(e.differenceMinor);
    expect(e.differenceMinor).toBe(may.taxIncludedAmountMinor - april.taxIncludedAmountMinor);
    const sentences = e.items.map(said);
    expect(sentences).toEqual(
      expect.arrayContaining([
        'TV Plus: Sports add-on added: €18.00 more.',
        'Mobile +34 600 000 001: Plan changed from Mobile S 10 GB to Mobile L 100 GB: €17.00 more.',
        'Mobile +34 600 000 001: Roaming in Rest of the world: €10.00 more.',
        // 10% of the bundle's fees: 30 + 11 + 25 in April, 30 + 28 + 25 in May.
        'Your account: Fibre + Mobile + TV discount changed: €1.70 less.',
      ]),
    );
    expect(e.items.map((i) => i.cause).sort()).toEqual<ChangeCause[]>(['discountChanged', 'newService', 'planChange', 'proration', 'proration', 'roaming', 'tax']);
    // The catalogue ids travel with the names, so a screen can say them in its own language.
    expect(e.items.find((i) => i.cause === 'roaming')?.params).toMatchObject({ zone: 'Rest of the world', zoneId: 'Z3' });
    expect(e.items.find((i) => i.cause === 'discountChanged')?.params).toMatchObject({ name: 'Fibre + Mobile + TV discount', discountId: 'BUNDLE-TRIO' });
    const sportsPart = e.items.find((i) => i.cause === 'proration' && i.productId === 'P-SPORTS');
    expect(said(sportsPart!)).toMatch(/^TV Plus: Sports add-on for part of a month: €\d+\.\d\d more\.$/);
  });
});

// ---- properties over random bill pairs ----

const lineCauses: LineCause[] = ['recurring', 'newService', 'removedService', 'planChange', 'usageOverAllowance', 'roaming', 'destination', 'activationFee', 'lateFee', 'bundleDiscount', 'loyaltyDiscount', 'promotion'];
const productIds = ['P1', 'P2', 'P3', 'P4'];
const kinds: ProductKind[] = ['mobile', 'broadband', 'tv', 'fixed'];
const offerings = ['O1', 'O2', 'O3'];

const lineArb = (productId: fc.Arbitrary<string | null>): fc.Arbitrary<BillLine> =>
  fc
    .record({
      productId,
      cause: fc.constantFrom(...lineCauses),
      amountMinor: fc.integer({ min: -200_000, max: 200_000 }),
      sourceId: fc.constantFrom(...offerings, 'D1', 'D2'),
      zone: fc.option(fc.constantFrom('Z2', 'Z3'), { nil: undefined }),
      destination: fc.option(fc.constantFrom('international', 'mobile', 'premium'), { nil: undefined }),
      unit: fc.option(fc.constantFrom('MB' as const, 'min' as const, 'SMS' as const), { nil: undefined }),
    })
    .map(({ productId: pid, cause, amountMinor, sourceId, zone, destination, unit }) =>
      line({
        productId: pid,
        cause,
        amountMinor,
        sourceId,
        params: { ...(zone === undefined ? {} : { zone }), ...(destination === undefined ? {} : { destination }) },
        quantity: unit === undefined ? null : { amount: 1, unit },
      }),
    );

const sectionArb = (productId: string): fc.Arbitrary<ServiceSection> =>
  fc
    .record({
      kind: fc.constantFrom(...kinds),
      offeringId: fc.constantFrom(...offerings),
      // Mostly the section's own product, sometimes an add-on product riding in it.
      lines: fc.array(lineArb(fc.oneof({ weight: 4, arbitrary: fc.constant(productId) }, { weight: 1, arbitrary: fc.constantFrom(...productIds) })), { maxLength: 6 }),
    })
    .map(({ kind, offeringId, lines }) => section(productId, kind, `id-${productId}`, offeringId, `Offer ${offeringId}`, lines));

const billArb: fc.Arbitrary<CustomerBill> = fc
  .record({
    services: fc.uniqueArray(fc.constantFrom(...productIds), { maxLength: productIds.length }).chain((ids) => fc.tuple(...ids.map(sectionArb))),
    accountItems: fc.array(lineArb(fc.option(fc.constantFrom(...productIds), { nil: null, freq: 3 })), { maxLength: 5 }),
    taxMinor: fc.integer({ min: -50_000, max: 50_000 }),
  })
  .map((parts) => bill(parts));

function checkWellFormed(e: BillExplanation): void {
  expect(e.items.reduce((s, i) => s + i.amountMinor, 0)).toBe(e.differenceMinor);
  expect(e.differenceMinor).toBe(e.currentTotalMinor - e.previousTotalMinor);
  for (const item of e.items) expect(item.amountMinor).not.toBe(0);
  for (let i = 1; i < e.items.length; i++) {
    expect(Math.abs(e.items[i - 1]?.amountMinor ?? 0)).toBeGreaterThanOrEqual(Math.abs(e.items[i]?.amountMinor ?? 0));
  }
}

describe('explainBill properties', () => {
  it('for random bill pairs the items add up to the difference, none is zero, biggest first', () => {
    fc.assert(
      fc.property(billArb, fc.option(billArb, { nil: null }), (current, previous) => {
        checkWellFormed(explainBill(current, previous));
      }),
      { numRuns: 500 },
    );
  });

  it('a bill explained against itself has nothing to say', () => {
    fc.assert(
      fc.property(billArb, (b) => {
        expect(explainBill(b, b).items).toEqual([]);
        expect(explainBill(b, structuredClone(b)).items).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('swapping the bills negates every amount', () => {
    const amounts = (e: BillExplanation) => e.items.map((i) => i.amountMinor).sort((x, y) => x - y);
    fc.assert(
      fc.property(billArb, billArb, (a, b) => {
        expect(amounts(explainBill(a, b))).toEqual(amounts(explainBill(b, a)).map((x) => -x).sort((x, y) => x - y));
      }),
      { numRuns: 300 },
    );
  });

  it('no previous bill explains like an empty previous bill', () => {
    fc.assert(
      fc.property(billArb, (b) => {
        expect(explainBill(b, null)).toEqual(explainBill(b, bill({})));
      }),
      { numRuns: 300 },
    );
  });
});
