import { describe, expect, it } from 'vitest';
import { allLines, CustomerBill, type BillLine } from '../../shared/billing/bill.ts';
import { composeBill } from '../../shared/billing/compose.ts';
import { cycleAt } from '../../shared/billing/cycle.ts';
import { goldenScenarios, type ExpectedBill, type ExpectedLine } from './fixtures/golden-scenarios.ts';
import { account, product, run, term } from './fixtures/kit.ts';

const shape = (l: BillLine): ExpectedLine => ({ cause: l.cause, amountMinor: l.amountMinor, description: l.description, quantity: l.quantity });

function expectBill(bill: CustomerBill, expected: ExpectedBill): void {
  // The schema re-checks net = Σ lines, tax = Σ tax items, total = net + tax.
  expect(() => CustomerBill.parse(bill)).not.toThrow();
  expect(bill.billNo).toBe(expected.billNo);
  expect(bill.currency).toBe('EUR');
  expect(bill.billingPeriod).toEqual(expected.billingPeriod);
  expect(bill.usagePeriod).toEqual(expected.usagePeriod);
  expect(
    bill.services.map((s) => ({ productId: s.productId, offeringId: s.offeringId, lines: s.lines.map(shape), subtotalMinor: s.subtotalMinor })),
  ).toEqual(expected.services);
  expect(bill.accountItems.map(shape)).toEqual(expected.accountItems);
  expect(bill.taxItems.map((t) => ({ taxCategory: t.taxCategory, rateBps: t.rateBps, taxableMinor: t.taxableMinor, taxMinor: t.taxMinor }))).toEqual(expected.taxItems);
  expect({
    taxExcludedAmountMinor: bill.taxExcludedAmountMinor,
    taxMinor: bill.taxMinor,
    taxIncludedAmountMinor: bill.taxIncludedAmountMinor,
    balanceForwardMinor: bill.balanceForwardMinor,
    amountDueMinor: bill.amountDueMinor,
    creditCarriedMinor: bill.creditCarriedMinor,
    remainingAmountMinor: bill.remainingAmountMinor,
    state: bill.state,
  }).toEqual({
    taxExcludedAmountMinor: expected.taxExcludedAmountMinor,
    taxMinor: expected.taxMinor,
    taxIncludedAmountMinor: expected.taxIncludedAmountMinor,
    balanceForwardMinor: expected.balanceForwardMinor,
    amountDueMinor: expected.amountDueMinor,
    creditCarriedMinor: expected.creditCarriedMinor,
    remainingAmountMinor: expected.remainingAmountMinor,
    state: expected.state,
  });
  // Line ids are numbered in the order the lines were made, unique within the bill.
  const ids = allLines(bill).map((l) => l.id);
  expect(new Set(ids).size).toBe(ids.length);
  for (const id of ids) expect(id).toMatch(new RegExp(`^${expected.billNo}-\\d{3}$`));
}

describe('golden bills (demo catalog, Europe/Madrid, EUR)', () => {
  it('has at least 12 scenarios', () => {
    expect(goldenScenarios.length).toBeGreaterThanOrEqual(12);
  });

  for (const scenario of goldenScenarios) {
    it(scenario.name, () => {
      const { bill, usage, rejectedUsage } = composeBill(scenario.input);
      expectBill(bill, scenario.expected);
      // Every record given is either carried (now billed) or rejected: none goes missing.
      expect(usage.length + rejectedUsage.length).toBe(scenario.input.usage.length);
      expect(rejectedUsage).toEqual([]);
      expect(usage.every((u) => u.status === 'billed')).toBe(true);
      if (scenario.ratedAmounts) {
        expect(Object.fromEntries(usage.map((u) => [u.id, u.amountMinor]))).toEqual(scenario.ratedAmounts);
      }
      // Pure: the same input gives the same bill.
      expect(composeBill(scenario.input).bill).toEqual(bill);
    });
  }
});

describe('golden bills: details around the scenarios', () => {
  it('2. cycle day 31: the bills after 28 Feb 2026 are on 31 Mar and 30 Apr', () => {
    expect(cycleAt('2026-02-28', 31, 1)).toEqual({ start: '2026-03-31', end: '2026-04-29', days: 30 });
    expect(cycleAt('2026-02-28', 31, 2)).toEqual({ start: '2026-04-30', end: '2026-05-30', days: 31 });
    expect(cycleAt('2026-02-28', 31, 3).start).toBe('2026-05-31');
    // …and composing on those dates is accepted, while 2026-03-28 is not a bill date for day 31.
    const a = account(31, '2026-02-10');
    const products = [product('P-BB', 'broadband', 'Calle Mayor 1', [term('BB-300', '2026-02-10')])];
    // 31 Mar: BB-300 ran the whole usage period (28 Feb..30 Mar) → only the advance fee, no activation again.
    const march = composeBill(run({ account: a, products, billDate: '2026-03-31' })).bill;
    expect(allLines(march).map((l) => [l.cause, l.amountMinor])).toEqual([['recurring', 3000]]);
    expect(march.billingPeriod).toEqual({ start: '2026-03-31', end: '2026-04-29' });
    expect(composeBill(run({ account: a, products, billDate: '2026-04-30' })).bill.usagePeriod).toEqual({ start: '2026-03-31', end: '2026-04-29' });
    expect(() => composeBill(run({ account: a, products, billDate: '2026-03-28' }))).toThrow(RangeError);
  });

  it('activation fees: only BB-300 has one; products starting in the usage period get no zero line', () => {
    const activations = goldenScenarios.flatMap((s) => composeBill(s.input).bill.services.flatMap((sec) => sec.lines).filter((l) => l.cause === 'activationFee'));
    expect(activations.map((l) => [l.sourceId, l.amountMinor])).toEqual([['BB-300', 3000]]);
  });

  it('12. usage on the add-on line is tagged zero-rated and included; nothing is charged', () => {
    const s = goldenScenarios.find((g) => g.name.startsWith('12.'));
    if (!s) throw new Error('scenario 12 missing');
    const { usage } = composeBill(s.input);
    expect(usage.map((u) => [u.id, u.tag, u.fromAllowance])).toEqual([
      ['R12-MSG', 'zeroRated', 0],
      ['R12-WEB', 'included', 1024 * 1024],
    ]);
  });

  describe('13. the promotion series of a BB-1G started 2026-08-10 (months: 6)', () => {
    // Bills of the product, cycle day 1: 2026-09-01 (1st), 10-01, 11-01, 12-01, 2027-01-01, 2027-02-01 (6th),
    // 2027-03-01 (7th). The engine's rule "bill date < term start + 6 months = 2027-02-10" gives the
    // promotion to exactly those six bills. The 2027-03-01 bill charges March 2027 in advance, wholly
    // after the six months (2026-08-10..2027-02-09), so it does NOT carry the promotion.
    const a = account(1, '2022-01-15');
    const products = [product('P-BB', 'broadband', 'Calle Mayor 1, Madrid', [term('BB-1G', '2026-08-10')])];
    const bill = (billDate: string) => composeBill(run({ account: a, products, billDate })).bill;
    const summary = (billDate: string) => {
      const b = bill(billDate);
      return { lines: allLines(b).map((l) => [l.cause, l.amountMinor]), net: b.taxExcludedAmountMinor, tax: b.taxMinor, total: b.taxIncludedAmountMinor };
    };

    it('2026-09-01, the first bill: proration at full price, promotion on the advance fee', () => {
      // Usage period August 2026 (31 days); 08-10..08-31 = 22 days: 4500 × 22 / 31 = 3193.55 → 3194.
      // BB-1G has no one-time price → no activation line. Tenure 2022-01-15 → 2026-09-01 = 55 months.
      // net 3194 + 4500 − 2250 − 225 = 5219; VAT 5219 × 0.21 = 1095.99 → 1096; total 6315.
      expect(summary('2026-09-01')).toEqual({
        lines: [
          ['newService', 3194],
          ['recurring', 4500],
          ['promotion', -2250],
          ['loyaltyDiscount', -225],
        ],
        net: 5219,
        tax: 1096,
        total: 6315,
      });
    });

    it('2027-02-01, the sixth bill, still has it', () => {
      // 4500 − 2250 − 225 = 2025; VAT 425.25 → 425; total 2450.
      expect(summary('2027-02-01')).toEqual({
        lines: [
          ['recurring', 4500],
          ['promotion', -2250],
          ['loyaltyDiscount', -225],
        ],
        net: 2025,
        tax: 425,
        total: 2450,
      });
    });

    it('2027-03-01 and 2027-04-01 do not', () => {
      // 4500 − 225 = 4275; VAT 4275 × 0.21 = 897.75 → 898; total 5173.
      const expected = { lines: [['recurring', 4500], ['loyaltyDiscount', -225]], net: 4275, tax: 898, total: 5173 };
      expect(summary('2027-03-01')).toEqual(expected);
      expect(summary('2027-04-01')).toEqual(expected);
    });

    it('exactly six bills carry the promotion', () => {
      const dates = ['2026-09-01', '2026-10-01', '2026-11-01', '2026-12-01', '2027-01-01', '2027-02-01', '2027-03-01', '2027-04-01'];
      const withPromo = dates.filter((d) => allLines(bill(d)).some((l) => l.cause === 'promotion'));
      expect(withPromo).toEqual(dates.slice(0, 6));
    });
  });
});
