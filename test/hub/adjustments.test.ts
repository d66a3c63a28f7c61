import { openKioskLedger, testEnrolment } from '../helpers/ledger-file.ts';
import { TEST_NOW } from '../helpers/clock.ts';
import { describe, expect, it } from 'vitest';
import { type KioskCore } from '../../electron/core/kiosk-core.ts';
import { demoBranch } from '../../shared/demo/branch.ts';
import { demoStaff } from '../../shared/demo/staff.ts';
import { buildHub } from '../../hub/server.ts';
import { issueEnrolmentCode } from '../../hub/security/enrolment.ts';
import { startTestCore } from '../helpers/demo-ledger.ts';
import { ELENA as ELENA_SIGN_IN, ok, useCores } from '../helpers/signed-in.ts';
import { seedTestBranch } from './demo-branch.ts';
import { kioskEngine } from './kiosk-engine.ts';
import type { Change, ChangeOf } from '../../shared/sync/changes.ts';
import type { CustomerBill } from '../../shared/billing/bill.ts';
import { runBills } from '../../hub/billing/bill-run.ts';
import { accountMoney } from '../../hub/tmf/account-money.ts';
import { adjustmentFact } from '../helpers/adjustments.ts';
import { engines, freshDatabases } from './databases.ts';
import { balance, ELENA_ACCOUNT, enrolKiosk, event, feedHead, JAMES_ACCOUNT, seededHub, type TestKiosk } from './push-fixture.ts';

/** Elena's November bill charged a 5.00 late fee for October's; October's charged none. */
const FEE_BILL = '4000000010-202611';
const NO_FEE_BILL = '4000000010-202610';
const ELENA = ELENA_ACCOUNT.id;
const cores = useCores();

describe.each(engines)('staff adjustments at the hub on %s', (engine) => {
  const databases = freshDatabases(engine);

  async function branchWithTwoKiosks() {
    const { db } = await databases.fresh();
    const app = await seededHub(db);
    const [first, second] = [await enrolKiosk(app, db), await enrolKiosk(app, db)] as [TestKiosk, TestKiosk];
    return { db, first, second };
  }

  it('stores a pushed fee waiver once, with its postings, lowers the balance and sends it to the branch’s other kiosks', async () => {
    const { db, first, second } = await branchWithTwoKiosks();
    const [bill] = await db.query<{ document: CustomerBill }>('SELECT document FROM bills WHERE bill_no = $1', [FEE_BILL]);
    expect(bill?.document.accountItems.filter((l) => l.cause === 'lateFee').map((l) => l.amountMinor)).toEqual([500]);
    const head = await feedHead(db);
    const before = await balance(db, ELENA);

    const waiver = adjustmentFact(ELENA, -500, { billNo: FEE_BILL, origin: first.deviceId });
    const pushed = event(1, 'adjustment.posted', waiver);
    expect((await first.send([pushed])).results).toEqual([{ deviceSeq: 1, eventId: pushed.eventId, outcome: 'accepted' }]);
    // The same push again (the answer was lost): a duplicate; the same fact under another event: taken, written once.
    expect((await first.send([pushed])).results).toEqual([{ deviceSeq: 1, eventId: pushed.eventId, outcome: 'duplicate' }]);
    expect((await first.push(['adjustment.posted', waiver])).results.map((r) => r.outcome)).toEqual(['accepted']);

    expect(await balance(db, ELENA)).toBe(before - 500);
    expect(await db.query('SELECT id, account_id, kind, amount_minor, bill_no, staff_id, approved_by, entry_id FROM adjustments')).toEqual([
      { id: waiver.id, account_id: ELENA, kind: 'feeWaiver', amount_minor: -500, bill_no: FEE_BILL, staff_id: 'AG-1001', approved_by: null, entry_id: waiver.entry.id },
    ]);
    expect(await db.query('SELECT entry_type, origin FROM journal_entries WHERE id = $1', [waiver.entry.id])).toEqual([{ entry_type: 'adjustment', origin: first.deviceId }]);
    expect(await db.query('SELECT ledger_account, amount_minor FROM postings WHERE entry_id = $1 ORDER BY amount_minor', [waiver.entry.id])).toEqual([
      { ledger_account: `receivable:${ELENA}`, amount_minor: -500 },
      { ledger_account: 'adjustments:fee-waivers', amount_minor: 500 },
    ]);
    // What the TMF API and decisions read: the waiver pays the bill that charged the fee.
    const money = (await accountMoney(db, new Map([[ELENA, 'Europe/Madrid']]), new Date('2026-11-26T09:00:00Z'))).get(ELENA);
    expect(money?.balanceMinor).toBe(before - 500);
    expect(money?.allocation.credits).toEqual([expect.objectContaining({ sourceKind: 'adjustment', sourceId: waiver.id, allocations: [{ billNo: FEE_BILL, adjustmentId: null, amountMinor: 500 }] })]);

    // The branch's other kiosk pulls it, once, as the fact itself.
    const pulled = (await second.pull(head)).changes.map((c) => c.change as Change).filter((c): c is ChangeOf<'adjustment.posted'> => c.type === 'adjustment.posted');
    expect(pulled).toEqual([waiver]);

    // Waived at the other kiosk too, while they were apart: the first one to reach headquarters stands.
    const again = adjustmentFact(ELENA, -500, { billNo: FEE_BILL, origin: second.deviceId });
    expect((await second.push(['adjustment.posted', again])).results).toEqual([
      expect.objectContaining({ outcome: 'rejected', reason: `Fee waiver ${again.id}: the late fee on bill ${FEE_BILL} was already waived (${waiver.id})` }),
    ]);
    expect(await balance(db, ELENA)).toBe(before - 500);
  });

  it('takes a debit or credit adjustment as a fact, and refuses with a reason one that cannot be true', async () => {
    const { db, first } = await branchWithTwoKiosks();
    const before = { elena: await balance(db, ELENA), james: await balance(db, JAMES_ACCOUNT.id) };
    const debit = adjustmentFact(JAMES_ACCOUNT.id, 1_234, { origin: first.deviceId });
    const credit = adjustmentFact(ELENA, -2_000, { origin: first.deviceId, approvedBy: 'SV-2001' });
    const toCash = adjustmentFact(ELENA, -300);
    toCash.entry.postings[1] = { ledgerAccount: 'cash:counter-cash', amountMinor: 300 };
    const unbalanced = adjustmentFact(ELENA, -300);
    unbalanced.entry.postings[0] = { ledgerAccount: `receivable:${ELENA}`, amountMinor: -200 };
    const bad: [string, unknown, RegExp][] = [
      ['wrong amount', adjustmentFact(ELENA, -400, { billNo: FEE_BILL }), /the late fee on bill 4000000010-202611 is 500, not 400/],
      ['no late fee', adjustmentFact(ELENA, -500, { billNo: NO_FEE_BILL }), /bill 4000000010-202610 has no late fee/],
      ['another account’s bill', adjustmentFact(JAMES_ACCOUNT.id, -500, { billNo: FEE_BILL }), /is not a bill of account/],
      ['posts to cash', toCash, /posts to accounts other than/],
      ['does not balance', unbalanced, /postings of a journal entry must sum to zero/],
      ['another branch', adjustmentFact('acct-bcn', -300), /is not in this kiosk's branch/],
      ['unknown account', adjustmentFact('acct-nobody', -300), /does not know account acct-nobody/],
      ['a waiver that debits', { ...adjustmentFact(ELENA, 500, { billNo: FEE_BILL }) }, /a fee waiver credits the account and names the bill/],
      ['no reason', { ...adjustmentFact(ELENA, -300), reason: '' }, /Invalid adjustment.posted payload/],
    ];
    const response = await first.push(['adjustment.posted', debit], ['adjustment.posted', credit], ...bad.map(([, fact]) => ['adjustment.posted', fact] as [string, unknown]));
    expect(response.results.slice(0, 2).map((r) => r.outcome)).toEqual(['accepted', 'accepted']);
    response.results.slice(2).forEach((r, i) => {
      const [what, , reason] = bad[i] as [string, unknown, RegExp];
      expect(r.outcome, what).toBe('rejected');
      expect(r.outcome === 'rejected' && r.reason, what).toMatch(reason);
    });
    expect(await balance(db, JAMES_ACCOUNT.id)).toBe(before.james + 1_234);
    expect(await balance(db, ELENA)).toBe(before.elena - 2_000);
    expect(await db.query('SELECT kind, amount_minor, approved_by FROM adjustments ORDER BY amount_minor')).toEqual([
      { kind: 'adjustment', amount_minor: -2_000, approved_by: 'SV-2001' },
      { kind: 'adjustment', amount_minor: 1_234, approved_by: null },
    ]);
    // Append-only.
    await expect(db.query('UPDATE adjustments SET amount_minor = 1')).rejects.toThrow();
  });

  it('a bill run after a waiver counts it: the next bill carries it among its adjustments and agrees with the ledger', async () => {
    const { db, first } = await branchWithTwoKiosks();
    const waiver = adjustmentFact(ELENA, -500, { billNo: FEE_BILL, origin: first.deviceId });
    const goodwill = adjustmentFact(ELENA, 250, { origin: first.deviceId, occurredAt: '2026-11-26T08:31:00.000Z' });
    expect((await first.push(['adjustment.posted', waiver], ['adjustment.posted', goodwill])).results.map((r) => r.outcome)).toEqual(['accepted', 'accepted']);

    const report = await runBills(db, '2026-12', { now: () => new Date('2026-12-11T09:00:00Z') });
    expect(report).toMatchObject({ status: 'done', failed: 0 });
    const [next] = await db.query<{ document: CustomerBill }>(`SELECT document FROM bills WHERE account_id = $1 AND bill_date = '2026-12-10'`, [ELENA]);
    const bill = next?.document as CustomerBill;
    expect(bill.adjustmentsMinor).toBe(-250);
    expect(bill.balanceForwardMinor).toBe(bill.previousBalanceMinor - bill.paymentsReceivedMinor - 250);
    // What the bill says is owed after it is what the ledger says.
    expect(bill.balanceForwardMinor + bill.taxIncludedAmountMinor).toBe(await balance(db, ELENA));
  });

  it('end to end: a fee waived at one kiosk reaches headquarters and the branch’s other kiosk, where it shows at once and cannot be waived again', async () => {
    const { db } = await databases.fresh();
    await seedTestBranch(db);
    const app = await buildHub({ db, now: () => TEST_NOW });
    const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const [head] = await db.query<{ seq: number }>('SELECT max(server_seq) AS seq FROM changes');
      /** A kiosk of the branch holding the same demo branch, with staff in assist mode on Elena's account, and its sync engine. */
      const kiosk = async (name: string) => {
        const { core, dataDir } = await startTestCore();
        cores.adopt(core);
        const { code } = await issueEnrolmentCode(db, { branchId: demoBranch.id, now: TEST_NOW });
        const { credential } = (await app.inject({ method: 'POST', url: '/sync/v1/enrol', payload: { code, deviceName: name, ...testEnrolment(dataDir) } })).json<{ credential: string }>();
        const ledger = openKioskLedger(dataDir);
        const engine = kioskEngine(ledger, { baseUrl, credential, cursor: head?.seq ?? 0 });
        const [staff] = demoStaff;
        await ok(core, 'staff.signIn', { staffId: staff?.id, pin: staff?.pin });
        const [match] = (await ok(core, 'assist.lookup', { query: ELENA_SIGN_IN.identifier })).matches;
        await ok(core, 'assist.openAccount', { accountId: match?.accountId, checks: ['photoId'] });
        return { core, ledger, engine, accountId: match?.accountId as string };
      };
      const [first, second] = [await kiosk('Kiosk 1'), await kiosk('Kiosk 2')];
      const balanceAt = async (core: KioskCore) => (await ok(core, 'account.overview', {})).balance.amountMinor;
      const before = await balanceAt(second.core);
      expect(await balance(db, second.accountId)).toBe(before);

      // The kiosks hold the branch as made at TEST_NOW: the bill carrying Elena's late fee is the one they show.
      const [fee] = (await ok(first.core, 'assist.lateFees', {})).fees;
      const feeBill = fee?.billNo as string;
      expect(fee).toMatchObject({ amount: { amountMinor: 500 }, waived: false });
      const waived = await ok(first.core, 'assist.waiveFee', { requestId: '0193d2a0-0000-7000-8000-00000000e001', billNo: feeBill, reason: 'Bank error on the direct debit' });
      expect(waived.balanceAfter.amountMinor).toBe(before - 500);
      // The staff sign-in's and the identity check's audit events, the waiver and its audit event; the waiver comes back on the feed (a duplicate here).
      expect(await first.engine.round()).toEqual({ pushed: 4, pulled: 1 });
      expect(first.ledger.prepare(`SELECT event_type, outcome FROM outbox WHERE event_type = 'adjustment.posted'`).all()).toEqual([{ event_type: 'adjustment.posted', outcome: 'accepted' }]);
      expect(await balance(db, first.accountId)).toBe(before - 500);

      // The staff sign-in's and the identity check's audit events.
      expect(await second.engine.round()).toEqual({ pushed: 2, pulled: 1 });
      expect(second.engine.status).toMatchObject({ parked: 0, lastError: null });
      expect(await balanceAt(second.core)).toBe(before - 500);
      expect((await ok(second.core, 'assist.lateFees', {})).fees).toEqual([expect.objectContaining({ billNo: feeBill, waived: true })]);
      expect(await second.core.dispatch('assist.waiveFee', { requestId: '0193d2a0-0000-7000-8000-00000000e002', billNo: feeBill, reason: 'Asked again at the other kiosk' })).toMatchObject({
        ok: false,
        error: { code: 'CONFLICT' },
      });
      first.ledger.close();
      second.ledger.close();
    } finally {
      await app.close();
    }
  }, 90_000);
});
