import { KioskError } from '../../../shared/errors.ts';
import type { IdleSettings } from '../../../shared/contract/schemas.ts';
import type { EventBus } from '../events.ts';
import type { SignedIn } from './sign-in.ts';

type EndReason = 'signedOut' | 'idleTimeout';

/**
 * The one customer session a kiosk can hold. The core, not the screen, owns the idle clock:
 * after `timeoutSeconds` without activity it warns, and `warningSeconds` later it ends the
 * session and tells the screens to wipe themselves.
 */
export class SessionManager {
  #current: SignedIn | null = null;
  #warned = false;
  #warningTimer: ReturnType<typeof setTimeout> | undefined;
  #endTimer: ReturnType<typeof setTimeout> | undefined;
  #deadline = 0;

  constructor(
    private readonly idle: IdleSettings,
    private readonly events: EventBus,
    private readonly now: () => Date,
  ) {}

  start(who: SignedIn): void {
    this.#clearTimers();
    this.#current = who;
    this.touch();
  }

  /** The signed-in customer; any call that needs one also counts as activity. */
  require(): SignedIn {
    if (!this.#current) throw new KioskError('NOT_SIGNED_IN', 'Please sign in first.');
    this.touch();
    return this.#current;
  }

  get active(): boolean {
    return this.#current !== null;
  }

  /** Pushes the idle deadline back; returns it. */
  touch(): Date {
    if (!this.#current) throw new KioskError('NOT_SIGNED_IN', 'Please sign in first.');
    this.#clearTimers();
    if (this.#warned) {
      this.#warned = false;
      this.events.emit('session.resumed', {});
    }
    const { timeoutSeconds, warningSeconds } = this.idle;
    this.#deadline = this.now().getTime() + (timeoutSeconds + warningSeconds) * 1000;
    this.#warningTimer = setTimeout(() => {
      this.#warned = true;
      this.events.emit('session.idleWarning', { secondsLeft: warningSeconds });
    }, timeoutSeconds * 1000);
    this.#endTimer = setTimeout(() => this.end('idleTimeout'), (timeoutSeconds + warningSeconds) * 1000);
    return new Date(this.#deadline);
  }

  end(reason: EndReason): void {
    const had = this.#current !== null;
    this.#clearTimers();
    this.#current = null;
    this.#warned = false;
    if (had) this.events.emit('session.ended', { reason });
  }

  #clearTimers(): void {
    clearTimeout(this.#warningTimer);
    clearTimeout(this.#endTimer);
  }
}
