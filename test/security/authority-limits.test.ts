import { openKioskLedger } from '../helpers/ledger-file.ts';
import { describe, expect, it } from 'vitest';
import { type KioskCore } from '../../electron/core/kiosk-core.ts';
import { dateInZone } from '../../shared/calendar.ts';
import { demoStaff } from '../../shared/demo/staff.ts';
import { TEST_TIME_ZONE, TEST_TODAY, TestClock } from '../helpers/clock.ts';
import { demoCreditLimit, startTestCore } from '../helpers/demo-ledger.ts';
import { ELENA, JAMES, ok, useCores } from '../helpers/signed-in.ts';

/**
 * What the kiosk withstands from a member of staff splitting what they may not do into pieces they
 * may: limits hold per request and per staff member per day (in the branch's time zone), counted
 * from the ledger, so they add up across requests, restarts and requests sent at once; cash at the
 * counter above a limit needs a supervisor as the other kinds do; a supervisor's confirmation uses
 * their own day too; and every refusal says which limit, what it is, what was used and what is left.
 */

const { adopt } = useCores();
const [LUCIA, , OMAR] = demoStaff as [(typeof demoStaff)[number], (typeof demoStaff)[number], (typeof demoStaff)[number]];
const staffIn = (who: { id: string; pin: string }) => ({ staffId: who.id, pin: who.pin });
const byOmar = { supervisor: { staffId: OMAR.id, pin: OMAR.pin } };
let n = 0;
const nextId = () => `0193d2a0-0000-7000-8000-${String(++n).padStart(12, '0')}`;

/** Agents may credit 50.00 in one request and 120.00 a day; supervisors 500.00 and 1,500.00; counter cash as below. */
const LIMITS = {
  assist: {
    authority: {
      agent: { adjustmentMinor: { perRequestMinor: 5_000, perDayMinor: 12_000 }, counterCashMinor: { perRequestMinor: 30_000, perDayMinor: 60_000 } },
      supervisor: { counterCashMinor: { perRequestMinor: 200_000, perDayMinor: 300_000 } },
    },
  },
};

/** A kiosk (on a clock the test may move) with a member of staff in assist mode and Elena's account open. */
async function assisting(who = LUCIA, options: { dataDir?: string; clock?: TestClock; settings?: object } = {}) {
  const clock = options.clock ?? new TestClock();
  const { core, dataDir } = await startTestCore((options.settings ?? LIMITS) as never, options.dataDir, clock.now);
  adopt(core);
  await ok(core, 'staff.signIn', staffIn(who));
  const [elena] = (await ok(core, 'assist.lookup', { query: ELENA.identifier })).matches;
  await ok(core, 'assist.openAccount', { accountId: elena?.accountId, checks: ['photoId'] });
  const db = openKioskLedger(dataDir, { readonly: true });
  const used = () => db.prepare(`SELECT staff_id, kind, SUM(amount_minor) AS minor FROM staff_authority_uses GROUP BY staff_id, kind ORDER BY staff_id, kind`).all();
  return { core, db, dataDir, clock, used };
}

const credit = (core: KioskCore, amountMinor: number, extra = {}) =>
  core.dispatch('assist.adjust', { requestId: nextId(), direction: 'credit', amountMinor, reason: 'Goodwill after an outage', ...extra });
const cash = (core: KioskCore, amountMinor: number, extra = {}) => core.dispatch('assist.takeCash', { requestId: nextId(), amountMinor, billNo: null, language: 'en', ...extra });
const balanceOf = async (core: KioskCore) => (await ok(core, 'account.overview', {})).balance.amountMinor;

describe('limits per staff member per day', () => {
  it('three 50.00 credits against a 120.00 day: the third is refused, saying 20.00 is left; 20.00 still goes', async () => {
    const { core, db, used } = await assisting();
    expect(await credit(core, 5_000)).toMatchObject({ ok: true });
    expect(await credit(core, 5_000)).toMatchObject({ ok: true });
    const balance = await balanceOf(core);
    expect(await credit(core, 5_000)).toEqual({
      ok: false,
      error: {
        code: 'FORBIDDEN',
        message: 'This is above what is left of your authority today: a supervisor must confirm it with their PIN.',
        details: { needs: 'supervisor', reason: 'overLimit', kind: 'adjustmentMinor', staffId: 'AG-1001', limit: 'perDay', limitMinor: 12_000, usedTodayMinor: 10_000, leftMinor: 2_000, currency: 'EUR' },
      },
    });
    expect(await balanceOf(core)).toBe(balance);
    // One 150.00 is above the limit for one request, whatever is left of the day.
    expect(await credit(core, 15_000)).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN', details: { needs: 'supervisor', kind: 'adjustmentMinor', limit: 'perRequest', limitMinor: 5_000, usedTodayMinor: 10_000, leftMinor: 2_000 } },
    });
    expect(await credit(core, 2_000)).toMatchObject({ ok: true });
    expect(await credit(core, 1)).toMatchObject({ ok: false, error: { details: { limit: 'perDay', usedTodayMinor: 12_000, leftMinor: 0 } } });
    expect(used()).toEqual([{ staff_id: 'AG-1001', kind: 'adjustmentMinor', minor: 12_000 }]);
    expect(db.prepare(`SELECT day FROM staff_authority_uses`).pluck().all()).toEqual([TEST_TODAY, TEST_TODAY, TEST_TODAY]);
    // A supervisor confirming it: on their authority, counted against their day and hers.
    expect(await credit(core, 5_000, byOmar)).toMatchObject({ ok: true, value: { approvedBy: 'SV-2001' } });
    expect(used()).toEqual([
      { staff_id: 'AG-1001', kind: 'adjustmentMinor', minor: 17_000 },
      { staff_id: 'SV-2001', kind: 'adjustmentMinor', minor: 5_000 },
    ]);
  });

  it('adds up across a restart, and starts again on the branch’s next day', async () => {
    const clock = new TestClock();
    const first = await assisting(LUCIA, { clock });
    expect(await credit(first.core, 5_000)).toMatchObject({ ok: true });
    expect(await credit(first.core, 5_000)).toMatchObject({ ok: true });
    first.core.close();
    const again = await assisting(LUCIA, { clock, dataDir: first.dataDir });
    expect(await credit(again.core, 5_000)).toMatchObject({ ok: false, error: { details: { limit: 'perDay', usedTodayMinor: 10_000, leftMinor: 2_000 } } });
    again.core.close();
    // 25 hours on is another calendar day in Madrid, whatever the clocks did overnight.
    clock.advance(25 * 3_600_000);
    expect(dateInZone(clock.now(), TEST_TIME_ZONE)).not.toBe(TEST_TODAY);
    const tomorrow = await assisting(LUCIA, { clock, dataDir: first.dataDir });
    expect(await credit(tomorrow.core, 5_000)).toMatchObject({ ok: true });
    expect(await credit(tomorrow.core, 5_000)).toMatchObject({ ok: true });
    expect(await credit(tomorrow.core, 5_000)).toMatchObject({ ok: false, error: { details: { limit: 'perDay', usedTodayMinor: 10_000 } } });
  });

  it('requests sent at once cannot both fit in what is left: ten 50.00 credits, two go', async () => {
    const { core, db, used } = await assisting();
    const balance = await balanceOf(core);
    const answers = await Promise.all(Array.from({ length: 10 }, () => credit(core, 5_000)));
    expect(answers.filter((a) => a.ok)).toHaveLength(2);
    for (const refused of answers.filter((a) => !a.ok)) {
      expect(refused).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', details: { limit: 'perDay', limitMinor: 12_000 } } });
    }
    expect(await balanceOf(core)).toBe(balance - 10_000);
    expect(db.prepare(`SELECT COUNT(*) FROM adjustments`).pluck().get()).toBe(2);
    expect(used()).toEqual([{ staff_id: 'AG-1001', kind: 'adjustmentMinor', minor: 10_000 }]);
  });

  it('the ledger keeps what was used: its rows cannot be changed or deleted', async () => {
    const { core, dataDir } = await assisting();
    expect(await credit(core, 5_000)).toMatchObject({ ok: true });
    const db = openKioskLedger(dataDir);
    expect(() => db.prepare(`UPDATE staff_authority_uses SET amount_minor = 0`).run()).toThrow(/append-only/);
    expect(() => db.prepare(`DELETE FROM staff_authority_uses`).run()).toThrow(/append-only/);
    db.close();
  });
});

describe('cash at the counter', () => {
  it('above the agent’s limit needs a supervisor: refused and nothing taken without one, taken with one, on both their days', async () => {
    const { core, db, used } = await assisting();
    const balance = await balanceOf(core);
    expect(await cash(core, 200_000)).toEqual({
      ok: false,
      error: {
        code: 'FORBIDDEN',
        message: 'This is above your authority: a supervisor must confirm it with their PIN.',
        details: { needs: 'supervisor', reason: 'overLimit', kind: 'counterCashMinor', staffId: 'AG-1001', limit: 'perRequest', limitMinor: 30_000, usedTodayMinor: 0, leftMinor: 60_000, currency: 'EUR' },
      },
    });
    expect(db.prepare(`SELECT COUNT(*) FROM payment_intents`).pluck().get()).toBe(0);
    expect(await balanceOf(core)).toBe(balance);
    // An agent cannot confirm it, nor can the one asking.
    expect(await cash(core, 200_000, { supervisor: { staffId: 'AG-1002', pin: '8642' } })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN', message: 'Only a supervisor can confirm this.', details: { needs: 'supervisor', reason: 'notSupervisor' } },
    });
    const taken = await cash(core, 200_000, byOmar);
    expect(taken).toMatchObject({ ok: true, value: { status: 'approved', amountTaken: { amountMinor: 200_000 }, receipt: { staffId: 'AG-1001' } } });
    expect(await balanceOf(core)).toBe(balance - 200_000);
    expect(db.prepare(`SELECT actor_id, approved_by, action FROM audit_events ORDER BY seq DESC LIMIT 1`).get()).toEqual({ actor_id: 'AG-1001', approved_by: 'SV-2001', action: 'payment.cashAtCounter' });
    expect(used()).toEqual([
      { staff_id: 'AG-1001', kind: 'counterCashMinor', minor: 200_000 },
      { staff_id: 'SV-2001', kind: 'counterCashMinor', minor: 200_000 },
    ]);
    // Her own day is used up now, however small the next one.
    expect(await cash(core, 1_000)).toMatchObject({ ok: false, error: { details: { needs: 'supervisor', limit: 'perDay', limitMinor: 60_000, usedTodayMinor: 200_000, leftMinor: 0 } } });
  });

  it('a supervisor’s confirmations use their own day: past it, another supervisor must confirm', async () => {
    const { core } = await assisting();
    expect(await cash(core, 200_000, byOmar)).toMatchObject({ ok: true });
    expect(await cash(core, 150_000, byOmar)).toEqual({
      ok: false,
      error: {
        code: 'FORBIDDEN',
        message: 'This is above what SV-2001 may still approve: another supervisor must confirm it.',
        details: { needs: 'supervisor', reason: 'supervisorOverLimit', kind: 'counterCashMinor', staffId: 'SV-2001', limit: 'perDay', limitMinor: 300_000, usedTodayMinor: 200_000, leftMinor: 100_000, currency: 'EUR' },
      },
    });
    expect(await cash(core, 100_000, byOmar)).toMatchObject({ ok: true });
  });

  it('a supervisor’s own counter cash counts against their day too', async () => {
    const { core } = await assisting(OMAR);
    expect(await cash(core, 200_000)).toMatchObject({ ok: true, value: { receipt: { staffId: 'SV-2001' } } });
    expect(await cash(core, 150_000)).toMatchObject({
      ok: false,
      error: { details: { needs: 'supervisor', reason: 'overLimit', staffId: 'SV-2001', limit: 'perDay', limitMinor: 300_000, usedTodayMinor: 200_000, leftMinor: 100_000 } },
    });
  });
});

describe('every refusal says which limit', () => {
  it('above any supervisor’s limit for one request: headquarters decides, with the limit named', async () => {
    const { core } = await assisting();
    expect(await credit(core, 60_000, byOmar)).toEqual({
      ok: false,
      error: {
        code: 'FORBIDDEN',
        message: 'This is beyond what anyone may approve at this kiosk: headquarters must decide.',
        details: { needs: 'headquarters', kind: 'adjustmentMinor', limit: 'perRequest', limitMinor: 50_000, currency: 'EUR' },
      },
    });
  });

  it('a supervisor confirming their own action is refused, saying so', async () => {
    const { core } = await assisting(OMAR);
    expect(await cash(core, 200_000)).toMatchObject({ ok: true });
    expect(await cash(core, 150_000, byOmar)).toMatchObject({
      ok: false,
      error: { message: 'Another supervisor must confirm this: nobody confirms their own action.', details: { needs: 'supervisor', reason: 'ownAction', limit: 'perDay', leftMinor: 100_000 } },
    });
  });

  it('credit decisions: the limit granted is bounded per request, the increase per day', async () => {
    const settings = { assist: { authority: { agent: { creditLimitMinor: { perRequestMinor: (await demoCreditLimit(JAMES.identifier)) + 30_000, perDayMinor: 10_000 } } } } };
    const { core, dataDir } = await startTestCore(settings as never);
    adopt(core);
    await ok(core, 'session.signIn', JAMES);
    const { creditLimit } = await ok(core, 'credit.status', {});
    // He asks for 250.00 more: the kiosk grants its 100.00 and refers the rest, a 150.00 increase, to staff.
    expect((await ok(core, 'credit.request', { requestId: nextId(), requestedLimitMinor: creditLimit.amountMinor + 25_000 })).referred?.amountMinor).toBe(15_000);
    await ok(core, 'session.signOut', {});
    await ok(core, 'staff.signIn', staffIn(LUCIA));
    const [referral] = (await ok(core, 'assist.creditReferrals', {})).referrals;
    const approve = { requestId: referral?.requestId, decision: 'approve', reason: 'Long-standing customer' };
    // The limit he asked for is within her authority for one request; the 150.00 it adds is more than her 100.00 a day.
    expect(await core.dispatch('assist.decideCredit', approve)).toMatchObject({
      ok: false,
      error: { details: { needs: 'supervisor', kind: 'creditLimitMinor', limit: 'perDay', limitMinor: 10_000, usedTodayMinor: 0, leftMinor: 10_000 } },
    });
    expect(await ok(core, 'assist.decideCredit', { ...approve, ...byOmar })).toMatchObject({ approvedBy: 'SV-2001' });
    const db = openKioskLedger(dataDir, { readonly: true });
    expect(db.prepare(`SELECT staff_id, kind, amount_minor, as_approver, ref FROM staff_authority_uses ORDER BY seq`).all()).toEqual([
      { staff_id: 'AG-1001', kind: 'creditLimitMinor', amount_minor: 15_000, as_approver: 0, ref: referral?.requestId },
      { staff_id: 'SV-2001', kind: 'creditLimitMinor', amount_minor: 15_000, as_approver: 1, ref: referral?.requestId },
    ]);
    db.close();
  });
});

describe('settings', () => {
  it('keeps the older per-request form valid and refuses a day smaller than one request, naming the field', async () => {
    const { core } = await assisting(LUCIA, { settings: { assist: { authority: { agent: { adjustmentMinor: 5_000 } } } } });
    // 50.00 a request as written; the day is the default 150.00.
    for (let i = 0; i < 3; i++) expect(await credit(core, 5_000)).toMatchObject({ ok: true });
    expect(await credit(core, 100)).toMatchObject({ ok: false, error: { details: { limit: 'perDay', limitMinor: 15_000, leftMinor: 0 } } });
    await expect(startTestCore({ assist: { authority: { agent: { adjustmentMinor: { perRequestMinor: 5_000, perDayMinor: 1_000 } } } } } as never)).rejects.toThrow(
      /assist\.authority\.agent\.adjustmentMinor: perDayMinor must be at least perRequestMinor/,
    );
  });
});
