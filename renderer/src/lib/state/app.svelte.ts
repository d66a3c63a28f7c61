import type { KioskApi } from '../../../../shared/contract/index.ts';
import type { AccountOverview, KioskInfo, SessionInfo } from '../../../../shared/contract/schemas.ts';
import type { SyncStatusView } from '../../../../shared/contract/sync.ts';
import { languages as allLanguages, type Language } from '../../../../shared/locales.ts';
import { Translator } from '../../../../shared/i18n/translator.ts';
import { AssistDesk } from './assist-desk.svelte.ts';
import { AssistState } from './assist.svelte.ts';
import { BarcodeWedge } from './barcode.ts';
import { IdleCountdown } from './idle.svelte.ts';
import { accountJourneys, assistScreens, type AccountJourney, type Current, type JourneyScreen, type JourneyStates, type Screen } from './journeys.ts';
import type { JourneyOptions } from './journey.svelte.ts';
import { SignInState } from './sign-in.svelte.ts';
import { StaffCall } from './staff-call.svelte.ts';
import { TouchThrottle } from './throttle.ts';

export type LoadState = 'idle' | 'loading' | 'ready' | 'error';

export interface AppOptions {
  /** Clears storage and reloads; the real one is lib/wipe.ts. */
  wipe: () => Promise<void> | void;
  now?: () => number;
  /** Least time between two activity touches (default 5 s). */
  touchIntervalMs?: number;
  /** An untouched sign-in screen goes back to the attract screen after this long (default: the kiosk's idle timeout). */
  signInTimeoutMs?: number;
  barcode?: BarcodeWedge;
  /** Makes request ids for credit requests, payments and orders (default crypto.randomUUID). */
  newId?: () => string;
  /** How long a staff call is remembered before the button files a new one (default 10 minutes). */
  staffCallMemoryMs?: number;
}

/**
 * The whole kiosk screen flow: attract → sign-in → account overview ⇄ bill, usage, credit limit
 * → wipe and reload; "Call staff" from any screen. Holds
 * everything the screens show, takes the API as a parameter (tests pass a fake) and reacts to
 * the core's session events.
 */
export class AppState {
  /** The screen shown, with its journey's state when it has one: one at a time, dropped on leaving it. */
  current = $state<Current>({ screen: 'attract' });
  info = $state<KioskInfo | null>(null);
  /** The link to headquarters, for the badge (null until the core says). */
  sync = $state<SyncStatusView | null>(null);
  language = $state<Language>('en');
  largeText = $state(false);
  highContrast = $state(false);
  session = $state<SessionInfo | null>(null);
  overview = $state<AccountOverview | null>(null);
  overviewLoad = $state<LoadState>('idle');

  readonly tr: Translator = $derived(new Translator(this.language));
  readonly idle: IdleCountdown;
  readonly barcode: BarcodeWedge;
  readonly staff: StaffCall;
  /** Assist mode: the staff member signed in at this kiosk (the banner), their sign-in dialog and idle warning. */
  readonly assist: AssistState;
  readonly api: KioskApi;

  readonly #options: AppOptions;
  readonly #throttle: TouchThrottle;
  readonly #subscriptions: Array<() => void> = [];
  #languageChosen = false;
  #ending = false;
  #signInTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(api: KioskApi, options: AppOptions) {
    this.api = api;
    this.#options = options;
    const now = options.now ?? (() => Date.now());
    this.idle = new IdleCountdown(now);
    this.barcode = options.barcode ?? new BarcodeWedge();
    this.#throttle = new TouchThrottle({ intervalMs: options.touchIntervalMs ?? 5000, now });
    this.staff = new StaffCall(api, { now, ...(options.staffCallMemoryMs !== undefined ? { rememberMs: options.staffCallMemoryMs } : {}) });
    this.assist = new AssistState(api, {
      now,
      onEnded: () => this.end(),
      // Staff at a kiosk with no customer on it start at the assist desk.
      onSignedIn: () => {
        if (!this.signedIn) this.openDesk();
      },
      ...(options.touchIntervalMs !== undefined ? { touchIntervalMs: options.touchIntervalMs } : {}),
    });
  }

  /** A dialog is on top of the screen (call staff, staff sign-in, a supervisor's confirmation): the screen under it takes no input. */
  get dialogOpen(): boolean {
    return this.staff.open || this.assist.dialogOpen;
  }

  get screen(): Screen {
    return this.current.screen;
  }

  /** The journey of `screen` when it is the one shown, else null. */
  journeyOn<S extends JourneyScreen>(screen: S): JourneyStates[S] | null {
    const current = this.current;
    return current.screen === screen && 'journey' in current ? (current.journey as JourneyStates[S]) : null;
  }

  /** A payment is with the device: the customer stays for its outcome. */
  get #paying(): boolean {
    return this.journeyOn('pay')?.busy ?? false;
  }

  get signedIn(): boolean {
    return this.session !== null;
  }

  /** Languages this kiosk offers, in the contract's order. */
  get languages(): readonly Language[] {
    const offered = this.info?.languages;
    return offered && offered.length > 0 ? allLanguages.filter((l) => offered.includes(l)) : allLanguages;
  }

  /** Subscribes to the core's events and reads the kiosk's settings (default language). */
  async init(): Promise<void> {
    this.#subscriptions.push(
      this.api.on('session.idleWarning', ({ secondsLeft }) => {
        if (this.signedIn && !this.#ending) this.idle.show(secondsLeft);
      }),
      this.api.on('session.resumed', () => this.idle.hide()),
      this.api.on('session.ended', () => void this.end()),
      this.api.on('sync.status', (status) => {
        this.sync = status;
      }),
    );
    void this.assist.init();
    void this.api.invoke('sync.status', {}).then((status) => {
      if (status.ok && this.sync === null) this.sync = status.value;
    });
    const result = await this.api.invoke('kiosk.info', {});
    if (!result.ok) return; // keep English and every language; sign-in still works
    this.info = result.value;
    if (!this.#languageChosen && !this.signedIn) this.language = result.value.defaultLanguage;
  }

  /** The customer picked a language on the attract screen: it wins over their saved preference. */
  chooseLanguage(language: Language): void {
    this.language = language;
    this.#languageChosen = true;
  }

  toggleLargeText(): void {
    this.largeText = !this.largeText;
  }

  toggleHighContrast(): void {
    this.highContrast = !this.highContrast;
  }

  /** Attract → sign-in, optionally with a scanned account number already filled in. */
  start(prefill?: string): void {
    if (this.#ending || this.screen !== 'attract') return;
    this.barcode.reset();
    this.current = { screen: 'signIn', journey: new SignInState(this.api, { onSuccess: (session) => this.#signedIn(session), ...(prefill ? { prefill } : {}) }) };
    this.#armSignInTimer();
  }

  /** Back to the attract screen, forgetting anything typed. */
  cancelSignIn(): void {
    if (this.screen !== 'signIn') return;
    this.#clearSignInTimer();
    this.current = { screen: 'attract' };
  }

  async loadOverview(): Promise<void> {
    if (!this.signedIn) return;
    this.overviewLoad = 'loading';
    const result = await this.api.invoke('account.overview', {});
    if (!this.signedIn) return; // the session ended meanwhile
    if (result.ok) {
      this.overview = result.value;
      this.overviewLoad = 'ready';
    } else if (result.error.code === 'NOT_SIGNED_IN') {
      await this.end();
    } else {
      this.overviewLoad = 'error';
    }
  }

  /**
   * Overview → one of the account's journeys (accountJourneys): `target` is what it opens on, when
   * it takes one (the bill to pay, the service whose usage to show). Assist mode's journeys only
   * while staff are signed in; the desk opens as openDesk says.
   */
  async open(screen: AccountJourney | 'desk', target?: string): Promise<void> {
    if (screen === 'desk') return this.openDesk();
    const entry = accountJourneys[screen];
    if (!this.#canOpenJourney() || (entry.assist && !this.assist.active)) return;
    if ('needsOverview' in entry && !this.overview) {
      await this.loadOverview(); // the services to choose from are the overview's
      if (!this.#canOpenJourney()) return;
    }
    const journey = entry.start({ api: this.api, assist: this.assist, overview: this.overview, options: this.#journeyOptions() });
    this.current = { screen, journey } as Current;
    await journey.open(target);
  }

  /** Assist mode: the desk (find a customer, referred credit requests, calls for staff), from the banner. */
  openDesk(): void {
    if (this.#ending || !this.assist.active || this.#paying || this.screen === 'desk') return;
    this.#clearSignInTimer();
    // Staff opening an account keep the language they work in (the switch is on every screen).
    const desk = new AssistDesk(this.api, this.assist, { onOpened: (session) => this.#signedIn(session, true) });
    this.current = { screen: 'desk', journey: desk };
    void desk.open();
  }

  /** The desk's way out: the open account, or the attract screen when no customer is signed in. */
  leaveDesk(): void {
    if (this.screen !== 'desk') return;
    if (this.signedIn) {
      this.backToAccount();
      return;
    }
    this.current = { screen: 'attract' };
  }

  /** Any journey → the overview, refreshed (a credit decision or a payment may have changed it). */
  backToAccount(): void {
    if (this.#ending || !this.signedIn || this.#paying) return; // a payment in progress ends with its outcome
    this.current = { screen: 'overview' };
    void this.loadOverview();
  }

  /** "Call staff" on whatever screen the customer is on. */
  callStaff(): Promise<void> {
    return this.staff.call(this.screen);
  }

  async signOut(): Promise<void> {
    if (this.#ending) return;
    try {
      await this.api.invoke('session.signOut', {});
    } finally {
      // Signed out or not, this screen must not keep the customer's data.
      await this.end();
    }
  }

  /** The session is over (signed out, timed out or ended by the core): drop everything, wipe, reload. */
  async end(): Promise<void> {
    if (this.#ending) return;
    this.#ending = true;
    this.#clearSignInTimer();
    this.idle.hide();
    this.session = null;
    this.overview = null;
    this.current = { screen: 'ending' };
    this.staff.reset();
    this.assist.reset();
    this.overviewLoad = 'idle';
    await this.#options.wipe();
  }

  /**
   * Any pointer or key anywhere. Signed in, it keeps the session alive; on sign-in it keeps the
   * form open. Only on an assist screen is it staff at work: anywhere else it may be anyone, and
   * it does not keep assist mode alive.
   */
  activity(): void {
    if (this.#ending) return;
    if (assistScreens.includes(this.screen)) this.assist.activity();
    if (this.screen === 'signIn') {
      this.#armSignInTimer();
      return;
    }
    if (this.signedIn && this.#throttle.hit(this.idle.visible)) void this.#touch();
  }

  /** "I'm still here" on the idle warning. */
  stillHere(): void {
    this.idle.hide();
    if (this.#throttle.hit(true)) void this.#touch();
  }

  dispose(): void {
    this.#clearSignInTimer();
    this.idle.dispose();
    this.assist.dispose();
    for (const off of this.#subscriptions.splice(0)) off();
  }

  /** Journeys open from the open account: its overview, another journey or the desk (not from sign-in or the end). */
  #canOpenJourney(): boolean {
    return !this.#ending && this.signedIn && this.screen !== 'attract' && this.screen !== 'signIn' && this.screen !== 'ending';
  }

  #journeyOptions(): JourneyOptions {
    return { onSignedOut: () => void this.end(), ...(this.#options.newId ? { newId: this.#options.newId } : {}) };
  }

  #signedIn(session: SessionInfo, keepLanguage = false): void {
    this.#clearSignInTimer();
    this.session = session;
    if (!this.#languageChosen && !keepLanguage) this.language = session.language;
    this.#throttle.reset();
    this.#throttle.hit(); // signing in was the latest activity
    this.current = { screen: 'overview' }; // staff opening an account leave the desk
    void this.loadOverview();
  }

  async #touch(): Promise<void> {
    const result = await this.api.invoke('session.touch', {});
    if (result.ok) {
      this.idle.hide();
    } else if (result.error.code === 'NOT_SIGNED_IN') {
      await this.end();
    }
  }

  #armSignInTimer(): void {
    this.#clearSignInTimer();
    const ms = this.#options.signInTimeoutMs ?? (this.info?.idle.timeoutSeconds ?? 60) * 1000;
    this.#signInTimer = setTimeout(() => this.cancelSignIn(), ms);
  }

  #clearSignInTimer(): void {
    if (this.#signInTimer !== undefined) clearTimeout(this.#signInTimer);
    this.#signInTimer = undefined;
  }
}
