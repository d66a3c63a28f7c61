import { TEST_LEDGER_KEY } from '../helpers/ledger-file.ts';
import { TEST_NOW, TEST_TODAY } from '../helpers/clock.ts';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateDemo, demoCatalog, demoCustomer, type DemoOptions } from '../../shared/demo/generator.ts';
import { CustomerBill } from '../../shared/billing/bill.ts';
import { openLedger } from '../../electron/core/ledger/db.ts';
import { ChangeApplier } from '../../electron/core/ledger/apply-changes.ts';
import { BillingReader } from '../../electron/core/ledger/billing-reader.ts';
import { AccountHistory } from '../../electron/core/ledger/account-history.ts';
import { CycleUsage } from '../../electron/core/services/cycle-usage.ts';
import { AccountOverviewQuery } from '../../electron/core/services/account-overview.ts';
import type { Change, ChangeOf } from '../../shared/sync/changes.ts';

const options: DemoOptions = { seed: 7, customers: 60, now: TEST_NOW, branchId: 'MAD-01', currency: 'EUR', countryCallingCode: '34', timeZone: 'Europe/Madrid' };
const all = (o: DemoOptions) => [...generateDemo(o, () => 'scrypt$hash')].flat();

async function loaded(o: DemoOptions) {
  const db = await openLedger(path.join(mkdtempSync(path.join(os.tmpdir(), 'demo-')), 'ledger.sqlite'), TEST_LEDGER_KEY);
  const applier = new ChangeApplier(db);
  for (const batch of generateDemo(o, () => 'scrypt$hash')) applier.apply(batch);
  return db;
}

describe('demo data', () => {
  it('is deterministic for a seed and different for another', () => {
    const few = { ...options, customers: 12 };
    expect(JSON.stringify(all(few))).toBe(JSON.stringify(all(few)));
    expect(JSON.stringify(all({ ...few, seed: 8 }))).not.toBe(JSON.stringify(all(few)));
  });

  it('gives every customer 1–4 services (add-ons aside) and 12 monthly bills, every entry balanced', () => {
    const changes = all(options);
    const byType = (t: Change['type']) => changes.filter((c) => c.type === t);
    expect(byType('customer.upsert')).toHaveLength(60);
    expect(byType('bill.issued')).toHaveLength(60 * 12);
    const perAccount = new Map<string, number>();
    for (const p of (byType('product.upsert') as Extract<Change, { type: 'product.upsert' }>[]).filter((p) => p.parentId === null)) perAccount.set(p.accountId, (perAccount.get(p.accountId) ?? 0) + 1);
    expect([...perAccount.values()].every((n) => n >= 1 && n <= 4)).toBe(true);
    for (const c of changes) {
      if (c.type === 'bill.issued' || c.type === 'payment.recorded') expect(c.entry.postings.reduce((s, p) => s + p.amountMinor, 0)).toBe(0);
    }
  });

  it('loads through apply-changes into a branch with overdue, in-credit and near-limit accounts', async () => {
    const db = await loaded(options);
    const query = new AccountOverviewQuery(db, new BillingReader(db), new CycleUsage(new BillingReader(db), options.timeZone), new AccountHistory(db));
    const ids = db.prepare('SELECT id FROM billing_accounts').pluck().all() as string[];
    const views = ids.map((id) => query.get(id, TEST_TODAY));
    const statuses = new Set(views.map((v) => v.paymentStatus));
    expect(statuses).toEqual(new Set(['paidUp', 'due', 'overdue', 'inCredit']));
    expect(views.some((v) => v.creditAvailable.amountMinor < v.creditLimit.amountMinor * 0.15 && v.totalDue.amountMinor > 0)).toBe(true);
    // Every balance is exactly the sum of its account's receivable postings.
    const sums = db.prepare(`SELECT substr(ledger_account, 12) AS id, SUM(amount_minor) AS s FROM postings WHERE ledger_account LIKE 'receivable:%' GROUP BY 1`).all() as { id: string; s: number }[];
    for (const { id, s } of sums) expect(views[ids.indexOf(id)]!.balance.amountMinor).toBe(s);
    // And the whole journal sums to zero.
    expect(db.prepare('SELECT SUM(amount_minor) FROM postings').pluck().get()).toBe(0);
  });

  it('composes every bill with the billing engine: bills re-compose to the same totals, and billed usage carries its rated amount', async () => {
    const changes = all({ ...options, customers: 8 });
    const bills = changes.filter((c): c is ChangeOf<'bill.issued'> => c.type === 'bill.issued');
    const causes = new Set(bills.flatMap((b) => [...b.bill.services.flatMap((s) => s.lines), ...b.bill.accountItems]).map((l) => l.cause));
    // The history exercises more than flat fees: usage over allowance, discounts and prorations all appear.
    for (const cause of ['recurring', 'usageOverAllowance', 'bundleDiscount']) expect(causes).toContain(cause);
    for (const { bill, entry } of bills) {
      expect(CustomerBill.parse(bill)).toEqual(bill);
      expect(entry.postings.find((p) => p.ledgerAccount.startsWith('receivable:'))?.amountMinor).toBe(bill.taxIncludedAmountMinor);
      expect(bill.amountDueMinor - bill.creditCarriedMinor).toBe(bill.balanceForwardMinor + bill.taxIncludedAmountMinor);
    }
    const billed = changes.filter((c): c is ChangeOf<'usage.recorded'> => c.type === 'usage.recorded' && c.status === 'billed');
    const billUsage = new Map<string, number>();
    for (const u of billed) billUsage.set(u.billId as string, (billUsage.get(u.billId as string) ?? 0) + (u.ratedMinor as number));
    for (const [billId, rated] of billUsage) {
      const bill = bills.find((b) => b.bill.id === billId)!.bill;
      const usageLines = bill.services.flatMap((s) => s.lines).filter((l) => l.lineType === 'usage');
      expect(usageLines.reduce((sum, l) => sum + l.amountMinor, 0)).toBe(rated);
    }
  });

  it('shows what this cycle’s usage has cost so far, rated as the next bill will rate it', async () => {
    const db = await loaded({ ...options, customers: 2 });
    const query = new AccountOverviewQuery(db, new BillingReader(db), new CycleUsage(new BillingReader(db), options.timeZone), new AccountHistory(db));
    const [accountId, productId] = db
      .prepare(`SELECT p.account_id, p.id FROM products p JOIN product_terms t ON t.product_id = p.id WHERE p.kind = 'mobile' AND p.parent_id IS NULL AND t.to_date IS NULL LIMIT 1`)
      .raw()
      .get() as [string, string];
    const before = query.get(accountId, TEST_TODAY);
    // 100 MB in Rest of the world: every demo mobile plan charges it per MB, outside any allowance.
    const offeringId = db.prepare('SELECT offering_id FROM products WHERE id = ?').pluck().get(productId) as string;
    const perMB = demoCatalog('EUR').requireOffering(offeringId).usage!.roaming.Z3!.dataPerMB;
    new ChangeApplier(db).apply([
      { type: 'usage.recorded', id: 'trip-1', productId, usageType: 'data', usageDate: TEST_NOW.toISOString(), quantity: 100, unit: 'MB', zone: 'Z3', status: 'received', ratedMinor: null, billId: null },
    ]);
    const after = query.get(accountId, TEST_TODAY);
    const net = 100 * perMB;
    expect(after.unbilledCharges.amountMinor - before.unbilledCharges.amountMinor).toBeGreaterThanOrEqual(net + Math.floor((net * 21) / 100) - 1);
    expect(after.unbilledCharges.amountMinor - before.unbilledCharges.amountMinor).toBeLessThanOrEqual(net + Math.ceil((net * 21) / 100) + 1);
    // Roaming outside the EU does not eat the data allowance.
    expect(after.services.find((s) => s.id === productId)!.usage).toEqual(before.services.find((s) => s.id === productId)!.usage);
  });

  it('names the showcase customers the README lists', () => {
    expect([0, 1, 2, 3].map((i) => demoCustomer(20261126, i, '34'))).toMatchObject([
      { accountNo: '4000000002', pin: '1234', profile: 'punctual', name: 'James Taylor' },
      { accountNo: '4000000010', pin: '2468', profile: 'overdue', name: 'Elena Romero' },
      { accountNo: '4000000028', pin: '1357', profile: 'inCredit', name: 'Salma Farouk' },
      { accountNo: '4000000036', pin: '8642', profile: 'nearLimit', name: 'Chloe Wright' },
    ]);
  });
});

describe('account overview', () => {
  it('leaves open exactly what oldest-first payment leaves unpaid, for any payments', async () => {
    const db = await loaded({ ...options, customers: 1 });
    const accountId = db.prepare('SELECT id FROM billing_accounts').pluck().get() as string;
    const billTotals = (db.prepare('SELECT tax_included_minor FROM bills ORDER BY bill_date').pluck().all() as number[]);
    const paid = db.prepare(`SELECT COALESCE(-SUM(amount_minor),0) FROM postings WHERE ledger_account = ? AND amount_minor < 0`).pluck().get(`receivable:${accountId}`) as number;
    const applier = new ChangeApplier(db);
    const query = new AccountOverviewQuery(db, new BillingReader(db), new CycleUsage(new BillingReader(db), options.timeZone), new AccountHistory(db));
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 20_000 }), async (amount) => {
        n++;
        applier.apply([
          {
            type: 'payment.recorded', id: `p${n}`, accountId, currency: 'EUR', amountMinor: amount, paymentMethod: 'cash', channel: 'kiosk',
            pointOfInteraction: null, authorizationCode: null, correlatorId: null,
            entry: { id: `e${n}`, idempotencyKey: `payment:p${n}`, entryType: 'payment', accountId, currency: 'EUR', occurredAt: TEST_NOW.toISOString(), origin: 'test',
              postings: [{ ledgerAccount: 'cash:kiosk', amountMinor: amount }, { ledgerAccount: `receivable:${accountId}`, amountMinor: -amount }] },
          },
        ]);
        const view = query.get(accountId, TEST_TODAY);
        const totalPaid = paid + (db.prepare(`SELECT COALESCE(SUM(amount_minor),0) FROM postings WHERE ledger_account = 'cash:kiosk'`).pluck().get() as number);
        // Simulate oldest-first allocation independently.
        let left = totalPaid;
        const remaining = billTotals.map((t) => { const settle = Math.min(left, t); left -= settle; return t - settle; });
        expect(view.totalDue.amountMinor).toBe(remaining.reduce((s, r) => s + r, 0));
        expect(view.lastBill!.remainingAmount.amountMinor).toBe(remaining.at(-1));
        expect(view.balance.amountMinor).toBe(billTotals.reduce((s, t) => s + t, 0) - totalPaid);
      }),
      { numRuns: 40 },
    );
  });
});
