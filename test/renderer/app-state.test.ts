import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppState } from '../../renderer/src/lib/state/app.svelte.ts';
import { accountOverview, ACCOUNT_NO, FakeKiosk, failure, GOOD_PIN, kioskInfo, sessionInfo, settle } from './fixtures.ts';

function setup(fake = new FakeKiosk(), extra: { touchIntervalMs?: number; signInTimeoutMs?: number } = {}) {
  let t = 1_000_000;
  const clock = { now: () => t, advance: (ms: number) => void (t += ms) };
  const wipe = vi.fn(async () => {});
  const app = new AppState(fake.api, { wipe, now: clock.now, ...extra });
  return { app, fake, wipe, clock };
}

async function signIn(app: AppState): Promise<void> {
  app.start();
  const form = app.journeyOn('signIn')!;
  form.setIdentifier(ACCOUNT_NO);
  form.setPin(GOOD_PIN);
  form.activate('pin');
  await form.submit();
  await settle();
}

describe('AppState', () => {
  afterEach(() => vi.useRealTimers());

  it('starts on the attract screen in the kiosk’s default language and listens to session events', async () => {
    const fake = new FakeKiosk();
    fake.respond('kiosk.info', () => ({ ok: true, value: { ...kioskInfo, defaultLanguage: 'es', languages: ['es', 'en'] } }));
    const { app } = setup(fake);
    expect(app.screen).toBe('attract');
    await app.init();
    expect(app.language).toBe('es');
    expect(app.tr.t('attract.start')).toBe('Toca para empezar');
    expect(app.languages).toEqual(['en', 'es']);
    expect(fake.listenerCount('session.idleWarning')).toBe(1);
    expect(fake.listenerCount('session.resumed')).toBe(1);
    expect(fake.listenerCount('session.ended')).toBe(1);
    app.dispose();
    expect(fake.listenerCount('session.ended')).toBe(0);
  });

  it('keeps English and offers every language when kiosk.info fails', async () => {
    const fake = new FakeKiosk();
    fake.respond('kiosk.info', () => failure('INTERNAL', 'down'));
    const { app } = setup(fake);
    await app.init();
    expect(app.language).toBe('en');
    expect(app.languages).toEqual(['en', 'es', 'ar']);
  });

  it('goes attract → sign-in → back to attract, forgetting what was typed', async () => {
    const { app } = setup();
    await app.init();
    app.start();
    expect(app.screen).toBe('signIn');
    app.journeyOn('signIn')!.press('5');
    app.cancelSignIn();
    expect(app.screen).toBe('attract');
    expect(app.journeyOn('signIn')).toBeNull();
    app.start();
    expect(app.journeyOn('signIn')!.identifier).toBe('');
  });

  it('after signing in shows the overview in the customer’s language', async () => {
    const fake = new FakeKiosk();
    fake.respond('session.signIn', () => ({ ok: true, value: { ...sessionInfo, language: 'ar' } }));
    const { app } = setup(fake);
    await app.init();
    await signIn(app);
    expect(app.screen).toBe('overview');
    expect(app.session?.customerName).toBe('Aoife Byrne');
    expect(app.language).toBe('ar');
    expect(app.tr.dir).toBe('rtl');
    expect(app.overviewLoad).toBe('ready');
    expect(app.overview).toEqual(accountOverview);
    expect(app.journeyOn('signIn')).toBeNull();
  });

  it('keeps the language chosen on the attract screen over the customer’s preference', async () => {
    const fake = new FakeKiosk();
    fake.respond('session.signIn', () => ({ ok: true, value: { ...sessionInfo, language: 'ar' } }));
    const { app } = setup(fake);
    await app.init();
    app.chooseLanguage('es');
    await signIn(app);
    expect(app.language).toBe('es');
  });

  it('starts sign-in from a scanned number with the PIN next', async () => {
    const { app } = setup();
    await app.init();
    app.start(ACCOUNT_NO);
    expect(app.journeyOn('signIn')!.identifier).toBe(ACCOUNT_NO);
    expect(app.journeyOn('signIn')!.active).toBe('pin');
  });

  it('shows a retry state when the overview cannot be loaded, and retries', async () => {
    const fake = new FakeKiosk();
    let fail = true;
    fake.respond('account.overview', () => (fail ? failure('INTERNAL', 'db') : { ok: true, value: accountOverview }));
    const { app } = setup(fake);
    await app.init();
    await signIn(app);
    expect(app.overviewLoad).toBe('error');
    expect(app.overview).toBeNull();
    fail = false;
    await app.loadOverview();
    expect(app.overviewLoad).toBe('ready');
    expect(app.overview?.totalDue.amountMinor).toBe(4250);
  });

  it('wipes when the overview says the session is gone', async () => {
    const fake = new FakeKiosk();
    fake.respond('account.overview', () => failure('NOT_SIGNED_IN', 'no session'));
    const { app, wipe } = setup(fake);
    await app.init();
    await signIn(app);
    expect(wipe).toHaveBeenCalledTimes(1);
    expect(app.screen).toBe('ending');
  });

  it('on session.ended drops the customer’s data and wipes exactly once', async () => {
    const { app, fake, wipe } = setup();
    await app.init();
    await signIn(app);
    fake.emit('session.idleWarning', { secondsLeft: 5 });
    fake.emit('session.ended', { reason: 'idleTimeout' });
    fake.emit('session.ended', { reason: 'idleTimeout' });
    await settle();
    expect(wipe).toHaveBeenCalledTimes(1);
    expect(app.screen).toBe('ending');
    expect(app.session).toBeNull();
    expect(app.overview).toBeNull();
    expect(app.idle.visible).toBe(false);
    app.start();
    expect(app.screen).toBe('ending'); // nothing more happens until the reload
  });

  it('signs out through the core, then wipes; wipes even if the core says no', async () => {
    const { app, fake, wipe } = setup();
    await app.init();
    await signIn(app);
    await app.signOut();
    expect(fake.callsTo('session.signOut')).toEqual([{}]);
    expect(wipe).toHaveBeenCalledTimes(1);

    const other = new FakeKiosk();
    other.respond('session.signOut', () => failure('INTERNAL', 'boom'));
    const second = setup(other);
    await second.app.init();
    await signIn(second.app);
    await second.app.signOut();
    expect(second.wipe).toHaveBeenCalledTimes(1);
  });

  it('shows the idle warning only while signed in; resumed hides it', async () => {
    vi.useFakeTimers();
    const { app, fake } = setup();
    await app.init();
    fake.emit('session.idleWarning', { secondsLeft: 30 });
    expect(app.idle.visible).toBe(false);
    await signIn(app);
    fake.emit('session.idleWarning', { secondsLeft: 30 });
    expect(app.idle.visible).toBe(true);
    expect(app.idle.secondsLeft).toBe(30);
    fake.emit('session.resumed', {});
    expect(app.idle.visible).toBe(false);
    app.dispose();
  });

  it('touches the session at most once per interval, and at once while the warning shows', async () => {
    const { app, fake, clock } = setup(new FakeKiosk(), { touchIntervalMs: 5000 });
    await app.init();
    app.activity(); // on the attract screen: no session to touch
    expect(fake.callsTo('session.touch')).toHaveLength(0);
    await signIn(app);
    clock.advance(1000);
    app.activity(); // signing in just happened
    expect(fake.callsTo('session.touch')).toHaveLength(0);
    clock.advance(4000);
    app.activity();
    app.activity();
    expect(fake.callsTo('session.touch')).toHaveLength(1);
    clock.advance(1500);
    app.activity();
    expect(fake.callsTo('session.touch')).toHaveLength(1);
    fake.emit('session.idleWarning', { secondsLeft: 20 });
    app.activity();
    expect(fake.callsTo('session.touch')).toHaveLength(2);
    await settle();
    expect(app.idle.visible).toBe(false); // the touch answered: the deadline moved
    app.dispose();
  });

  it('"I\'m still here" hides the warning and touches the session', async () => {
    const { app, fake, clock } = setup();
    await app.init();
    await signIn(app);
    clock.advance(2000);
    fake.emit('session.idleWarning', { secondsLeft: 10 });
    app.stillHere();
    expect(app.idle.visible).toBe(false);
    expect(fake.callsTo('session.touch')).toHaveLength(1);
    app.dispose();
  });

  it('wipes when a touch finds the session already gone', async () => {
    const fake = new FakeKiosk();
    fake.respond('session.touch', () => failure('NOT_SIGNED_IN', 'gone'));
    const { app, clock, wipe } = setup(fake);
    await app.init();
    await signIn(app);
    clock.advance(6000);
    app.activity();
    await settle();
    expect(wipe).toHaveBeenCalledTimes(1);
  });

  it('an abandoned sign-in screen returns to the attract screen; activity keeps it open', async () => {
    vi.useFakeTimers();
    const { app } = setup(new FakeKiosk(), { signInTimeoutMs: 60_000 });
    await app.init();
    app.start();
    app.journeyOn('signIn')!.press('7');
    vi.advanceTimersByTime(50_000);
    app.activity();
    vi.advanceTimersByTime(50_000);
    expect(app.screen).toBe('signIn');
    vi.advanceTimersByTime(10_001);
    expect(app.screen).toBe('attract');
    expect(app.journeyOn('signIn')).toBeNull();
  });

  it('toggles large text and high contrast', () => {
    const { app } = setup();
    app.toggleLargeText();
    app.toggleHighContrast();
    expect([app.largeText, app.highContrast]).toEqual([true, true]);
    app.toggleLargeText();
    expect(app.largeText).toBe(false);
  });
});
