import { kioskAuditChain, openKioskLedger } from '../helpers/ledger-file.ts';
import { describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../electron/core/audit/audit-log.ts';
import { type KioskCore } from '../../electron/core/kiosk-core.ts';
import { ChangeApplier } from '../../electron/core/ledger/apply-changes.ts';
import type { CustomerBill } from '../../shared/billing/bill.ts';
import { lateFeeCharged } from '../../shared/billing/late-fee.ts';
import { demoStaff } from '../../shared/demo/staff.ts';
import { adjustmentFact } from '../helpers/adjustments.ts';
import { demoBills, startTestCore } from '../helpers/demo-ledger.ts';
import { ELENA, JAMES, ok, useCores } from '../helpers/signed-in.ts';
import { TEST_NOW } from '../helpers/clock.ts';

const { adopt } = useCores();
const [LUCIA, , OMAR] = demoStaff as [(typeof demoStaff)[number], (typeof demoStaff)[number], (typeof demoStaff)[number]];
const staffIn = (who: { id: string; pin: string }) => ({ staffId: who.id, pin: who.pin });

/** Elena's newest bill charged a 5.00 late fee (not subject to VAT) for the one before, which she paid late. */
const [FEE, NO_FEE] = (await demoBills(ELENA.identifier)) as [{ billNo: string; billDate: string }, { billNo: string }];
const FEE_BILL = FEE.billNo;
const NO_FEE_BILL = NO_FEE.billNo;
const [JAMES_BILL] = (await demoBills(JAMES.identifier)) as [{ billNo: string; billDate: string }];
const id = (n: number) => `0193d2a0-0000-7000-8000-${String(n).padStart(12, '0')}`;

/** A kiosk with staff signed in and Elena's account open after an identity check; a read-only view of its ledger. */
async function assisting(who = LUCIA, settings: Record<string, unknown> = {}) {
  const { core, dataDir } = await startTestCore(settings as never);
  adopt(core);
  await ok(core, 'staff.signIn', staffIn(who));
  const [elena] = (await ok(core, 'assist.lookup', { query: ELENA.identifier })).matches;
  const accountId = elena?.accountId as string;
  await ok(core, 'assist.openAccount', { accountId, checks: ['photoId'] });
  const db = openKioskLedger(dataDir, { readonly: true });
  const count = (table: string) => db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;
  const written = () => ({ entries: count('journal_entries'), postings: count('postings'), audit: count('audit_events'), outbox: count('outbox'), adjustments: count('adjustments') });
  return { core, db, dataDir, accountId, written };
}

const balanceOf = async (core: KioskCore) => (await ok(core, 'account.overview', {})).balance.amountMinor;
const remainingOf = async (core: KioskCore, billNo: string) => (await ok(core, 'bill.get', { billNo })).remainingAmount.amountMinor;

describe('waiving a late fee', () => {
  it('within the agent’s authority: lowers the balance and the bill by the fee, once, with the reason on the trail and headquarters told', async () => {
    const { core, db, accountId, written } = await assisting();
    expect(await ok(core, 'assist.lateFees', {})).toEqual({ fees: [{ billNo: FEE_BILL, billDate: FEE.billDate, amount: { amountMinor: 500, currency: 'EUR' }, waived: false }] });
    const balance = await balanceOf(core);
    const remaining = await remainingOf(core, FEE_BILL);
    expect(remaining).toBeGreaterThanOrEqual(500);
    const before = written();

    const waive = { requestId: id(1), billNo: FEE_BILL, reason: 'Paid late because of a bank error' };
    const waived = await ok(core, 'assist.waiveFee', waive);
    expect(waived).toEqual({ adjustmentId: id(1), kind: 'feeWaiver', amount: { amountMinor: -500, currency: 'EUR' }, balanceAfter: { amountMinor: balance - 500, currency: 'EUR' }, approvedBy: null });
    expect(await balanceOf(core)).toBe(balance - 500);
    // The waiver pays the bill that charged the fee, not the oldest one.
    expect(await remainingOf(core, FEE_BILL)).toBe(remaining - 500);
    expect((await ok(core, 'payment.quote', {})).totalDue.amountMinor).toBe(Math.max(balance - 500, 0));
    expect((await ok(core, 'assist.lateFees', {})).fees).toEqual([expect.objectContaining({ billNo: FEE_BILL, waived: true })]);

    // One journal entry (balanced), one adjustment row, one audit event, two outbox rows (the fact and its audit event).
    expect(written()).toEqual({ entries: before.entries + 1, postings: before.postings + 2, audit: before.audit + 1, outbox: before.outbox + 2, adjustments: 1 });
    expect(db.prepare(`SELECT ledger_account, amount_minor FROM postings WHERE entry_id = ? ORDER BY id`).all(`entry-${id(1)}`)).toEqual([
      { ledger_account: `receivable:${accountId}`, amount_minor: -500 },
      { ledger_account: 'adjustments:fee-waivers', amount_minor: 500 },
    ]);
    expect(db.prepare(`SELECT actor_kind, actor_id, approved_by, action, account_id, before_json, after_json, reason FROM audit_events ORDER BY seq DESC LIMIT 1`).get()).toEqual({
      actor_kind: 'agent',
      actor_id: 'AG-1001',
      approved_by: null,
      action: 'fee.waived',
      account_id: accountId,
      before_json: JSON.stringify({ balanceMinor: balance }),
      after_json: JSON.stringify({ adjustmentId: id(1), amountMinor: -500, balanceMinor: balance - 500, billNo: FEE_BILL }),
      reason: 'Paid late because of a bank error',
    });
    expect(verifyAuditChain(db, kioskAuditChain(db))).toMatchObject({ ok: true });
    const [told] = db.prepare(`SELECT payload FROM outbox WHERE event_type = 'adjustment.posted'`).pluck().all() as string[];
    expect(JSON.parse(told ?? '{}')).toMatchObject({
      type: 'adjustment.posted',
      id: id(1),
      accountId,
      kind: 'feeWaiver',
      amountMinor: -500,
      billNo: FEE_BILL,
      staffId: 'AG-1001',
      approvedBy: null,
      reason: 'Paid late because of a bank error',
      entry: { idempotencyKey: `adjustment:${id(1)}`, entryType: 'adjustment' },
    });

    // The same request again is the same answer and posts nothing; anything else under its id is refused.
    const after = written();
    expect(await ok(core, 'assist.waiveFee', waive)).toEqual(waived);
    expect(await core.dispatch('assist.waiveFee', { ...waive, reason: 'Another reason altogether' })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    // A fee is waived once, whoever asks.
    expect(await core.dispatch('assist.waiveFee', { ...waive, requestId: id(2) })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', message: `The late fee on bill ${FEE_BILL} was already waived.` },
    });
    // A bill without a late fee, or not on the account.
    expect(await core.dispatch('assist.waiveFee', { ...waive, requestId: id(3), billNo: NO_FEE_BILL })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await core.dispatch('assist.waiveFee', { ...waive, requestId: id(4), billNo: JAMES_BILL.billNo })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(written()).toEqual(after);
    expect(await balanceOf(core)).toBe(balance - 500);
    db.close();
  });

  it('above the agent’s authority is refused until a supervisor other than them confirms with their PIN', async () => {
    const { core, db, written } = await assisting(LUCIA, { assist: { authority: { agent: { feeWaiverMinor: 400, adjustmentMinor: 5_000, creditLimitMinor: 60_000 } } } });
    const balance = await balanceOf(core);
    const before = written();
    const waive = { requestId: id(10), billNo: FEE_BILL, reason: 'First late payment in six years' };
    expect(await core.dispatch('assist.waiveFee', waive)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', details: { needs: 'supervisor', kind: 'feeWaiverMinor', limitMinor: 400 } } });
    // The agent cannot confirm their own waiver, nor can another agent; a wrong PIN is a failed sign-in.
    expect(await core.dispatch('assist.waiveFee', { ...waive, supervisor: staffIn(LUCIA) })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', details: { needs: 'supervisor' } } });
    expect(await core.dispatch('assist.waiveFee', { ...waive, supervisor: { staffId: 'AG-1002', pin: '8642' } })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await core.dispatch('assist.waiveFee', { ...waive, supervisor: { staffId: OMAR.id, pin: '0000' } })).toMatchObject({ ok: false, error: { code: 'AUTH_FAILED' } });
    // Nothing of the waiver is written; the wrong PIN is on the trail (and its way to headquarters), as every failed sign-in is.
    expect(written()).toEqual({ ...before, audit: before.audit + 1, outbox: before.outbox + 1 });
    expect(db.prepare(`SELECT action, after_json FROM audit_events ORDER BY seq DESC LIMIT 1`).get()).toEqual({ action: 'staff.signInFailed', after_json: '{"attemptsLeft":4,"staffId":"SV-2001"}' });
    expect(await balanceOf(core)).toBe(balance);

    expect(await ok(core, 'assist.waiveFee', { ...waive, supervisor: staffIn(OMAR) })).toMatchObject({ amount: { amountMinor: -500 }, balanceAfter: { amountMinor: balance - 500 }, approvedBy: 'SV-2001' });
    expect(db.prepare(`SELECT actor_id, approved_by, action FROM audit_events ORDER BY seq DESC LIMIT 1`).get()).toEqual({ actor_id: 'AG-1001', approved_by: 'SV-2001', action: 'fee.waived' });
    expect(db.prepare(`SELECT staff_id, approved_by FROM adjustments`).all()).toEqual([{ staff_id: 'AG-1001', approved_by: 'SV-2001' }]);
    db.close();
  });

  it('takes off the tax the fee added to its bill, as the bill charged it', () => {
    // 5.02 fee and 10.01 of other charges at 21%: the category's tax is 3.16 with the fee and 2.10 without it.
    const line = (amountMinor: number, cause: 'lateFee' | 'recurring') => ({ cause, amountMinor, taxCategory: 'VAT-STD', params: cause === 'lateFee' ? { billNo: 'B-1' } : {} });
    const bill = {
      services: [],
      accountItems: [line(502, 'lateFee'), line(1001, 'recurring')],
      taxItems: [{ taxCategory: 'VAT-STD', name: 'VAT', rateBps: 2100, taxableMinor: 1503, taxMinor: 316 }],
    } as unknown as CustomerBill;
    expect(lateFeeCharged(bill)).toEqual({ netMinor: 502, taxMinor: 106, totalMinor: 608, forBills: ['B-1'] });
    expect(lateFeeCharged({ ...bill, accountItems: [line(1001, 'recurring')] } as unknown as CustomerBill)).toBeNull();
  });
});

describe('adjusting an account', () => {
  it('a debit raises the balance and a credit lowers it, each within authority, audited, once per request', async () => {
    const { core, db, accountId, written } = await assisting(OMAR);
    const balance = await balanceOf(core);
    const debit = { requestId: id(20), direction: 'debit', amountMinor: 1_234, reason: 'Replacement SIM card' };
    expect(await ok(core, 'assist.adjust', debit)).toEqual({ adjustmentId: id(20), kind: 'adjustment', amount: { amountMinor: 1_234, currency: 'EUR' }, balanceAfter: { amountMinor: balance + 1_234, currency: 'EUR' }, approvedBy: null });
    expect(await balanceOf(core)).toBe(balance + 1_234);
    expect((await ok(core, 'payment.quote', {})).balance.amountMinor).toBe(balance + 1_234);
    const credit = { requestId: id(21), direction: 'credit', amountMinor: 2_000, reason: 'Goodwill after the outage' };
    expect(await ok(core, 'assist.adjust', credit)).toMatchObject({ amount: { amountMinor: -2_000 }, balanceAfter: { amountMinor: balance - 766 } });
    expect(await balanceOf(core)).toBe(balance - 766);
    expect(db.prepare(`SELECT ledger_account, amount_minor FROM postings WHERE entry_id = ? ORDER BY id`).all(`entry-${id(21)}`)).toEqual([
      { ledger_account: `receivable:${accountId}`, amount_minor: -2_000 },
      { ledger_account: 'adjustments:staff', amount_minor: 2_000 },
    ]);
    expect(db.prepare(`SELECT actor_kind, actor_id, action, before_json, reason FROM audit_events WHERE action = 'account.adjusted' ORDER BY seq`).all()).toEqual([
      { actor_kind: 'supervisor', actor_id: 'SV-2001', action: 'account.adjusted', before_json: JSON.stringify({ balanceMinor: balance }), reason: 'Replacement SIM card' },
      { actor_kind: 'supervisor', actor_id: 'SV-2001', action: 'account.adjusted', before_json: JSON.stringify({ balanceMinor: balance + 1_234 }), reason: 'Goodwill after the outage' },
    ]);
    const after = written();
    expect(await ok(core, 'assist.adjust', debit)).toMatchObject({ adjustmentId: id(20), balanceAfter: { amountMinor: balance + 1_234 } });
    expect(await core.dispatch('assist.adjust', { ...debit, direction: 'credit' })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    // Beyond the supervisor's 500.00, headquarters decides.
    expect(await core.dispatch('assist.adjust', { ...credit, requestId: id(22), amountMinor: 50_001 })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', details: { kind: 'adjustmentMinor', limitMinor: 50_000 } } });
    expect(written()).toEqual(after);
    db.close();
  });

  it('above the agent’s 50.00 a supervisor confirms; bad input is refused and changes nothing', async () => {
    const { core, db, written } = await assisting();
    const balance = await balanceOf(core);
    const before = written();
    const credit = { requestId: id(30), direction: 'credit', amountMinor: 6_000, reason: 'Billing error on the roaming pack' };
    expect(await core.dispatch('assist.adjust', credit)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', details: { needs: 'supervisor', kind: 'adjustmentMinor', limitMinor: 5_000 } } });
    for (const bad of [
      { ...credit, amountMinor: 0 },
      { ...credit, amountMinor: -100 },
      { ...credit, amountMinor: 12.5 },
      { ...credit, amountMinor: 10_000_001 },
      { ...credit, direction: 'sideways' },
      { ...credit, reason: ' ' },
      { ...credit, requestId: 'not-a-uuid' },
      { ...credit, extra: true },
    ]) {
      expect(await core.dispatch('assist.adjust', bad)).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    }
    expect(await core.dispatch('assist.waiveFee', { requestId: id(31), billNo: 'x y', reason: 'ok reason' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(written()).toEqual(before);
    expect(await ok(core, 'assist.adjust', { ...credit, supervisor: staffIn(OMAR) })).toMatchObject({ approvedBy: 'SV-2001', balanceAfter: { amountMinor: balance - 6_000 } });
    db.close();
  });

  it('needs staff and an open account: customers and passers-by are refused', async () => {
    const { core } = await startTestCore();
    adopt(core);
    const waive = { requestId: id(40), billNo: FEE_BILL, reason: 'Please waive it' };
    const adjust = { requestId: id(41), direction: 'credit', amountMinor: 100, reason: 'Please credit me' };
    for (const [channel, input] of [['assist.waiveFee', waive], ['assist.adjust', adjust], ['assist.lateFees', {}]] as const) {
      expect(await core.dispatch(channel, input)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    await ok(core, 'session.signIn', ELENA);
    for (const [channel, input] of [['assist.waiveFee', waive], ['assist.adjust', adjust], ['assist.lateFees', {}]] as const) {
      expect(await core.dispatch(channel, input)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    // Staff without a customer's account open.
    await ok(core, 'session.signOut', {});
    await ok(core, 'staff.signIn', staffIn(LUCIA));
    expect(await core.dispatch('assist.adjust', adjust)).toMatchObject({ ok: false, error: { code: 'NOT_SIGNED_IN' } });
  });

  it('a waiver made at another kiosk of the branch, pulled from headquarters, counts here at once and cannot be made again', async () => {
    const { core, dataDir, accountId } = await assisting();
    const balance = await balanceOf(core);
    const remaining = await remainingOf(core, FEE_BILL);
    const ledger = openKioskLedger(dataDir);
    const elsewhere = adjustmentFact(accountId, -500, { billNo: FEE_BILL, origin: 'KIOSK-002', occurredAt: TEST_NOW.toISOString() });
    expect(new ChangeApplier(ledger).apply([elsewhere, elsewhere])).toEqual({ applied: 1, duplicates: 1 });
    // Not this kiosk's fact: nothing for its outbox.
    expect(ledger.prepare(`SELECT COUNT(*) FROM outbox WHERE event_type = 'adjustment.posted'`).pluck().get()).toBe(0);
    ledger.close();
    expect(await balanceOf(core)).toBe(balance - 500);
    expect(await remainingOf(core, FEE_BILL)).toBe(remaining - 500);
    expect((await ok(core, 'assist.lateFees', {})).fees).toEqual([expect.objectContaining({ billNo: FEE_BILL, waived: true })]);
    expect(await core.dispatch('assist.waiveFee', { requestId: id(50), billNo: FEE_BILL, reason: 'Customer asked again' })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  });
});
