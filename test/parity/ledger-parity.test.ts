import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { ChangeApplier } from '../../electron/core/ledger/apply-changes.ts';
import { AccountHistory } from '../../electron/core/ledger/account-history.ts';
import type { KioskCore } from '../../electron/core/kiosk-core.ts';
import { buildHub } from '../../hub/server.ts';
import { HubChangeWriter } from '../../hub/ledger/change-writer.ts';
import { lateFeeCharged } from '../../shared/billing/late-fee.ts';
import { CustomerBill } from '../../shared/billing/bill.ts';
import { dateInZone } from '../../shared/calendar.ts';
import type { Change } from '../../shared/sync/changes.ts';
import { demoBranch } from '../../shared/demo/branch.ts';
import { demoCustomer } from '../../shared/demo/generator.ts';
import { adjustmentFact } from '../helpers/adjustments.ts';
import { TEST_NOW } from '../helpers/clock.ts';
import { freshDataDir, startTestCore, TEST_DEMO } from '../helpers/demo-ledger.ts';
import { openKioskLedger } from '../helpers/ledger-file.ts';
import { paymentFact } from '../helpers/payments.ts';
import { ok } from '../helpers/signed-in.ts';
import { engines, freshDatabases } from '../hub/databases.ts';
import { seedTestBranch } from '../hub/demo-branch.ts';

/**
 * The ledger rules are one (shared/ledger): the same history read through the kiosk's channels and
 * through the hub's TMF API must say the same thing, account by account, bill by bill, payment by
 * payment. The history is the test demo branch at the suite's instant plus, so that every state
 * occurs, a partial payment, a payment naming a bill, an overpayment, a waived late fee and a
 * staff debit, written to both ledgers as the same facts.
 */

const TOKEN = 'operator-token-for-ledger-parity';
const auth = { authorization: `Bearer ${TOKEN}` };
const TZ = demoBranch.timeZone;
const minutesBefore = (minutes: number) => new Date(TEST_NOW.getTime() - minutes * 60_000).toISOString();

interface BillFigures {
  billNo: string;
  amountMinor: number;
  remainingMinor: number;
  state: string;
  paymentDueDate: string;
}
interface PaymentFigures {
  paymentId: string;
  amountMinor: number;
  /** What it paid, by bill number (credit left on the account is not an item). */
  paid: { billNo: string; amountMinor: number }[];
}
interface AccountFigures {
  accountNo: string;
  balanceMinor: number;
  paymentStatus: string;
  overdueMinor: number;
  creditLimitMinor: number;
  bills: BillFigures[];
  payments: PaymentFigures[];
}

const byBillNo = (a: { billNo: string }, b: { billNo: string }) => (a.billNo < b.billNo ? -1 : a.billNo > b.billNo ? 1 : 0);
const byId = (a: { paymentId: string }, b: { paymentId: string }) => (a.paymentId < b.paymentId ? -1 : a.paymentId > b.paymentId ? 1 : 0);
const minor = (m: { value: number }) => Math.round(m.value * 100);

/** The showcase customers and a few more: enough for every payment status, few enough to sign each in quickly. */
const customers = Array.from({ length: Math.min(TEST_DEMO.customers, 8) }, (_, i) => demoCustomer(TEST_DEMO.seed, i, demoBranch.countryCallingCode));

/** The extra facts, worked out from the demo ledger the kiosk starts from. */
function extraHistory(dataDir: string): Change[] {
  const db = openKioskLedger(dataDir, { readonly: true });
  try {
    const history = new AccountHistory(db);
    const idOf = (accountNo: string) => db.prepare('SELECT id FROM billing_accounts WHERE account_no = ?').pluck().get(accountNo) as string;
    const [james, elena, , nearLimit] = customers.map((c) => idOf(c.accountNo)) as [string, string, string, string];
    const open = history.allocation(elena).bills.filter((b) => b.remainingMinor > 0);
    const oldest = open[0];
    const newest = open.at(-1);
    if (!oldest || !newest || oldest === newest) throw new Error('the demo should leave Elena with at least two open bills');
    const feeBill = history
      .billNos(elena)
      .map((billNo) => CustomerBill.parse(JSON.parse(db.prepare('SELECT document FROM bills WHERE bill_no = ?').pluck().get(billNo) as string)))
      .find((bill) => lateFeeCharged(bill) !== null);
    if (!feeBill) throw new Error('the demo should charge Elena a late fee');
    const fee = lateFeeCharged(feeBill)?.totalMinor as number;
    const owed = history.allocation(nearLimit).balanceMinor;
    const bank = { channel: 'bank', method: 'bankTransfer', cash: 'bank', origin: 'hub' } as const;
    return [
      // Half of Elena's oldest open bill: partly paid.
      paymentFact(elena, Math.floor(oldest.remainingMinor / 2), { ...bank, occurredAt: minutesBefore(120) }),
      // A payment naming her newest bill pays it first, not the oldest.
      { ...paymentFact(elena, 1_000, { ...bank, occurredAt: minutesBefore(110) }), targetBillNo: newest.billNo },
      // Her late fee waived: a credit naming its bill.
      adjustmentFact(elena, -fee, { billNo: feeBill.billNo, occurredAt: minutesBefore(100) }),
      // More than the near-limit payer owes: every bill settled, the rest is credit.
      paymentFact(nearLimit, owed + 2_500, { channel: 'kiosk', method: 'card', cash: 'kiosk-card', origin: 'KIOSK-002', occurredAt: minutesBefore(90) }),
      // A staff debit on a paid-up account: owed, but on no bill.
      adjustmentFact(james, 1_500, { occurredAt: minutesBefore(80) }),
    ];
  } finally {
    db.close();
  }
}

/** Every customer's figures as the kiosk shows them: signed in, through its channels; payments as its receipts read them. */
async function kioskFigures(core: KioskCore, dataDir: string): Promise<AccountFigures[]> {
  const db = openKioskLedger(dataDir, { readonly: true });
  const history = new AccountHistory(db);
  try {
    const figures: AccountFigures[] = [];
    for (const c of customers) {
      await ok(core, 'session.signIn', { identifier: c.accountNo, pin: c.pin });
      const overview = await ok(core, 'account.overview', {});
      const listed = await ok(core, 'bill.history', {});
      const bills: BillFigures[] = [];
      for (const summary of listed.bills) {
        const view = await ok(core, 'bill.get', { billNo: summary.billNo });
        // The bill screen and the history say the same of each bill.
        expect({ remaining: view.remainingAmount.amountMinor, state: view.state }).toEqual({ remaining: summary.remainingAmount.amountMinor, state: summary.state });
        bills.push({ billNo: summary.billNo, amountMinor: summary.amountDue.amountMinor, remainingMinor: summary.remainingAmount.amountMinor, state: summary.state, paymentDueDate: summary.paymentDueDate });
      }
      await ok(core, 'session.signOut', {});
      const accountId = db.prepare('SELECT id FROM billing_accounts WHERE account_no = ?').pluck().get(c.accountNo) as string;
      const payments = history.allocation(accountId).payments.map((p) => ({
        paymentId: p.paymentId,
        amountMinor: p.amountMinor,
        paid: p.allocations.flatMap((a) => (a.billNo === null ? [] : [{ billNo: a.billNo, amountMinor: a.amountMinor }])).sort(byBillNo),
      }));
      figures.push({
        accountNo: c.accountNo,
        balanceMinor: overview.balance.amountMinor,
        paymentStatus: overview.paymentStatus,
        overdueMinor: overview.overdueAmount.amountMinor,
        creditLimitMinor: overview.creditLimit.amountMinor,
        bills: bills.sort(byBillNo),
        payments: payments.sort(byId),
      });
    }
    return figures;
  } finally {
    db.close();
  }
}

/** Every customer's figures as headquarters serves them: TMF666 billing account, TMF678 customer bills, TMF676 payments. */
async function hubFigures(app: FastifyInstance): Promise<AccountFigures[]> {
  const get = async <T,>(url: string): Promise<T> => {
    const response = await app.inject({ url, headers: auth });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<T>();
  };
  const accounts = await get<{ id: string; name: string }[]>('/tmf-api/accountManagement/v4/billingAccount?limit=100');
  const figures: AccountFigures[] = [];
  for (const c of customers) {
    const { id } = accounts.find((a) => a.name === c.accountNo) as { id: string };
    const account = await get<{ paymentStatus: string; accountBalance: { balanceType: string; amount: { value: number } }[]; creditLimit: { value: number } }>(
      `/tmf-api/accountManagement/v4/billingAccount/${id}`,
    );
    const balance = (type: string) => minor((account.accountBalance.find((b) => b.balanceType === type) as { amount: { value: number } }).amount);
    const bills = await get<{ id: string; billNo: string; taxIncludedAmount: { value: number }; remainingAmount: { value: number }; state: string; paymentDueDate: string }[]>(
      `/tmf-api/customerBillManagement/v4/customerBill?billingAccount.id=${id}&limit=100`,
    );
    const billNoOf = new Map(bills.map((b) => [b.id, b.billNo]));
    const payments = await get<{ id: string; status: string; amount: { value: number }; paymentItem: { amount: { value: number }; item: { id: string } }[] }[]>(
      `/tmf-api/paymentManagement/v4/payment?account.id=${id}&limit=100`,
    );
    figures.push({
      accountNo: c.accountNo,
      balanceMinor: balance('receivable'),
      paymentStatus: account.paymentStatus,
      overdueMinor: balance('overdue'),
      creditLimitMinor: minor(account.creditLimit),
      bills: bills
        .map((b) => ({
          billNo: b.billNo,
          amountMinor: minor(b.taxIncludedAmount),
          remainingMinor: minor(b.remainingAmount),
          state: b.state,
          // The due date is served as the end of its day in the branch's zone.
          paymentDueDate: dateInZone(new Date(b.paymentDueDate), TZ),
        }))
        .sort(byBillNo),
      payments: payments
        .filter((p) => p.status === 'done')
        .map((p) => ({
          paymentId: p.id,
          amountMinor: minor(p.amount),
          paid: p.paymentItem.map((i) => ({ billNo: billNoOf.get(i.item.id) as string, amountMinor: minor(i.amount) })).sort(byBillNo),
        }))
        .sort(byId),
    });
  }
  return figures;
}

describe.each(engines)('ledger parity: the kiosk and headquarters read one history alike (%s)', (engine) => {
  const databases = freshDatabases(engine);
  const running: { close(): unknown }[] = [];
  afterEach(async () => {
    for (const r of running.splice(0)) await r.close();
  });

  it('every account, bill and payment: balance, payment status, amounts, remaining, state, due date, what each payment paid', async () => {
    const dataDir = await freshDataDir();
    const extra = extraHistory(dataDir);
    const ledger = openKioskLedger(dataDir);
    try {
      new ChangeApplier(ledger).applyParsed(extra);
    } finally {
      ledger.close();
    }
    const { core } = await startTestCore({}, dataDir);
    running.push(core);

    const { db } = await databases.fresh();
    await seedTestBranch(db);
    await new HubChangeWriter(db).write(extra);
    const app = await buildHub({ db, now: () => TEST_NOW, operatorToken: TOKEN });
    running.push(app);

    const kiosk = await kioskFigures(core, dataDir);
    const hub = await hubFigures(app);
    expect(hub).toEqual(kiosk);

    // The history has every state and status the rules can give, so the comparison covers them all.
    const states = new Set(kiosk.flatMap((a) => a.bills.map((b) => b.state)));
    // Both ledgers store `sent` as a bill reaches them; payments move it on.
    expect([...states].sort()).toEqual(['partiallyPaid', 'sent', 'settled']);
    expect(new Set(kiosk.map((a) => a.paymentStatus))).toEqual(new Set(['paidUp', 'due', 'overdue', 'inCredit']));
    // The overpayment left credit: what it paid is less than its amount, on both sides alike.
    expect(kiosk.some((a) => a.payments.some((p) => p.paid.reduce((s, i) => s + i.amountMinor, 0) < p.amountMinor))).toBe(true);
  }, 120_000);
});
