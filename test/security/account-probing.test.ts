import type { ScryptOptions } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { KioskCore } from '../../electron/core/kiosk-core.ts';
import { makeAccountNumber } from '../../shared/identifiers.ts';
import { startTestCore } from '../helpers/demo-ledger.ts';
import { TestClock } from '../helpers/clock.ts';
import { THROTTLE } from '../../electron/core/services/pin-attempts.ts';

// What someone probing the sign-in for which account numbers, phone numbers and staff ids exist
// learns: nothing from the work the kiosk does. An unknown identifier costs the same scrypt work
// as a known one with a wrong PIN (the decoy hash, shared/node/pin.ts burnPinCheck), so neither the
// answer nor its time tells them apart. Counted on the KDF itself, not timed.

type KdfCall = { keylen: number; N: number | undefined; r: number | undefined; p: number | undefined };
const kdf = vi.hoisted(() => ({ calls: [] as KdfCall[] }));

vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  const scrypt = (...args: Parameters<typeof actual.scrypt>) => {
    const [, , keylen, options] = args as unknown as [unknown, unknown, number, ScryptOptions | undefined];
    kdf.calls.push({ keylen, N: options?.N, r: options?.r, p: options?.p });
    return (actual.scrypt as (...a: unknown[]) => void)(...args);
  };
  return { ...actual, default: { ...actual, scrypt }, scrypt };
});

let core: KioskCore;
// The probe takes its time: each attempt comes after the kiosk-wide throttle's window (services/pin-attempts.ts), which is tested on its own.
const clock = new TestClock();
beforeAll(async () => {
  ({ core } = await startTestCore({}, undefined, clock.now));
}, 60_000);
afterAll(() => core.close());

/** The KDF calls one sign-in attempt makes, and its answer. */
async function attempt(channel: 'session.signIn' | 'staff.signIn', input: Record<string, string>) {
  clock.advance(THROTTLE.windowMinutes * 60_000 + 1);
  kdf.calls = [];
  const result = await core.dispatch(channel, input);
  return { calls: kdf.calls, result };
}

const UNKNOWN_ACCOUNT = makeAccountNumber(987_654_321);

describe('probing the sign-in for who exists', () => {
  it('an unknown account number costs the same scrypt work as a known account with a wrong PIN, and gets the same answer', async () => {
    const known = await attempt('session.signIn', { identifier: '4000000002', pin: '9999' });
    const unknown = await attempt('session.signIn', { identifier: UNKNOWN_ACCOUNT, pin: '9999' });
    expect(known.calls).toHaveLength(1);
    expect(known.calls[0]!.N).toBeGreaterThanOrEqual(2 ** 14);
    expect(unknown.calls).toEqual(known.calls);
    expect(unknown.result).toEqual(known.result);
    expect(known.result).toMatchObject({ ok: false });
  });

  it('an unknown phone number costs the same as a known one', async () => {
    const known = await attempt('session.signIn', { identifier: '600000004', pin: '9999' }); // Elena's line: no failure yet
    const unknown = await attempt('session.signIn', { identifier: '699999999', pin: '9999' });
    expect(known.calls).toHaveLength(1);
    expect(unknown.calls).toEqual(known.calls);
    expect(unknown.result).toEqual(known.result);
  });

  it('an unknown staff id costs the same as a known one with a wrong PIN', async () => {
    const known = await attempt('staff.signIn', { staffId: 'AG-1001', pin: '9999' });
    const unknown = await attempt('staff.signIn', { staffId: 'AG-9999', pin: '9999' });
    expect(known.calls).toHaveLength(1);
    expect(unknown.calls).toEqual(known.calls);
    expect(unknown.result).toEqual(known.result);
  });
});
