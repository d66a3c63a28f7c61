import { describe, expect, it, vi } from 'vitest';
import { Translator } from '../../shared/i18n/translator.ts';
import {
  cleanIdentifier,
  problemFromError,
  SignInState,
  signInMessage,
} from '../../renderer/src/lib/state/sign-in.svelte.ts';
import { ACCOUNT_NO, FakeKiosk, failure, GOOD_PIN, sessionInfo } from './fixtures.ts';

const en = new Translator('en');

function form(fake = new FakeKiosk(), prefill?: string) {
  const onSuccess = vi.fn();
  const state = new SignInState(fake.api, { onSuccess, ...(prefill ? { prefill } : {}) });
  return { state, onSuccess, fake };
}

function type(state: SignInState, digits: string): void {
  for (const d of digits) state.press(d);
}

describe('SignInState entry', () => {
  it('types keypad digits into the active field', () => {
    const { state } = form();
    expect(state.active).toBe('identifier');
    type(state, '0871');
    expect(state.identifier).toBe('0871');
    expect(state.pin).toBe('');
    state.activate('pin');
    type(state, '12');
    expect(state.pin).toBe('12');
    expect(state.identifier).toBe('0871');
  });

  it('never lets the PIN grow past 4 digits, from the keypad or the keyboard', () => {
    const { state } = form();
    state.activate('pin');
    type(state, '987654');
    expect(state.pin).toBe('9876');
    state.setPin('12a3456');
    expect(state.pin).toBe('1234');
    expect(state.pinComplete).toBe(true);
  });

  it('keeps only what an account or phone number may contain', () => {
    const { state } = form();
    state.setIdentifier('+353 (87) 123-4567abc');
    expect(state.identifier).toBe('+353 (87) 123-4567');
    state.setIdentifier('9'.repeat(40));
    expect(state.identifier).toHaveLength(32);
    expect(cleanIdentifier('12;DROP 34')).toBe('12 34');
  });

  it('deletes and clears only the active field', () => {
    const { state } = form();
    type(state, '555');
    state.activate('pin');
    type(state, '123');
    state.backspace();
    expect(state.pin).toBe('12');
    state.clear();
    expect(state.pin).toBe('');
    expect(state.identifier).toBe('555');
    state.activate('identifier');
    state.backspace();
    expect(state.identifier).toBe('55');
  });

  it('ignores anything but single digits from the keypad', () => {
    const { state } = form();
    state.press('12');
    state.press('x');
    expect(state.identifier).toBe('');
  });

  it('with a scanned number, starts on the PIN and asks for focus there', () => {
    const { state } = form(new FakeKiosk(), ACCOUNT_NO);
    expect(state.identifier).toBe(ACCOUNT_NO);
    expect(state.active).toBe('pin');
    expect(state.focusRequest?.target).toBe('pin');
  });
});

describe('SignInState submit', () => {
  it('Enter on a filled-in number moves on to the PIN without calling the core', async () => {
    const { state, fake } = form();
    type(state, '0871234567');
    await state.enter();
    expect(state.active).toBe('pin');
    expect(state.focusRequest?.target).toBe('pin');
    expect(fake.callsTo('session.signIn')).toHaveLength(0);
  });

  it('asks for the missing piece before calling the core', async () => {
    const { state, fake } = form();
    await state.submit();
    expect(state.problem).toEqual({ kind: 'missingIdentifier' });
    expect(signInMessage(state.problem!, en)).toBe('Enter your account number or phone number.');
    type(state, '123456');
    state.activate('pin');
    type(state, '12');
    await state.submit();
    expect(state.problem).toEqual({ kind: 'missingPin' });
    expect(state.focusRequest?.target).toBe('pin');
    expect(fake.callsTo('session.signIn')).toHaveLength(0);
  });

  it('signs in with the trimmed number and the PIN, then forgets the PIN', async () => {
    const { state, onSuccess, fake } = form();
    state.setIdentifier(` ${ACCOUNT_NO} `);
    state.activate('pin');
    type(state, GOOD_PIN);
    await state.enter();
    expect(fake.callsTo('session.signIn')).toEqual([{ identifier: ACCOUNT_NO, pin: GOOD_PIN }]);
    expect(onSuccess).toHaveBeenCalledWith(sessionInfo);
    expect(state.pin).toBe('');
    expect(state.problem).toBeNull();
  });

  it('sends one request however often Sign in is pressed while waiting', async () => {
    const { state, fake } = form();
    state.setIdentifier(ACCOUNT_NO);
    state.setPin(GOOD_PIN);
    state.activate('pin');
    const first = state.submit();
    expect(state.busy).toBe(true);
    await state.submit();
    await first;
    expect(fake.callsTo('session.signIn')).toHaveLength(1);
    expect(state.busy).toBe(false);
  });

  it('on a wrong PIN says how many attempts are left, keeps the number and clears the PIN', async () => {
    const fake = new FakeKiosk();
    fake.attemptsLeft = 3;
    const { state, onSuccess } = form(fake);
    state.setIdentifier(ACCOUNT_NO);
    state.setPin('0000');
    state.activate('pin');
    await state.submit();
    expect(onSuccess).not.toHaveBeenCalled();
    expect(state.problem).toEqual({ kind: 'authFailed', attemptsLeft: 2 });
    expect(signInMessage(state.problem!, en)).toBe("That number and PIN don't match. 2 attempts left.");
    expect(state.identifier).toBe(ACCOUNT_NO);
    expect(state.pin).toBe('');
    expect(state.focusRequest?.target).toBe('pin');

    state.setPin('1111');
    await state.submit();
    expect(signInMessage(state.problem!, en)).toBe("That number and PIN don't match. 1 attempt left.");
  });
});

describe('sign-in error sentences', () => {
  it('AUTH_FAILED without a count still never says whether the account exists', () => {
    const problem = problemFromError({ code: 'AUTH_FAILED', message: 'no such account' });
    expect(problem).toEqual({ kind: 'authFailed', attemptsLeft: null });
    const text = signInMessage(problem, en);
    expect(text).toBe("That number and PIN don't match. Please try again.");
    expect(text).not.toContain('no such account');
  });

  it('LOCKED_OUT names the time the lock ends, in local hours and minutes', () => {
    const lockedUntil = new Date(2025, 2, 10, 14, 5).toISOString();
    const problem = problemFromError({ code: 'LOCKED_OUT', message: 'locked', details: { lockedUntil } });
    expect(signInMessage(problem, en)).toBe('Too many wrong PINs. Try again after 14:05 or ask staff.');
    expect(signInMessage(problemFromError({ code: 'LOCKED_OUT', message: 'x', details: { lockedUntil: 'soon' } }), en)).toBe(
      'Too many wrong PINs. Please ask staff for help.',
    );
  });

  it('THROTTLED (wrong PINs across accounts at this kiosk) says until when, and that staff know', () => {
    const retryAt = new Date(2025, 2, 10, 14, 6).toISOString();
    expect(problemFromError({ code: 'THROTTLED', message: 'x', details: { retryAt } })).toEqual({ kind: 'throttled', retryAt });
    expect(signInMessage(problemFromError({ code: 'THROTTLED', message: 'x', details: { retryAt } }), en)).toBe(
      'Too many wrong PINs at this kiosk. You can try again after 14:06; a member of staff has been told.',
    );
    expect(signInMessage(problemFromError({ code: 'THROTTLED', message: 'x', details: { retryAt: 'later' } }), en)).toBe(
      'Too many wrong PINs at this kiosk. Please wait a moment; a member of staff has been told.',
    );
  });

  it('VALIDATION shows the message; anything else a generic sentence', () => {
    expect(signInMessage(problemFromError({ code: 'VALIDATION', message: 'Only digits are allowed' }), en)).toBe('Only digits are allowed');
    for (const code of ['INTERNAL', 'NOT_SIGNED_IN', 'DEVICE', 'FORBIDDEN'] as const) {
      expect(signInMessage(problemFromError({ code, message: 'stack trace here' }), en)).toBe(
        'Sorry, something went wrong. Please try again or ask staff for help.',
      );
    }
  });

  it('speaks the customer’s language', () => {
    const problem = problemFromError({ code: 'AUTH_FAILED', message: '', details: { attemptsLeft: 2 } });
    expect(signInMessage(problem, new Translator('es'))).toBe('El número y el PIN no coinciden. Te quedan 2 intentos.');
  });

  it('a VALIDATION answer from the core sends focus back to the number', async () => {
    const fake = new FakeKiosk();
    fake.respond('session.signIn', () => failure('VALIDATION', 'Only digits are allowed in an account or phone number'));
    const { state } = form(fake);
    state.setIdentifier('+-()');
    state.setPin('1234');
    state.activate('pin');
    await state.submit();
    expect(state.problem).toEqual({ kind: 'validation', message: 'Only digits are allowed in an account or phone number' });
    expect(state.focusRequest?.target).toBe('identifier');
  });
});
