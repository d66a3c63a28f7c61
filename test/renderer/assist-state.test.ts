import { describe, expect, it, vi } from 'vitest';
import type { StaffSessionInfo } from '../../shared/contract/assist.ts';
import { Translator } from '../../shared/i18n/translator.ts';
import {
  AssistState,
  cleanStaffId,
  roleName,
  staffProblemFromError,
  staffSignInMessage,
  StaffSignInForm,
} from '../../renderer/src/lib/state/assist.svelte.ts';
import { AppState } from '../../renderer/src/lib/state/app.svelte.ts';
import { ACCOUNT_NO, FakeKiosk, failure, GOOD_PIN, settle } from './fixtures.ts';

const en = new Translator('en');
const es = new Translator('es');
const ar = new Translator('ar');

const lucia: StaffSessionInfo = { staffId: 'AG-1001', name: 'Lucía Martín', role: 'agent', idle: { timeoutSeconds: 40, warningSeconds: 10 } };

/** A fake core that knows one member of staff, counts wrong PINs and keeps the assist session. */
function staffKiosk(): FakeKiosk & { signedInStaff: StaffSessionInfo | null } {
  const fake = Object.assign(new FakeKiosk(), { signedInStaff: null as StaffSessionInfo | null });
  let left = 5;
  fake.respond('staff.signIn', (input) => {
    const { staffId, pin } = input as { staffId: string; pin: string };
    if (staffId === 'AG-1001' && pin === '2468') {
      fake.signedInStaff = lucia;
      return { ok: true, value: lucia };
    }
    left -= 1;
    return left > 0 ? failure('AUTH_FAILED', "That staff id and PIN don't match.", { attemptsLeft: left }) : failure('LOCKED_OUT', 'Locked', { lockedUntil: '2025-03-10T12:15:00.000Z' });
  });
  fake.respond('staff.session', () => ({ ok: true, value: fake.signedInStaff }));
  fake.respond('staff.touch', () => (fake.signedInStaff ? { ok: true, value: { idleDeadline: '2026-11-26T10:00:50.000Z' } } : failure('FORBIDDEN', 'This needs a member of staff to sign in.')));
  fake.respond('staff.signOut', () => {
    fake.signedInStaff = null;
    return { ok: true, value: {} };
  });
  return fake;
}

function setup(fake = staffKiosk()) {
  let t = 1_000_000;
  const clock = { now: () => t, advance: (ms: number) => void (t += ms) };
  const onEnded = vi.fn(async () => {});
  const assist = new AssistState(fake.api, { onEnded, now: clock.now });
  return { assist, fake, onEnded, clock };
}

describe('StaffSignInForm', () => {
  it('keeps what a staff id may hold, upper-case, at most 24 characters', () => {
    expect(cleanStaffId('ag-1001 ')).toBe('AG-1001');
    expect(cleanStaffId('sv_2001;<b>')).toBe('SV2001B');
    expect(cleanStaffId('x'.repeat(30))).toHaveLength(24);
  });

  it('a badge scan (the id, then Enter) moves on to the PIN; the keypad then types the PIN, up to 8 digits', async () => {
    const form = new StaffSignInForm(staffKiosk().api, vi.fn());
    form.setStaffId('ag-1001');
    await form.enter();
    expect(form.active).toBe('pin');
    expect(form.focusRequest?.target).toBe('pin');
    for (const d of '1234567890') form.press(d);
    expect(form.pin).toBe('12345678');
    expect(form.staffId).toBe('AG-1001');
    form.backspace();
    expect(form.pin).toBe('1234567');
    form.clear();
    expect(form.pin).toBe('');
  });

  it('checks what it can before asking the core', async () => {
    const fake = staffKiosk();
    const form = new StaffSignInForm(fake.api, vi.fn());
    await form.submit();
    expect(form.problem).toEqual({ kind: 'missingId' });
    form.setStaffId('A');
    form.setPin('1234');
    await form.submit();
    expect(form.problem).toEqual({ kind: 'invalidId' });
    expect(form.focusRequest?.target).toBe('staffId');
    form.setStaffId('AG-1001');
    form.setPin('12');
    await form.submit();
    expect(form.problem).toEqual({ kind: 'invalidPin' });
    expect(fake.callsTo('staff.signIn')).toEqual([]);
  });

  it('turns a wrong PIN into attempts left and a lock-out into its time, clearing the PIN each time', async () => {
    const onSuccess = vi.fn();
    const form = new StaffSignInForm(staffKiosk().api, onSuccess);
    form.setStaffId('AG-1001');
    for (let i = 4; i >= 1; i--) {
      form.setPin('0000');
      await form.submit();
      expect(form.problem).toEqual({ kind: 'authFailed', attemptsLeft: i });
      expect(form.pin).toBe('');
      expect(form.active).toBe('pin');
    }
    form.setPin('0000');
    await form.submit();
    expect(form.problem).toEqual({ kind: 'lockedOut', lockedUntil: '2025-03-10T12:15:00.000Z' });
    expect(onSuccess).not.toHaveBeenCalled();
  });

  it('signs in with the right PIN and hands over who signed in', async () => {
    const onSuccess = vi.fn();
    const fake = staffKiosk();
    const form = new StaffSignInForm(fake.api, onSuccess);
    form.setStaffId('ag-1001');
    form.activate('pin');
    form.setPin('2468');
    await form.enter();
    expect(fake.callsTo('staff.signIn')).toEqual([{ staffId: 'AG-1001', pin: '2468' }]);
    expect(onSuccess).toHaveBeenCalledWith(lucia);
    expect(form.problem).toBeNull();
    expect(form.pin).toBe('');
  });
});

describe('staff sign-in messages', () => {
  it('reads the core’s codes, and which field a validation error is about', () => {
    expect(staffProblemFromError({ code: 'AUTH_FAILED', message: 'x', details: { attemptsLeft: 2 } })).toEqual({ kind: 'authFailed', attemptsLeft: 2 });
    expect(staffProblemFromError({ code: 'AUTH_FAILED', message: 'x' })).toEqual({ kind: 'authFailed', attemptsLeft: null });
    expect(staffProblemFromError({ code: 'LOCKED_OUT', message: 'x', details: { lockedUntil: 'soon' } })).toEqual({ kind: 'lockedOut', lockedUntil: null });
    expect(staffProblemFromError({ code: 'VALIDATION', message: 'x', details: { issues: { pin: ['bad'] } } })).toEqual({ kind: 'invalidPin' });
    expect(staffProblemFromError({ code: 'VALIDATION', message: 'x', details: { issues: { staffId: ['bad'] } } })).toEqual({ kind: 'invalidId' });
    expect(staffProblemFromError({ code: 'INTERNAL', message: 'x' })).toEqual({ kind: 'other' });
  });

  it('says them in every language, with plurals and the time through Intl', () => {
    expect(staffSignInMessage({ kind: 'authFailed', attemptsLeft: 1 }, en)).toBe("That staff id and PIN don't match. 1 attempt left before this staff id is locked.");
    expect(staffSignInMessage({ kind: 'authFailed', attemptsLeft: 3 }, es)).toBe('El identificador y el PIN no coinciden. Te quedan 3 intentos antes de que se bloquee este identificador.');
    expect(staffSignInMessage({ kind: 'authFailed', attemptsLeft: 2 }, ar)).toContain('محاولتان');
    const until = '2025-03-10T12:15:00.000Z';
    expect(staffSignInMessage({ kind: 'lockedOut', lockedUntil: until }, en)).toBe(`Too many wrong PINs. This staff id is locked until ${en.time(until)}.`);
    expect(staffSignInMessage({ kind: 'lockedOut', lockedUntil: until }, ar)).toContain(`\u2068${ar.time(until)}\u2069`);
    expect(staffSignInMessage(staffProblemFromError({ code: 'THROTTLED', message: 'x', details: { retryAt: until } }), en)).toBe(`Too many wrong staff PINs at this kiosk. Staff sign-in is paused until ${en.time(until)}.`);
    for (const tr of [en, es, ar]) {
      for (const kind of ['missingId', 'invalidId', 'invalidPin', 'other'] as const) expect(staffSignInMessage({ kind }, tr)).not.toBe('');
      expect(staffSignInMessage({ kind: 'throttled', retryAt: null }, tr)).not.toBe('');
    }
  });

  it('names the roles in each language', () => {
    expect([roleName('agent', en), roleName('supervisor', en)]).toEqual(['Agent', 'Supervisor']);
    expect([roleName('agent', es), roleName('supervisor', es)]).toEqual(['Agente', 'Supervisor']);
    expect([roleName('agent', ar), roleName('supervisor', ar)]).toEqual(['موظف خدمة', 'مشرف']);
  });
});

describe('AssistState', () => {
  it('is off until staff sign in through the dialog; closing the dialog forgets what was typed', async () => {
    const { assist, fake } = setup();
    await assist.init();
    expect(fake.callsTo('staff.session')).toHaveLength(1);
    expect(assist.active).toBe(false);
    assist.openSignIn();
    assist.form!.setStaffId('AG-1001');
    assist.closeSignIn();
    expect(assist.dialogOpen).toBe(false);
    assist.openSignIn();
    expect(assist.form!.staffId).toBe('');
    assist.form!.setStaffId('AG-1001');
    assist.form!.activate('pin');
    assist.form!.setPin('2468');
    await assist.form!.submit();
    expect(assist.staff).toEqual(lucia);
    expect(assist.dialogOpen).toBe(false);
    // Signed in, the dialog does not open again.
    assist.openSignIn();
    expect(assist.dialogOpen).toBe(false);
  });

  it('brings the banner back after a reload from staff.session', async () => {
    const fake = staffKiosk();
    fake.signedInStaff = lucia;
    const { assist } = setup(fake);
    await assist.init();
    expect(assist.staff).toEqual(lucia);
  });

  it('the staff idle warning carries on only with the staff member’s own PIN; it hides when the core says resumed', async () => {
    const fake = staffKiosk();
    fake.signedInStaff = lucia;
    const { assist } = setup(fake);
    await assist.init();
    fake.emit('assist.idleWarning', { secondsLeft: 10 });
    expect(assist.idle.visible).toBe(true);
    expect(assist.idle.secondsLeft).toBe(10);
    const form = assist.continueForm!;
    expect([form.fixedStaffId, form.active]).toEqual(['AG-1001', 'pin']);
    // A tap is not staff: while the warning is up nothing but the PIN carries on.
    assist.activity();
    await settle();
    expect(fake.callsTo('staff.touch')).toEqual([]);
    form.setPin('1111');
    await form.submit();
    expect(form.problem).toEqual({ kind: 'authFailed', attemptsLeft: 4 });
    expect(assist.idle.visible).toBe(true);
    form.setPin('2468');
    await form.submit();
    expect(fake.callsTo('staff.signIn')).toEqual([
      { staffId: 'AG-1001', pin: '1111' },
      { staffId: 'AG-1001', pin: '2468' },
    ]);
    expect([assist.idle.visible, assist.continueForm, assist.staff]).toEqual([false, null, lucia]);
    fake.emit('assist.idleWarning', { secondsLeft: 10 });
    fake.emit('assist.resumed', {});
    expect([assist.idle.visible, assist.continueForm]).toEqual([false, null]);
    // Asking who is in assist mode only reports: the screens ask it once, after a reload.
    expect(fake.callsTo('staff.session')).toHaveLength(1);
    assist.dispose();
    expect(fake.listenerCount('assist.idleWarning')).toBe(0);
  });

  it('staff at work on an assist screen touch the staff clock at most once per interval', async () => {
    const fake = staffKiosk();
    fake.signedInStaff = lucia;
    const { assist, clock } = setup(fake);
    await assist.init();
    assist.activity();
    assist.activity();
    clock.advance(5000);
    assist.activity();
    await settle();
    expect(fake.callsTo('staff.touch')).toHaveLength(2);
  });

  it('ends once, wherever the end comes from: End assist mode, the core’s assist.ended, or a touch the core refuses', async () => {
    const fake = staffKiosk();
    fake.signedInStaff = lucia;
    const { assist, onEnded } = setup(fake);
    await assist.init();
    const signingOut = assist.signOut();
    expect(assist.ending).toBe(true);
    fake.emit('assist.ended', { reason: 'signedOut' });
    await signingOut;
    expect(fake.callsTo('staff.signOut')).toHaveLength(1);
    expect(assist.staff).toBeNull();
    expect(onEnded).toHaveBeenCalledTimes(1);

    const other = setup(staffKiosk());
    other.fake.signedInStaff = lucia;
    await other.assist.init();
    other.fake.signedInStaff = null; // timed out in the core while the page was not listening
    await other.assist.touch();
    expect(other.onEnded).toHaveBeenCalledTimes(1);
    expect(other.assist.active).toBe(false);
  });

  it('a failed staff.signOut still clears the kiosk', async () => {
    const fake = staffKiosk();
    fake.signedInStaff = lucia;
    fake.respond('staff.signOut', () => failure('INTERNAL', 'boom'));
    const { assist, onEnded } = setup(fake);
    await assist.init();
    await assist.signOut();
    expect(onEnded).toHaveBeenCalledTimes(1);
    expect(assist.staff).toBeNull();
  });
});

describe('AppState in assist mode', () => {
  it('keeps the customer’s screen when staff sign in; assist.ended wipes the kiosk', async () => {
    const fake = staffKiosk();
    const wipe = vi.fn(async () => {});
    const app = new AppState(fake.api, { wipe });
    await app.init();
    await settle();
    app.start();
    app.journeyOn('signIn')!.setIdentifier(ACCOUNT_NO);
    app.journeyOn('signIn')!.setPin(GOOD_PIN);
    app.journeyOn('signIn')!.activate('pin');
    await app.journeyOn('signIn')!.submit();
    await settle();
    app.open('bill');
    expect(app.screen).toBe('bill');

    app.assist.openSignIn();
    expect(app.dialogOpen).toBe(true);
    const form = app.assist.form!;
    form.setStaffId('AG-1001');
    form.activate('pin');
    form.setPin('2468');
    await form.submit();
    expect(app.assist.active).toBe(true);
    expect(app.screen).toBe('bill');
    expect(app.signedIn).toBe(true);

    fake.emit('session.ended', { reason: 'signedOut' });
    fake.emit('assist.ended', { reason: 'signedOut' });
    await settle();
    expect(app.screen).toBe('ending');
    expect(app.signedIn).toBe(false);
    expect(app.assist.active).toBe(false);
    expect(wipe).toHaveBeenCalledTimes(1);
    app.dispose();
  });

  it('taps on a customer’s screens never touch the staff clock; taps on an assist screen do', async () => {
    const fake = staffKiosk();
    fake.signedInStaff = lucia;
    fake.respond('assist.creditReferrals', () => ({ ok: true, value: { referrals: [] } }));
    fake.respond('assist.orderReferrals', () => ({ ok: true, value: { referrals: [] } }));
    fake.respond('assist.helpCalls', () => ({ ok: true, value: { calls: [] } }));
    let t = 1_000_000;
    const app = new AppState(fake.api, { wipe: vi.fn(async () => {}), now: () => t });
    await app.init();
    await settle();
    app.start();
    app.journeyOn('signIn')!.setIdentifier(ACCOUNT_NO);
    app.journeyOn('signIn')!.setPin(GOOD_PIN);
    app.journeyOn('signIn')!.activate('pin');
    await app.journeyOn('signIn')!.submit();
    await settle();
    for (const open of [() => app.open('bill'), () => app.backToAccount()]) {
      open();
      t += 6_000;
      app.activity();
      await settle();
    }
    expect(fake.callsTo('staff.touch')).toEqual([]);
    expect(fake.callsTo('session.touch').length).toBeGreaterThan(0);
    app.openDesk();
    t += 6_000;
    app.activity();
    await settle();
    expect(fake.callsTo('staff.touch')).toHaveLength(1);
    app.dispose();
  });

  it('assist mode ending with no customer signed in also clears the kiosk', async () => {
    const fake = staffKiosk();
    fake.signedInStaff = lucia;
    const wipe = vi.fn(async () => {});
    const app = new AppState(fake.api, { wipe });
    await app.init();
    await settle();
    expect(app.assist.staff).toEqual(lucia);
    await app.assist.signOut();
    expect(app.screen).toBe('ending');
    expect(wipe).toHaveBeenCalledTimes(1);
    app.dispose();
  });
});
