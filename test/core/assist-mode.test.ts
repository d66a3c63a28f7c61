import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LEDGER_FILE } from '../../electron/core/kiosk-core.ts';
import { demoStaff } from '../../shared/demo/staff.ts';
import { JAMES, ok, useCores } from '../helpers/signed-in.ts';
import { startTestCore } from '../helpers/demo-ledger.ts';

const { anonymous, adopt } = useCores();
const [LUCIA, , OMAR] = demoStaff as [(typeof demoStaff)[number], (typeof demoStaff)[number], (typeof demoStaff)[number]];
const staffIn = (who: { id: string; pin: string }) => ({ staffId: who.id, pin: who.pin });

afterEach(() => {
  vi.useRealTimers();
});

describe('staff sign-in', () => {
  it('signs a member of staff in by id and PIN, as typed or as a badge reader types it, with their role', async () => {
    const core = await anonymous();
    expect(await ok(core, 'staff.session', {})).toBeNull();
    const agent = await ok(core, 'staff.signIn', { staffId: ` ${LUCIA.id.toLowerCase()}\n`, pin: LUCIA.pin });
    expect(agent).toEqual({ staffId: 'AG-1001', name: 'Lucía Martín', role: 'agent', idle: { timeoutSeconds: 40, warningSeconds: 10 } });
    expect(await ok(core, 'staff.session', {})).toEqual(agent);
    // Another member of staff taking over: the supervisor now holds assist mode.
    expect(await ok(core, 'staff.signIn', staffIn(OMAR))).toMatchObject({ staffId: 'SV-2001', role: 'supervisor' });
    expect(await ok(core, 'staff.session', {})).toMatchObject({ staffId: 'SV-2001' });
  });

  it('locks a staff id after five wrong PINs, across a restart; an unknown id fails the same way', async () => {
    const { core, dataDir } = await startTestCore();
    adopt(core);
    for (let left = 4; left >= 1; left--) {
      expect(await core.dispatch('staff.signIn', { staffId: LUCIA.id, pin: '0000' })).toEqual({
        ok: false,
        error: { code: 'AUTH_FAILED', message: "That staff id and PIN don't match.", details: { attemptsLeft: left } },
      });
    }
    expect(await core.dispatch('staff.signIn', { staffId: LUCIA.id, pin: '0000' })).toMatchObject({ ok: false, error: { code: 'LOCKED_OUT' } });
    core.close();
    const { core: again } = await startTestCore({}, dataDir);
    adopt(again);
    // Even the right PIN is refused while locked; other staff are not affected.
    expect(await again.dispatch('staff.signIn', staffIn(LUCIA))).toMatchObject({ ok: false, error: { code: 'LOCKED_OUT', details: { lockedUntil: expect.any(String) } } });
    expect((await again.dispatch('staff.signIn', staffIn(OMAR))).ok).toBe(true);
    expect(await again.dispatch('staff.signIn', { staffId: 'AG-9999', pin: '2468' })).toMatchObject({
      ok: false,
      error: { code: 'AUTH_FAILED', message: "That staff id and PIN don't match.", details: { attemptsLeft: 4 } },
    });
    // Bad input is refused before anything is counted.
    expect(await again.dispatch('staff.signIn', { staffId: 'AG 1001; DROP', pin: '12' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const db = new BetterSqlite3(path.join(dataDir, LEDGER_FILE), { readonly: true });
    expect(db.prepare(`SELECT subject, failures FROM sign_in_attempts ORDER BY subject`).all()).toEqual([
      { subject: 'staff:AG-1001', failures: 5 },
      { subject: 'staff:AG-9999', failures: 1 },
    ]);
    db.close();
  });

  it('stores staff PINs only as scrypt hashes', async () => {
    const { core, dataDir } = await startTestCore();
    adopt(core);
    const db = new BetterSqlite3(path.join(dataDir, LEDGER_FILE), { readonly: true });
    const rows = db.prepare(`SELECT id, role, pin_hash FROM staff ORDER BY id`).all() as { id: string; role: string; pin_hash: string }[];
    db.close();
    expect(rows.map((r) => [r.id, r.role])).toEqual([
      ['AG-1001', 'agent'],
      ['AG-1002', 'agent'],
      ['SV-2001', 'supervisor'],
    ]);
    for (const r of rows) expect(r.pin_hash).toMatch(/^scrypt\$16384\$8\$1\$/);
  });
});

describe('assist session', () => {
  it('times out sooner than a customer session, and ending it signs the customer out too', async () => {
    const core = await anonymous();
    vi.useFakeTimers();
    const seen: string[] = [];
    core.events.on('assist.idleWarning', (p) => seen.push(`assist warning:${p.secondsLeft}`));
    core.events.on('assist.ended', (p) => seen.push(`assist ended:${p.reason}`));
    core.events.on('session.ended', (p) => seen.push(`session ended:${p.reason}`));
    await ok(core, 'session.signIn', JAMES);
    await ok(core, 'staff.signIn', staffIn(LUCIA));
    vi.advanceTimersByTime(40_000);
    expect(seen).toEqual(['assist warning:10']);
    // Any call the kiosk takes in assist mode is staff activity: the clock starts again.
    await ok(core, 'account.overview', {});
    vi.advanceTimersByTime(49_000);
    expect(seen).toEqual(['assist warning:10', 'assist warning:10']);
    vi.advanceTimersByTime(1_000);
    expect(seen).toEqual(['assist warning:10', 'assist warning:10', 'session ended:signedOut', 'assist ended:idleTimeout']);
    expect(await ok(core, 'staff.session', {})).toBeNull();
    expect(await core.dispatch('account.overview', {})).toMatchObject({ ok: false, error: { code: 'NOT_SIGNED_IN' } });
  });

  it('signing out of assist mode leaves the kiosk clean', async () => {
    const core = await anonymous();
    const seen: string[] = [];
    core.events.on('assist.ended', (p) => seen.push(`assist ended:${p.reason}`));
    core.events.on('session.ended', (p) => seen.push(`session ended:${p.reason}`));
    await ok(core, 'staff.signIn', staffIn(OMAR));
    await ok(core, 'session.signIn', JAMES);
    expect(await ok(core, 'staff.signOut', {})).toEqual({});
    expect(seen).toEqual(['session ended:signedOut', 'assist ended:signedOut']);
    expect(await ok(core, 'staff.session', {})).toBeNull();
    expect(await core.dispatch('staff.signOut', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('refuses settings where staff would time out no sooner than customers', async () => {
    await expect(startTestCore({ idle: { timeoutSeconds: 30, warningSeconds: 10 }, assist: { idle: { timeoutSeconds: 30, warningSeconds: 10 } } as never })).rejects.toThrow(
      /assist\.idle.*staff sessions must time out sooner than customer sessions/,
    );
  });
});

describe('customer lookup and identity check', () => {
  it('finds a customer by account number, phone number or part of the name, accents and case ignored, showing no account details', async () => {
    const core = await anonymous();
    await ok(core, 'staff.signIn', staffIn(LUCIA));
    const elena = { accountNo: '4000000010', name: 'Elena Romero' };
    expect((await ok(core, 'assist.lookup', { query: '4000000010' })).matches).toEqual([expect.objectContaining(elena)]);
    expect((await ok(core, 'assist.lookup', { query: '600 000 004' })).matches).toEqual([expect.objectContaining({ ...elena, phonesLast3: expect.arrayContaining(['004']) })]);
    expect((await ok(core, 'assist.lookup', { query: '+34600000004' })).matches).toEqual([expect.objectContaining(elena)]);
    // Namesakes are all listed, in name order, with their lines' last digits to tell them apart.
    for (const query of ['romero', 'ROMÉRO']) {
      expect((await ok(core, 'assist.lookup', { query })).matches.map((m) => m.name)).toEqual(['Diego Romero', 'Elena Romero']);
    }
    expect((await ok(core, 'assist.lookup', { query: 'léna rom' })).matches).toEqual([expect.objectContaining(elena)]);
    // Each match names the customer and account, nothing more.
    expect(Object.keys((await ok(core, 'assist.lookup', { query: 'Romero' })).matches[0] ?? {}).sort()).toEqual(['accountId', 'accountNo', 'name', 'phonesLast3']);
    expect(await ok(core, 'assist.lookup', { query: 'nobody-like-this' })).toEqual({ matches: [], more: false });
    // LIKE's wildcards are taken literally.
    expect(await ok(core, 'assist.lookup', { query: '%%' })).toEqual({ matches: [], more: false });
    expect(await core.dispatch('assist.lookup', { query: 'a' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });

  it('opens the account only once the identity check is recorded, by whom and what was checked', async () => {
    const { core, dataDir } = await startTestCore();
    adopt(core);
    await ok(core, 'staff.signIn', staffIn(LUCIA));
    const [elena] = (await ok(core, 'assist.lookup', { query: 'Elena Romero' })).matches;
    expect(await core.dispatch('account.overview', {})).toMatchObject({ ok: false, error: { code: 'NOT_SIGNED_IN' } });
    expect(await core.dispatch('assist.openAccount', { accountId: elena?.accountId, checks: [] })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await core.dispatch('assist.openAccount', { accountId: 'no-such-account', checks: ['photoId'] })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await ok(core, 'assist.openAccount', { accountId: elena?.accountId, checks: ['photoId', 'dateOfBirth'], note: 'DNI seen' })).toMatchObject({
      customerName: 'Elena Romero',
      language: 'es',
    });
    expect((await ok(core, 'account.overview', {})).accountNo).toBe('4000000010');

    const db = new BetterSqlite3(path.join(dataDir, LEDGER_FILE), { readonly: true });
    expect(db.prepare(`SELECT actor_kind, actor_id, action, account_id, after_json, reason FROM audit_events`).all()).toEqual([
      { actor_kind: 'agent', actor_id: 'AG-1001', action: 'customer.identityChecked', account_id: elena?.accountId, after_json: '{"checks":["photoId","dateOfBirth"]}', reason: 'DNI seen' },
    ]);
    db.close();
  });
});
