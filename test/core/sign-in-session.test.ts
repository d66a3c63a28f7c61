import { openKioskLedger } from '../helpers/ledger-file.ts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startTestCore } from '../helpers/demo-ledger.ts';
import type { KioskCore } from '../../electron/core/kiosk-core.ts';

const SHOWCASE = { accountNo: '4000000002', phone: '600000000', pin: '1234', name: 'James Taylor' };
let cores: KioskCore[] = [];
async function core(...args: Parameters<typeof startTestCore>) {
  const started = await startTestCore(...args);
  cores.push(started.core);
  return started;
}
afterEach(() => {
  cores.forEach((c) => c.close());
  cores = [];
  vi.useRealTimers();
});

describe('sign-in', () => {
  it('signs in by account number or phone number with the PIN', async () => {
    const { core: k } = await core();
    expect(await k.dispatch('session.signIn', { identifier: SHOWCASE.accountNo, pin: SHOWCASE.pin })).toMatchObject({
      ok: true,
      value: { customerName: SHOWCASE.name, language: 'en' },
    });
    expect(await k.dispatch('session.signIn', { identifier: SHOWCASE.phone, pin: SHOWCASE.pin })).toMatchObject({ ok: true });
  });

  it('answers an unknown account exactly like a wrong PIN', async () => {
    const { core: k } = await core();
    const wrongPin = await k.dispatch('session.signIn', { identifier: SHOWCASE.accountNo, pin: '0000' });
    const unknown = await k.dispatch('session.signIn', { identifier: '4999999992', pin: '0000' });
    expect(wrongPin).toEqual({ ok: false, error: { code: 'AUTH_FAILED', message: "That number and PIN don't match.", details: { attemptsLeft: 4 } } });
    expect(unknown).toEqual(wrongPin);
  });

  it('locks the account for 15 minutes after 5 wrong PINs, across a restart, whichever number is used', async () => {
    let now = new Date('2026-11-26T10:00:00.000Z');
    const clock = () => now;
    const { core: k, dataDir } = await core({}, undefined, clock);
    for (let i = 0; i < 4; i++) await k.dispatch('session.signIn', { identifier: SHOWCASE.accountNo, pin: '0000' });
    const fifth = await k.dispatch('session.signIn', { identifier: SHOWCASE.phone, pin: '0000' });
    expect(fifth).toEqual({
      ok: false,
      error: { code: 'LOCKED_OUT', message: expect.any(String), details: { lockedUntil: '2026-11-26T10:15:00.000Z' } },
    });
    k.close();
    cores = [];
    const { core: restarted } = await core({}, dataDir, clock);
    expect(await restarted.dispatch('session.signIn', { identifier: SHOWCASE.accountNo, pin: SHOWCASE.pin })).toMatchObject({
      ok: false,
      error: { code: 'LOCKED_OUT' },
    });
    now = new Date('2026-11-26T10:15:01.000Z');
    expect(await restarted.dispatch('session.signIn', { identifier: SHOWCASE.accountNo, pin: SHOWCASE.pin })).toMatchObject({ ok: true });
  });

  it('stores PINs only as keyed scrypt verifiers', async () => {
    const { dataDir } = await core();
    const db = openKioskLedger(dataDir, { readonly: true });
    const hashes = db.prepare('SELECT pin_hash FROM customers').pluck().all() as string[];
    db.close();
    expect(hashes.length).toBe(12);
    for (const h of hashes) expect(h).toMatch(/^scrypt-hmac\$[0-9a-f]{8}\$16384\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    expect(new Set(hashes.map((h) => h.split('$')[5])).size).toBe(12); // a salt each
  });
});

describe('session', () => {
  it('needs a signed-in customer for the account', async () => {
    const { core: k } = await core();
    expect(await k.dispatch('account.overview', {})).toMatchObject({ ok: false, error: { code: 'NOT_SIGNED_IN' } });
  });

  it('warns after the idle timeout, then ends the session and says so', async () => {
    const { core: k } = await core({ idle: { timeoutSeconds: 60, warningSeconds: 15 } });
    vi.useFakeTimers();
    const seen: string[] = [];
    k.events.on('session.idleWarning', (p) => seen.push(`warning:${p.secondsLeft}`));
    k.events.on('session.resumed', () => seen.push('resumed'));
    k.events.on('session.ended', (p) => seen.push(`ended:${p.reason}`));
    await k.dispatch('session.signIn', { identifier: SHOWCASE.accountNo, pin: SHOWCASE.pin });
    vi.advanceTimersByTime(59_000);
    expect(seen).toEqual([]);
    vi.advanceTimersByTime(1_000);
    expect(seen).toEqual(['warning:15']);
    await k.dispatch('session.touch', {});
    expect(seen).toEqual(['warning:15', 'resumed']);
    vi.advanceTimersByTime(75_000);
    expect(seen).toEqual(['warning:15', 'resumed', 'warning:15', 'ended:idleTimeout']);
    expect(await k.dispatch('account.overview', {})).toMatchObject({ ok: false, error: { code: 'NOT_SIGNED_IN' } });
  });

  it('sign-out ends the session', async () => {
    const { core: k } = await core();
    const ended: string[] = [];
    k.events.on('session.ended', (p) => ended.push(p.reason));
    await k.dispatch('session.signIn', { identifier: SHOWCASE.accountNo, pin: SHOWCASE.pin });
    await k.dispatch('session.signOut', {});
    expect(ended).toEqual(['signedOut']);
    expect(await k.dispatch('session.touch', {})).toMatchObject({ ok: false, error: { code: 'NOT_SIGNED_IN' } });
  });
});
