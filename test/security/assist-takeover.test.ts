import { openKioskLedger } from '../helpers/ledger-file.ts';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type KioskCore } from '../../electron/core/kiosk-core.ts';
import { demoStaff } from '../../shared/demo/staff.ts';
import { TestClock } from '../helpers/clock.ts';
import { startTestCore } from '../helpers/demo-ledger.ts';
import { ELENA, JAMES, ok, useCores } from '../helpers/signed-in.ts';

/**
 * What the kiosk withstands when a member of staff signs in to assist mode and walks away from it,
 * or leaves it open while they are busy elsewhere: the next person at the screen (a customer,
 * someone who waited for the moment) must not be able to find another customer, open their
 * account, reset their PIN and sign in as them. Staff authority is the staff member's, not the
 * screen's: only their own calls keep assist mode alive, and the identity check, a PIN reset and
 * money above a small amount ask for their PIN again when it was given more than a minute ago.
 */

const { adopt } = useCores();
const [LUCIA, KARIM] = demoStaff as [(typeof demoStaff)[number], (typeof demoStaff)[number]];
const staffIn = (who: { id: string; pin: string }) => ({ staffId: who.id, pin: who.pin });
const id = (n: number) => `0193d2a0-0000-7000-8000-${String(n).padStart(12, '0')}`;
const needsStaffPin = { ok: false, error: { code: 'FORBIDDEN', details: { needs: 'staffPin' } } };

afterEach(() => {
  vi.useRealTimers();
});

/** A kiosk on a clock the test moves, its idle timers with it; a read-only view of its ledger. */
async function kiosk(): Promise<{ core: KioskCore; db: BetterSqlite3.Database; wait: (ms: number) => void; clock: TestClock }> {
  const clock = new TestClock();
  const { core, dataDir } = await startTestCore({}, undefined, clock.now);
  adopt(core);
  // The idle timers move with the clock; the simulated printer's own short waits still pass.
  vi.useFakeTimers({ shouldAdvanceTime: true });
  const db = openKioskLedger(dataDir, { readonly: true });
  return {
    core,
    db,
    clock,
    wait(ms) {
      clock.advance(ms);
      vi.advanceTimersByTime(ms);
    },
  };
}

/** The customer at the screen taps on every 5 s for `ms`: their screens, and the question the screens ask after a reload. */
async function customerTaps(k: { core: KioskCore; wait: (ms: number) => void }, ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 5_000) {
    k.wait(5_000);
    await k.core.dispatch('account.overview', {});
    await k.core.dispatch('session.touch', {});
    await k.core.dispatch('bill.history', {});
    await k.core.dispatch('staff.session', {});
    await k.core.dispatch('help.call', { screen: 'overview' });
  }
}

async function elenaAccountId(core: KioskCore): Promise<string> {
  const [elena] = (await ok(core, 'assist.lookup', { query: 'Elena Romero' })).matches;
  return elena?.accountId as string;
}

describe('staff walking away from assist mode', () => {
  it('ends assist mode on time however much the customer taps, and with it every staff power', async () => {
    const k = await kiosk();
    const seen: string[] = [];
    k.core.events.on('assist.ended', (p) => seen.push(`assist ended:${p.reason}`));
    k.core.events.on('session.ended', (p) => seen.push(`session ended:${p.reason}`));
    // Staff open James's account for him at the counter, then walk away; James keeps using the kiosk.
    await ok(k.core, 'staff.signIn', staffIn(LUCIA));
    const [james] = (await ok(k.core, 'assist.lookup', { query: JAMES.identifier })).matches;
    await ok(k.core, 'assist.openAccount', { accountId: james?.accountId, checks: ['photoId'] });
    await customerTaps(k, 45_000);
    expect(seen).toEqual([]);
    expect((await ok(k.core, 'staff.session', {}))?.staffId).toBe('AG-1001');
    // 50 s after the staff member's last own call (40 s + the 10 s warning), whatever the customer did meanwhile.
    await customerTaps(k, 5_000);
    expect(seen).toEqual(['session ended:signedOut', 'assist ended:idleTimeout']);
    expect(await ok(k.core, 'staff.session', {})).toBeNull();
    for (const [channel, input] of [
      ['assist.lookup', { query: 'Elena Romero' }],
      ['assist.openAccount', { accountId: james?.accountId, checks: ['photoId'] }],
      ['assist.resetPin', { newPin: '4321', reason: 'Forgot the PIN' }],
      ['staff.touch', {}],
    ] as const) {
      expect(await k.core.dispatch(channel, input)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
  });
});

describe('assist mode still open, the staff PIN given more than a minute ago', () => {
  /** Staff signed in at 0 s and are busy at the desk (a staff call every 30 s): assist mode lives on, their PIN gets old. */
  async function busyStaff() {
    const k = await kiosk();
    await ok(k.core, 'staff.signIn', staffIn(LUCIA));
    for (let t = 0; t < 90_000; t += 30_000) {
      k.wait(30_000);
      await ok(k.core, 'assist.helpCalls', {});
    }
    return k;
  }

  it('refuses lookup → open the account → reset the PIN → sign in as them at the identity check without the staff PIN', async () => {
    const k = await busyStaff();
    const audited = () => k.db.prepare(`SELECT action FROM audit_events`).pluck().all();
    const before = audited();
    // Someone at the screen meanwhile: the search shows names, but the account does not open.
    const accountId = await elenaAccountId(k.core);
    expect(await k.core.dispatch('assist.openAccount', { accountId, checks: ['photoId'] })).toMatchObject(needsStaffPin);
    // A guess is checked against the staff member in assist mode and counts towards locking their id; another member's PIN is a wrong one.
    expect(await k.core.dispatch('assist.openAccount', { accountId, checks: ['photoId'], staffPin: '0000' })).toMatchObject({ ok: false, error: { code: 'AUTH_FAILED', details: { attemptsLeft: 4 } } });
    expect(await k.core.dispatch('assist.openAccount', { accountId, checks: ['photoId'], staffPin: KARIM.pin })).toMatchObject({ ok: false, error: { code: 'AUTH_FAILED', details: { attemptsLeft: 3 } } });
    expect(await k.core.dispatch('account.overview', {})).toMatchObject({ ok: false, error: { code: 'NOT_SIGNED_IN' } });
    expect(await k.core.dispatch('assist.resetPin', { newPin: '4321', reason: 'Forgot the PIN' })).toMatchObject({ ok: false, error: { code: 'NOT_SIGNED_IN' } });
    // On the trail: the two wrong guesses; no identity check, no PIN reset.
    expect(audited()).toEqual([...before, 'staff.signInFailed', 'staff.signInFailed']);
    // So Elena's PIN is hers still: nobody signs in as her with one of their choosing.
    expect(await k.core.dispatch('session.signIn', { ...ELENA, pin: '4321' })).toMatchObject({ ok: false, error: { code: 'AUTH_FAILED' } });
    await ok(k.core, 'session.signIn', ELENA);
  });

  it('refuses the PIN reset on an account staff had opened, and money above a small amount; small amounts add up', async () => {
    const k = await kiosk();
    await ok(k.core, 'staff.signIn', staffIn(LUCIA));
    await ok(k.core, 'assist.openAccount', { accountId: await elenaAccountId(k.core), checks: ['photoId'] });
    k.wait(35_000);
    await ok(k.core, 'assist.lateFees', {});
    k.wait(30_000); // the PIN was given 65 s ago; the staff member's last own call 30 s ago
    const pinHash = () => k.db.prepare(`SELECT c.pin_hash FROM customers c JOIN billing_accounts a ON a.customer_id = c.id WHERE a.account_no = ?`).pluck().get(ELENA.identifier);
    const hash = pinHash();
    expect(await k.core.dispatch('assist.resetPin', { newPin: '4321', reason: 'Forgot the PIN' })).toMatchObject(needsStaffPin);
    expect(pinHash()).toBe(hash);
    expect(await k.core.dispatch('assist.adjust', { requestId: id(1), direction: 'credit', amountMinor: 2_001, reason: 'Goodwill' })).toMatchObject(needsStaffPin);
    // 20.00 in all may go without the PIN (a late fee waived, a small cash payment); past that the PIN is asked for.
    await ok(k.core, 'assist.takeCash', { requestId: id(2), amountMinor: 1_500, billNo: null, language: 'es' });
    expect(await k.core.dispatch('assist.takeCash', { requestId: id(3), amountMinor: 1_000, billNo: null, language: 'es' })).toMatchObject(needsStaffPin);
    await ok(k.core, 'assist.adjust', { requestId: id(4), direction: 'credit', amountMinor: 500, reason: 'Goodwill' });
    expect(await k.core.dispatch('assist.adjust', { requestId: id(5), direction: 'credit', amountMinor: 1, reason: 'Goodwill' })).toMatchObject(needsStaffPin);
    expect(k.db.prepare(`SELECT COUNT(*) FROM adjustments`).pluck().get()).toBe(1);
    expect(k.db.prepare(`SELECT COUNT(*) FROM payment_intents`).pluck().get()).toBe(1);
  });

  it('goes ahead when the staff member gives their own PIN, which then counts for a minute', async () => {
    const k = await busyStaff();
    const accountId = await elenaAccountId(k.core);
    expect(await ok(k.core, 'assist.openAccount', { accountId, checks: ['photoId'], staffPin: LUCIA.pin })).toMatchObject({ customerName: 'Elena Romero' });
    k.wait(30_000);
    expect(await ok(k.core, 'assist.resetPin', { newPin: '4321', reason: 'Forgot the PIN' })).toEqual({});
    await ok(k.core, 'assist.adjust', { requestId: id(1), direction: 'credit', amountMinor: 5_000, reason: 'Goodwill' });
    k.wait(31_000);
    expect(await k.core.dispatch('assist.resetPin', { newPin: '1111', reason: 'Forgot it again' })).toMatchObject(needsStaffPin);
    // Giving it again on the idle warning (a sign-in as the same member) counts too.
    await ok(k.core, 'staff.signIn', staffIn(LUCIA));
    expect(await ok(k.core, 'assist.resetPin', { newPin: '1111', reason: 'Forgot it again' })).toEqual({});
  });

  it('five wrong PINs given for a step lock the staff id and end assist mode', async () => {
    const k = await busyStaff();
    const seen: string[] = [];
    k.core.events.on('assist.ended', (p) => seen.push(`assist ended:${p.reason}`));
    const accountId = await elenaAccountId(k.core);
    for (let left = 4; left >= 1; left--) {
      expect(await k.core.dispatch('assist.openAccount', { accountId, checks: ['photoId'], staffPin: '9999' })).toMatchObject({ ok: false, error: { code: 'AUTH_FAILED', details: { attemptsLeft: left } } });
    }
    expect(await k.core.dispatch('assist.openAccount', { accountId, checks: ['photoId'], staffPin: '9999' })).toMatchObject({ ok: false, error: { code: 'LOCKED_OUT' } });
    expect(seen).toEqual(['assist ended:signedOut']);
    expect(await ok(k.core, 'staff.session', {})).toBeNull();
    expect(await k.core.dispatch('staff.signIn', staffIn(LUCIA))).toMatchObject({ ok: false, error: { code: 'LOCKED_OUT' } });
  });
});
