import { fireEvent, render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { flushSync, tick } from 'svelte';
import { describe, expect, it, vi } from 'vitest';
import App from '../../renderer/src/App.svelte';
import type { AccountOverview } from '../../shared/contract/schemas.ts';
import { accountOverview, ACCOUNT_NO, emptyOverview, eur, FakeKiosk, failure, GOOD_PIN, sessionInfo, settle } from './fixtures.ts';

function renderApp(fake = new FakeKiosk()) {
  const wipe = vi.fn(async () => {});
  const user = userEvent.setup();
  const result = render(App, { props: { api: fake.api, wipe, options: { signInTimeoutMs: 600_000 } } });
  return { fake, wipe, user, ...result };
}

async function toSignIn(user: ReturnType<typeof userEvent.setup>): Promise<void> {
  await screen.findByTestId('attract');
  await user.click(screen.getByRole('button', { name: 'Touch to start' }));
  await screen.findByRole('heading', { level: 1, name: 'Sign in' });
}

async function keypad(user: ReturnType<typeof userEvent.setup>, digits: string): Promise<void> {
  for (const d of digits) await user.click(screen.getByRole('button', { name: d }));
}

async function signInWithKeypad(user: ReturnType<typeof userEvent.setup>, pin = GOOD_PIN): Promise<void> {
  await toSignIn(user);
  await keypad(user, ACCOUNT_NO);
  await user.click(screen.getByTestId('pin'));
  await keypad(user, pin);
  await user.click(screen.getByTestId('sign-in'));
}

async function toOverview(fake?: FakeKiosk) {
  const ctx = renderApp(fake);
  await signInWithKeypad(ctx.user);
  await screen.findByTestId('total-due');
  return ctx;
}

describe('attract screen', () => {
  it('shows the brand, a start button, the languages in their own words and the branch', async () => {
    renderApp();
    const attract = await screen.findByTestId('attract');
    expect(within(attract).getByText('OneBill')).toBeTruthy();
    expect(within(attract).getByRole('heading', { level: 1 }).textContent).toBe('Your whole account. One bill.');
    expect(screen.getByRole('button', { name: 'Touch to start' })).toBeTruthy();
    const langs = (['en', 'es', 'ar'] as const).map((l) => screen.getByTestId(`lang-${l}`));
    expect(langs.map((b) => [b.getAttribute('lang'), b.textContent?.trim()])).toEqual([
      ['en', 'English'],
      ['es', 'Español'],
      ['ar', 'العربية'],
    ]);
    expect(await screen.findByText('Dublin Grafton Street')).toBeTruthy();
    expect(document.documentElement.lang).toBe('en');
    expect(document.activeElement).toBe(within(attract).getByRole('heading', { level: 1 }));
  });

  it('switches the whole screen to Arabic, right to left', async () => {
    const { user } = renderApp();
    await user.click(await screen.findByTestId('lang-ar'));
    expect(document.documentElement.lang).toBe('ar');
    expect(document.documentElement.dir).toBe('rtl');
    expect(screen.getByRole('button', { name: 'المس للبدء' })).toBeTruthy();
    expect(screen.getByTestId('lang-ar').getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByTestId('lang-en').getAttribute('aria-pressed')).toBe('false');
  });

  it('a barcode scan goes straight to sign-in with the number filled in and the PIN focused', async () => {
    const { user } = renderApp();
    await screen.findByTestId('attract');
    await user.keyboard(`${ACCOUNT_NO}{Enter}`);
    const identifier = (await screen.findByTestId('identifier')) as HTMLInputElement;
    expect(identifier.value).toBe(ACCOUNT_NO);
    await tick();
    expect(document.activeElement).toBe(screen.getByTestId('pin'));
  });

  it('the large-text and high-contrast toggles are pressed buttons that restyle the page', async () => {
    const { user } = renderApp();
    await screen.findByTestId('attract');
    const large = screen.getByTestId('toggle-large-text');
    const contrast = screen.getByTestId('toggle-contrast');
    expect([large.getAttribute('aria-pressed'), contrast.getAttribute('aria-pressed')]).toEqual(['false', 'false']);
    await user.click(large);
    await user.click(contrast);
    expect([large.getAttribute('aria-pressed'), contrast.getAttribute('aria-pressed')]).toEqual(['true', 'true']);
    expect(document.documentElement.dataset['text']).toBe('large');
    expect(document.documentElement.dataset['contrast']).toBe('high');
    expect(screen.getByTestId('attract')).toBeTruthy(); // toggling did not start a sign-in
  });
});

describe('sign-in screen', () => {
  it('moves focus to its heading and labels both fields', async () => {
    const { user } = renderApp();
    await toSignIn(user);
    expect(document.activeElement).toBe(screen.getByRole('heading', { level: 1, name: 'Sign in' }));
    const identifier = screen.getByLabelText('Account or phone number');
    const pin = screen.getByLabelText('PIN');
    expect(identifier).toBe(screen.getByTestId('identifier'));
    expect(pin).toBe(screen.getByTestId('pin'));
    expect(pin.getAttribute('type')).toBe('password');
    expect(pin.getAttribute('inputmode')).toBe('numeric');
    for (const name of ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'Delete', 'Clear', 'Sign in']) {
      expect(screen.getByRole('button', { name })).toBeTruthy();
    }
  });

  it('the keypad types into whichever field is active; Delete and Clear edit it', async () => {
    const { user } = renderApp();
    await toSignIn(user);
    const identifier = screen.getByTestId('identifier') as HTMLInputElement;
    const pin = screen.getByTestId('pin') as HTMLInputElement;
    await keypad(user, '0871');
    await user.click(screen.getByRole('button', { name: 'Delete' }));
    expect(identifier.value).toBe('087');
    await user.click(pin);
    await keypad(user, '123456');
    expect(pin.value).toBe('1234');
    expect(identifier.value).toBe('087');
    expect(document.activeElement).toBe(pin); // tapping keys did not steal focus
    await user.click(screen.getByRole('button', { name: 'Clear' }));
    expect(pin.value).toBe('');
    expect(identifier.value).toBe('087');
  });

  it('works from a physical keyboard: number, Enter, PIN, Enter', async () => {
    const { user, fake } = renderApp();
    await toSignIn(user);
    await user.click(screen.getByTestId('identifier'));
    await user.keyboard(`${ACCOUNT_NO}{Enter}`);
    expect(document.activeElement).toBe(screen.getByTestId('pin'));
    await user.keyboard(`${GOOD_PIN}{Enter}`);
    await screen.findByTestId('overview');
    expect(fake.callsTo('session.signIn')).toEqual([{ identifier: ACCOUNT_NO, pin: GOOD_PIN }]);
  });

  it('digits typed while the heading has focus go into the active field', async () => {
    const { user } = renderApp();
    await toSignIn(user);
    await user.keyboard('42');
    expect((screen.getByTestId('identifier') as HTMLInputElement).value).toBe('42');
    expect(document.activeElement).toBe(screen.getByTestId('identifier'));
  });

  it('a wrong PIN says how many attempts are left, clears the PIN and keeps the number', async () => {
    const fake = new FakeKiosk();
    fake.attemptsLeft = 4;
    const { user } = renderApp(fake);
    await signInWithKeypad(user, '1111');
    const alert = await screen.findByRole('alert');
    expect(alert.dataset['testid']).toBe('sign-in-error');
    await vi.waitFor(() => expect(alert.textContent?.trim()).toBe("That number and PIN don't match. 3 attempts left."));
    expect((screen.getByTestId('pin') as HTMLInputElement).value).toBe('');
    expect((screen.getByTestId('identifier') as HTMLInputElement).value).toBe(ACCOUNT_NO);
    expect(document.activeElement).toBe(screen.getByTestId('pin'));
    expect(screen.queryByTestId('overview')).toBeNull();
  });

  it('a lock-out names the time to come back', async () => {
    const fake = new FakeKiosk();
    const lockedUntil = new Date(2025, 2, 10, 16, 45).toISOString();
    fake.respond('session.signIn', () => failure('LOCKED_OUT', 'locked', { lockedUntil }));
    const { user } = renderApp(fake);
    await signInWithKeypad(user, '9999');
    const alert = screen.getByTestId('sign-in-error');
    await vi.waitFor(() => expect(alert.textContent?.trim()).toBe('Too many wrong PINs. Try again after 16:45 or ask staff.'));
  });

  it('asks for the PIN when Sign in is pressed without one, without calling the core', async () => {
    const { user, fake } = renderApp();
    await toSignIn(user);
    await user.click(screen.getByTestId('identifier'));
    await keypad(user, '0871234567');
    await user.click(screen.getByTestId('sign-in')); // from the number: on to the PIN
    expect(document.activeElement).toBe(screen.getByTestId('pin'));
    await user.click(screen.getByTestId('sign-in'));
    expect(screen.getByTestId('sign-in-error').textContent?.trim()).toBe('Enter your 4-digit PIN.');
    expect(fake.callsTo('session.signIn')).toHaveLength(0);
  });

  it('Back returns to the attract screen and focuses its heading', async () => {
    const { user } = renderApp();
    await toSignIn(user);
    await keypad(user, '123');
    await user.click(screen.getByRole('button', { name: 'Back' }));
    const attract = await screen.findByTestId('attract');
    expect(document.activeElement).toBe(within(attract).getByRole('heading', { level: 1 }));
    await user.click(screen.getByRole('button', { name: 'Touch to start' }));
    expect((await screen.findByTestId<HTMLInputElement>('identifier')).value).toBe('');
  });
});

describe('account overview', () => {
  it('shows the account’s real figures', async () => {
    await toOverview();
    const overview = screen.getByTestId('overview');
    const h1 = within(overview).getByRole('heading', { level: 1 });
    expect(h1.textContent).toContain('Aoife Byrne');
    expect(document.activeElement).toBe(h1);
    expect(screen.getByTestId('total-due').textContent?.trim()).toBe('€42.50');
    expect(screen.getByTestId('due-date').textContent?.trim()).toBe('Due by 21 March 2025');
    expect(screen.getByTestId('credit-limit').textContent?.trim()).toBe('€500.00');
    expect(screen.getByTestId('credit-available').textContent?.trim()).toBe('€453.87');
    expect(screen.getByTestId('credit-used').textContent?.trim()).toBe('€46.13 used');
    expect(within(overview).getByText(`Account ${ACCOUNT_NO}`)).toBeTruthy();
  });

  it('shows one card per service with its kind, number or address, plan, status, usage and charge', async () => {
    await toOverview();
    const cards = screen.getAllByTestId('service-card');
    expect(cards).toHaveLength(3);
    expect(cards.map((c) => c.dataset['kind'])).toEqual(['mobile', 'broadband', 'tv']);
    expect(screen.getByText('3 services')).toBeTruthy();

    const [mobile, broadband, tv] = cards as [HTMLElement, HTMLElement, HTMLElement];
    expect(within(mobile).getByRole('heading', { level: 3 }).textContent).toBe('Mobile');
    expect(within(mobile).getByText('+353 871 234 567')).toBeTruthy();
    expect(within(mobile).getByText('Mobile 20 GB')).toBeTruthy();
    expect(within(mobile).getByText('Active')).toBeTruthy();
    expect(within(mobile).getByText('3.2 GB of 20 GB')).toBeTruthy();
    expect(within(mobile).getByText('125 mins used')).toBeTruthy();
    expect(within(mobile).getByText('42 texts of 100 texts')).toBeTruthy();
    expect(within(mobile).getAllByText('Unlimited')).toHaveLength(1);
    expect(within(mobile).getByText('€20.00 a month')).toBeTruthy();
    expect(within(within(mobile).getByTestId('add-ons')).getByText('Phone insurance: €6.00 a month')).toBeTruthy();
    expect(within(broadband).queryByTestId('add-ons')).toBeNull();

    expect(within(broadband).getByText('12 Main Street, Dublin 2')).toBeTruthy();
    expect(within(broadband).getByText('250 GB used')).toBeTruthy();
    expect(within(broadband).getByText('Unlimited')).toBeTruthy();
    expect(within(broadband).getByText('€45.00 a month')).toBeTruthy();

    expect(within(tv).getByRole('heading', { level: 3 }).textContent).toBe('TV');
    expect(within(tv).getByText('Suspended')).toBeTruthy();
    expect(within(tv).getByText('No usage recorded this cycle.')).toBeTruthy();
    expect(within(tv).getByText('€15.99 a month')).toBeTruthy();
  });

  it('summarises the last bill with what is left to pay', async () => {
    await toOverview();
    const bill = screen.getByTestId('last-bill');
    expect(within(bill).getByText('INV-2025-000123')).toBeTruthy();
    expect(within(bill).getByText('€80.99')).toBeTruthy();
    expect(within(bill).getByText('21 March 2025')).toBeTruthy();
    expect(within(bill).getByText('Partly paid')).toBeTruthy();
    expect(within(bill).getByText('€42.50 left to pay')).toBeTruthy();
  });

  it('says what this cycle’s extra usage has cost so far, or that there is none', async () => {
    const first = await toOverview();
    expect(screen.getByTestId('unbilled').textContent?.trim()).toBe('Extra usage so far this cycle: €3.63, VAT included. It goes on your next bill.');
    first.unmount();
    await toOverview(new FakeKiosk({ ...emptyOverview, unbilledCharges: eur(0) }));
    expect(screen.getByTestId('unbilled').textContent?.trim()).toBe('No extra usage charges so far this cycle.');
  });

  it('handles an account with no services and no bill yet', async () => {
    await toOverview(new FakeKiosk(emptyOverview));
    expect(screen.queryAllByTestId('service-card')).toHaveLength(0);
    expect(screen.getByText("There are no services on this account yet. Ask staff if you'd like to add one.")).toBeTruthy();
    expect(within(screen.getByTestId('last-bill')).getByText("You haven't had a bill yet. Your first bill will show here.")).toBeTruthy();
    expect(screen.getByTestId('total-due').textContent?.trim()).toBe('€0.00');
    expect(screen.getByTestId('due-date').textContent?.trim()).toBe('Nothing to pay right now');
    expect(screen.getByText('All paid up')).toBeTruthy();
    expect(screen.getByText('0 services')).toBeTruthy();
  });

  it('flags an overdue balance and shows credit as credit', async () => {
    const overdue: AccountOverview = { ...accountOverview, paymentStatus: 'overdue', overdueAmount: eur(1200), totalDue: eur(9350) };
    const first = await toOverview(new FakeKiosk(overdue));
    expect(screen.getByText('Overdue')).toBeTruthy();
    expect(screen.getByTestId('due-date').textContent?.trim()).toBe('Was due 21 March 2025');
    expect(screen.getByText('€12.00 of this is overdue. Please pay as soon as you can.')).toBeTruthy();
    first.unmount();

    const credit: AccountOverview = { ...emptyOverview, paymentStatus: 'inCredit', balance: eur(-1575) };
    await toOverview(new FakeKiosk(credit));
    expect(screen.getByText('In credit')).toBeTruthy();
    expect(screen.getByTestId('credit-balance').textContent?.trim()).toBe("You're €15.75 in credit. It comes off your next bill.");
  });

  it('speaks the customer’s saved language after sign-in', async () => {
    const fake = new FakeKiosk();
    fake.respond('session.signIn', () => ({ ok: true, value: { ...sessionInfo, language: 'es' } }));
    await toOverview(fake);
    expect(document.documentElement.lang).toBe('es');
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Hola, Aoife Byrne');
    expect(screen.getByTestId('total-due').textContent?.replace(/\s/g, ' ').trim()).toBe('42,50 €');
    expect(screen.getByRole('button', { name: 'Cerrar sesión' })).toBeTruthy();
  });

  it('Sign out asks the core to end the session, then wipes', async () => {
    const { user, fake, wipe } = await toOverview();
    await user.click(screen.getByTestId('sign-out'));
    await settle();
    expect(fake.callsTo('session.signOut')).toEqual([{}]);
    expect(wipe).toHaveBeenCalledTimes(1);
    expect(screen.queryByTestId('overview')).toBeNull();
    expect(screen.queryByText('Aoife Byrne', { exact: false })).toBeNull();
  });
});

describe('session timeout', () => {
  it('shows a counting-down alert dialog; "I\'m still here" touches the session and closes it', async () => {
    const { fake } = await toOverview();
    vi.useFakeTimers();
    fake.emit('session.idleWarning', { secondsLeft: 30 });
    flushSync();
    const dialog = screen.getByRole('alertdialog');
    expect(dialog.dataset['testid']).toBe('idle-warning');
    expect(within(dialog).getByRole('heading').textContent).toBe('Are you still there?');
    expect(screen.getByTestId('idle-countdown').textContent).toBe('30');
    expect(screen.getByTestId('idle-countdown').closest('[aria-live]')?.getAttribute('aria-live')).toBe('polite');
    const button = within(dialog).getByRole('button', { name: "I'm still here" });
    expect(document.activeElement).toBe(button);

    vi.advanceTimersByTime(3000);
    flushSync();
    expect(screen.getByTestId('idle-countdown').textContent).toBe('27');
    expect(within(dialog).getByText('seconds left')).toBeTruthy();
    vi.advanceTimersByTime(26_000);
    flushSync();
    expect(screen.getByTestId('idle-countdown').textContent).toBe('1');
    expect(within(dialog).getByText('second left')).toBeTruthy();

    const touchesBefore = fake.callsTo('session.touch').length;
    await fireEvent.click(button);
    flushSync();
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(fake.callsTo('session.touch').length).toBe(touchesBefore + 1);
  });

  it('session.resumed closes the warning; session.ended wipes', async () => {
    const { fake, wipe } = await toOverview();
    fake.emit('session.idleWarning', { secondsLeft: 10 });
    flushSync();
    expect(screen.getByTestId('idle-warning')).toBeTruthy();
    fake.emit('session.resumed', {});
    flushSync();
    expect(screen.queryByTestId('idle-warning')).toBeNull();

    fake.emit('session.ended', { reason: 'idleTimeout' });
    await settle();
    flushSync();
    expect(wipe).toHaveBeenCalledTimes(1);
    expect(screen.queryByTestId('overview')).toBeNull();
    expect(screen.queryByText('€42.50')).toBeNull();
  });
});
