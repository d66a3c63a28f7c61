import { openKioskLedger, TEST_LEDGER_KEY } from '../helpers/ledger-file.ts';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LEDGER_FILE, type KioskCore } from '../../electron/core/kiosk-core.ts';
import { openLedger } from '../../electron/core/ledger/db.ts';
import { LOCKOUT_MINUTES, MAX_PIN_FAILURES, PinAttempts, THROTTLE, throttleDelaySeconds } from '../../electron/core/services/pin-attempts.ts';
import { demoCustomer } from '../../shared/demo/generator.ts';
import { makeAccountNumber } from '../../shared/identifiers.ts';
import { demoStaff } from '../../shared/demo/staff.ts';
import type { Result } from '../../shared/errors.ts';
import { TestClock } from '../helpers/clock.ts';
import { startTestCore, TEST_DEMO } from '../helpers/demo-ledger.ts';
import { ELENA, JAMES, ok } from '../helpers/signed-in.ts';
import os from 'node:os';
import { mkdtempSync } from 'node:fs';

// What someone guessing PINs at the kiosk gets: five tries per account (or staff id) however
// they send them — all at once, across a restart — and a kiosk that slows down and calls staff
// when wrong PINs pile up across different accounts. Every attempt is counted before its PIN is
// hashed (services/pin-attempts.ts).

/** Counts the KDF's work: a refused attempt must not even be hashed. */
const kdf = vi.hoisted(() => ({ calls: 0 }));
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  const scrypt = (...args: Parameters<typeof actual.scrypt>) => {
    kdf.calls += 1;
    return (actual.scrypt as (...a: unknown[]) => void)(...args);
  };
  return { ...actual, default: { ...actual, scrypt }, scrypt };
});

const running: KioskCore[] = [];
afterEach(() => running.splice(0).forEach((c) => c.close()));

async function kiosk(clock = new TestClock(), dataDir?: string) {
  const started = await startTestCore({}, dataDir, clock.now);
  running.push(started.core);
  return { ...started, clock };
}

const WRONG = '9731';
const UNKNOWN = makeAccountNumber(987_654_321);
const codes = (results: Result<unknown>[]) => results.map((r) => (r.ok ? 'ok' : r.error.code));
const tally = (results: Result<unknown>[]) => codes(results).reduce<Record<string, number>>((t, c) => ({ ...t, [c]: (t[c] ?? 0) + 1 }), {});
const readLedger = (dataDir: string) => openKioskLedger(dataDir, { readonly: true });
/** Other demo customers than James and Elena, by account number and PIN. */
const others = Array.from({ length: 8 }, (_, i) => demoCustomer(TEST_DEMO.seed, i + 4, '34'));

describe('guessing one account’s PIN', () => {
  it('50 wrong PINs sent at once: exactly 5 are checked, the account is locked, and stays locked after the burst and a restart', async () => {
    const { core, dataDir, clock } = await kiosk();
    kdf.calls = 0;
    const burst = await Promise.all(Array.from({ length: 50 }, () => core.dispatch('session.signIn', { identifier: JAMES.identifier, pin: WRONG })));
    expect(kdf.calls).toBe(MAX_PIN_FAILURES);
    expect(tally(burst)).toEqual({ AUTH_FAILED: 4, LOCKED_OUT: 46 });
    const lockedUntil = new Date(clock.now().getTime() + LOCKOUT_MINUTES * 60_000).toISOString();
    expect(burst.filter((r) => !r.ok && r.error.code === 'LOCKED_OUT').map((r) => (r.ok ? null : r.error.details?.['lockedUntil']))).toEqual(Array(46).fill(lockedUntil));

    // Even the right PIN is refused now, unhashed, and a wrong one does not reset the count.
    kdf.calls = 0;
    expect(await core.dispatch('session.signIn', JAMES)).toMatchObject({ ok: false, error: { code: 'LOCKED_OUT', details: { lockedUntil } } });
    expect(await core.dispatch('session.signIn', { identifier: JAMES.identifier, pin: WRONG })).toMatchObject({ ok: false, error: { code: 'LOCKED_OUT', details: { lockedUntil } } });
    expect(kdf.calls).toBe(0);

    core.close();
    running.length = 0;
    const { core: again } = await kiosk(clock.advance(LOCKOUT_MINUTES * 60_000 - 1_000), dataDir);
    expect(await again.dispatch('session.signIn', JAMES)).toMatchObject({ ok: false, error: { code: 'LOCKED_OUT', details: { lockedUntil } } });
    const db = readLedger(dataDir);
    expect(db.prepare(`SELECT failures, locked_until FROM sign_in_attempts WHERE subject LIKE 'account:%'`).all()).toEqual([{ failures: 5, locked_until: lockedUntil }]);
    db.close();
    // Once the lock has run out, the right PIN signs in and clears the count.
    clock.advance(1_001);
    expect((await again.dispatch('session.signIn', JAMES)).ok).toBe(true);
  });

  it('the same burst at a staff id, and at the supervisor PIN that confirms dual control', async () => {
    const [lucia, , omar] = demoStaff as [(typeof demoStaff)[number], (typeof demoStaff)[number], (typeof demoStaff)[number]];
    const { core } = await kiosk();
    kdf.calls = 0;
    const burst = await Promise.all(Array.from({ length: 50 }, () => core.dispatch('staff.signIn', { staffId: omar.id, pin: WRONG })));
    expect(kdf.calls).toBe(MAX_PIN_FAILURES);
    expect(tally(burst)).toEqual({ AUTH_FAILED: 4, LOCKED_OUT: 46 });
    expect(await core.dispatch('staff.signIn', { staffId: omar.id, pin: omar.pin })).toMatchObject({ ok: false, error: { code: 'LOCKED_OUT' } });

    // The supervisor's confirmation is the same check: a burst of wrong confirmations locks the confirming id.
    const { core: other } = await kiosk();
    await ok(other, 'staff.signIn', { staffId: lucia.id, pin: lucia.pin });
    await ok(other, 'assist.openAccount', { accountId: (await ok(other, 'assist.lookup', { query: ELENA.identifier })).matches[0]?.accountId, checks: ['photoId'] });
    kdf.calls = 0;
    const adjust = (n: number) => ({ requestId: `0193d2a0-0000-7000-8000-${String(n).padStart(12, '0')}`, direction: 'credit', amountMinor: 40_000, reason: 'Goodwill', supervisor: { staffId: omar.id, pin: WRONG } });
    const confirmations = await Promise.all(Array.from({ length: 50 }, (_, n) => other.dispatch('assist.adjust', adjust(n))));
    expect(kdf.calls).toBe(MAX_PIN_FAILURES);
    expect(tally(confirmations)).toEqual({ AUTH_FAILED: 4, LOCKED_OUT: 46 });
  });

  it('a failure never unlocks: wrong PINs while locked leave the lock as it was (the old count reset let a burst of 21 through)', async () => {
    const { core, clock } = await kiosk();
    for (let i = 0; i < MAX_PIN_FAILURES; i++) await core.dispatch('session.signIn', { identifier: JAMES.identifier, pin: WRONG });
    clock.advance(60_000);
    const later = await Promise.all(Array.from({ length: 21 }, () => core.dispatch('session.signIn', { identifier: JAMES.identifier, pin: WRONG })));
    expect(tally(later)).toEqual({ LOCKED_OUT: 21 });
    expect(await core.dispatch('session.signIn', JAMES)).toMatchObject({ ok: false, error: { code: 'LOCKED_OUT' } });
  });
});

describe('guessing across accounts', () => {
  it('wrong PINs for different accounts slow every sign-in down, more with each account, and call staff once', async () => {
    const { core, dataDir, clock } = await kiosk();
    const wrong = (accountNo: string) => core.dispatch('session.signIn', { identifier: accountNo, pin: WRONG });
    // A few mistakes are free.
    for (const c of others.slice(0, THROTTLE.freeSubjects)) expect(await wrong(c.accountNo)).toMatchObject({ ok: false, error: { code: 'AUTH_FAILED' } });
    // Then the kiosk waits after each failure: 5 s, then twice as long for each account more.
    const firstWait = throttleDelaySeconds(THROTTLE.freeSubjects);
    expect(firstWait).toBe(5);
    kdf.calls = 0;
    expect(await core.dispatch('session.signIn', JAMES)).toEqual({
      ok: false,
      error: { code: 'THROTTLED', message: expect.any(String), details: { retryAt: new Date(clock.now().getTime() + firstWait * 1000).toISOString() } },
    });
    expect(kdf.calls).toBe(0);
    clock.advance(firstWait * 1000);
    expect(await wrong(others[3]!.accountNo)).toMatchObject({ ok: false, error: { code: 'AUTH_FAILED' } });
    expect(await wrong(others[4]!.accountNo)).toMatchObject({ ok: false, error: { code: 'THROTTLED', details: { retryAt: new Date(clock.now().getTime() + 10_000).toISOString() } } });
    clock.advance(10_000);
    expect(await wrong(others[4]!.accountNo)).toMatchObject({ ok: false, error: { code: 'AUTH_FAILED' } });

    // Five accounts failed within the window: staff are called, once, and it is on the trail.
    const db = readLedger(dataDir);
    const calls = () => db.prepare(`SELECT screen, account_id FROM assist_requests`).all();
    expect(calls()).toEqual([{ screen: 'pinGuessing', account_id: null }]);
    clock.advance(20_000);
    expect(await wrong(others[5]!.accountNo)).toMatchObject({ ok: false, error: { code: 'AUTH_FAILED' } });
    expect(calls()).toHaveLength(1);
    expect(db.prepare(`SELECT action, after_json FROM audit_events WHERE action = 'kiosk.signInThrottled'`).all()).toEqual([
      { action: 'kiosk.signInThrottled', after_json: JSON.stringify({ scope: 'customer', subjectsFailed: 5 }) },
    ]);
    db.close();

    // A customer's guessing never keeps staff out.
    const [lucia] = demoStaff as [(typeof demoStaff)[number]];
    expect((await core.dispatch('staff.signIn', { staffId: lucia.id, pin: lucia.pin })).ok).toBe(true);
    // Once the window has passed, sign-in is as quick as ever.
    clock.advance(THROTTLE.windowMinutes * 60_000);
    expect((await core.dispatch('session.signIn', JAMES)).ok).toBe(true);
  });

  it('50 accounts guessed at once: only the free few are hashed, the rest wait', async () => {
    const { core } = await kiosk();
    // Account numbers that exist nowhere: each is a subject of its own, as a real account would be.
    const accounts = Array.from({ length: 50 }, (_, i) => makeAccountNumber(900_000_000 + i));
    kdf.calls = 0;
    const burst = await Promise.all(accounts.map((identifier) => core.dispatch('session.signIn', { identifier, pin: WRONG })));
    expect(kdf.calls).toBe(THROTTLE.freeSubjects);
    expect(tally(burst)).toEqual({ AUTH_FAILED: THROTTLE.freeSubjects, THROTTLED: 50 - THROTTLE.freeSubjects });
  });
});

describe('the audit trail of sign-ins', () => {
  it('records successes, failures, lock-outs and staff signing in and out, never a PIN', async () => {
    const { core, dataDir } = await kiosk();
    const [lucia] = demoStaff as [(typeof demoStaff)[number]];
    await ok(core, 'session.signIn', ELENA);
    await ok(core, 'session.signOut', {});
    for (let i = 0; i < MAX_PIN_FAILURES; i++) await core.dispatch('session.signIn', { identifier: JAMES.identifier, pin: WRONG });
    await core.dispatch('session.signIn', { identifier: UNKNOWN, pin: WRONG });
    await core.dispatch('staff.signIn', { staffId: lucia.id, pin: WRONG });
    await ok(core, 'staff.signIn', { staffId: lucia.id, pin: lucia.pin });
    await ok(core, 'staff.signOut', {});

    const db = readLedger(dataDir);
    const trail = db.prepare(`SELECT actor_kind, action, account_id IS NOT NULL AS account, after_json FROM audit_events ORDER BY seq`).all() as { actor_kind: string; action: string; account: number; after_json: string | null }[];
    expect(trail.map((e) => [e.actor_kind, e.action, e.account])).toEqual([
      ['customer', 'customer.signedIn', 1],
      ['system', 'customer.signInFailed', 1],
      ['system', 'customer.signInFailed', 1],
      ['system', 'customer.signInFailed', 1],
      ['system', 'customer.signInFailed', 1],
      ['system', 'customer.lockedOut', 1],
      // An unknown number: nothing names an account, and the number typed is not kept.
      ['system', 'customer.signInFailed', 0],
      ['system', 'staff.signInFailed', 0],
      ['agent', 'staff.signedIn', 0],
      ['agent', 'staff.signedOut', 0],
    ]);
    expect(trail.map((e) => JSON.parse(e.after_json ?? 'null'))).toEqual([
      { via: 'account' },
      { via: 'account', attemptsLeft: 4 },
      { via: 'account', attemptsLeft: 3 },
      { via: 'account', attemptsLeft: 2 },
      { via: 'account', attemptsLeft: 1 },
      { via: 'account', lockedUntil: expect.any(String) },
      { via: 'account', attemptsLeft: 4 },
      { staffId: lucia.id, attemptsLeft: 4 },
      null,
      { reason: 'signedOut' },
    ]);
    // Neither a PIN tried nor a right one, nor the unknown number, is anywhere in the trail or on its way to headquarters.
    const everything = JSON.stringify([db.prepare(`SELECT * FROM audit_events`).all(), db.prepare(`SELECT payload FROM outbox`).all()]);
    for (const secret of [WRONG, ELENA.pin, lucia.pin, UNKNOWN]) expect(everything).not.toContain(secret);
    db.close();
  });
});

describe('property: any interleaving of concurrent checks', () => {
  it('never more than 5 wrong PINs are checked between right ones, the count survives a reopen, and only a right PIN clears it (200 runs)', async () => {
    const clock = new TestClock();
    const db = await openLedger(path.join(mkdtempSync(path.join(os.tmpdir(), 'onebill-pins-')), LEDGER_FILE), TEST_LEDGER_KEY);
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.boolean(), { minLength: 1, maxLength: 30 }), fc.scheduler(), async (rightness, s) => {
        const subject = `account:${++run}`;
        // A day between runs: each starts with no throttle from the ones before.
        clock.advance(86_400_000);
        const attempts = new PinAttempts(db, 'customer', clock.now);
        let wrongChecked = 0;
        let worst = 0;
        // Each attempt arrives, and each hash finishes, when the scheduler says.
        const outcomes = rightness.map((right) =>
          s
            .schedule(Promise.resolve())
            .then(() =>
              attempts.check(subject, () => {
                if (!right) worst = Math.max(worst, ++wrongChecked);
                return s.schedule(Promise.resolve(right)).then((ok) => {
                  if (ok) wrongChecked = 0;
                  return ok;
                });
              }),
            )
            .then(
              (o) => (o.ok ? 'ok' : 'wrong'),
              (e: { code?: string }) => e.code ?? 'error',
            ),
        );
        await s.waitAll();
        const results = await Promise.all(outcomes);
        expect(worst).toBeLessThanOrEqual(MAX_PIN_FAILURES);
        expect(results.every((r) => r === 'ok' || r === 'wrong' || r === 'LOCKED_OUT')).toBe(true);
        // Reopened (a restart), the counter agrees with the ledger: locked exactly when the ledger says so.
        const row = db.prepare(`SELECT failures, locked_until FROM sign_in_attempts WHERE subject = ?`).get(subject) as { failures: number; locked_until: string | null } | undefined;
        expect(row === undefined || row.failures <= MAX_PIN_FAILURES).toBe(true);
        const after = await new PinAttempts(db, 'customer', clock.now).check(subject, async () => true).then(
          () => 'ok',
          (e: { code?: string }) => e.code,
        );
        expect(after === 'LOCKED_OUT').toBe((row?.locked_until ?? null) !== null);
      }),
      { numRuns: 200 },
    );
    db.close();
    // 200 runs of synchronous=FULL writes: well past vitest's 5 s when the suite's other files load the machine.
  }, 60_000);
});
