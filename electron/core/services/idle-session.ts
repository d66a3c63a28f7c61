import type { KioskError } from '../../../shared/errors.ts';
import type { IdleSettings } from '../../../shared/contract/schemas.ts';

export type EndReason = 'signedOut' | 'idleTimeout';

export interface IdleHooks<T> {
  warned(secondsLeft: number): void;
  resumed(): void;
  /** `who`: whoever held the session that ended. */
  ended(reason: EndReason, who: T): void;
}

/**
 * One session held by the core, not the screen, with its idle clock: after `timeoutSeconds`
 * without activity it warns, and `warningSeconds` later it ends. A customer's session and a staff
 * member's assist session are each one of these, with their own settings and events.
 */
export class IdleSession<T> {
  #current: T | null = null;
  #warned = false;
  #warningTimer: ReturnType<typeof setTimeout> | undefined;
  #endTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly idle: IdleSettings,
    private readonly hooks: IdleHooks<T>,
    private readonly now: () => Date,
    /** The error for a call that needs the session when there is none. */
    private readonly missing: () => KioskError,
  ) {}

  start(who: T): void {
    this.#clearTimers();
    this.#current = who;
    this.touch();
  }

  /** Whoever holds the session; any call that needs one also counts as activity. */
  require(): T {
    if (this.#current === null) throw this.missing();
    this.touch();
    return this.#current;
  }

  /** Whoever holds it, without counting as activity. */
  get current(): T | null {
    return this.#current;
  }

  get active(): boolean {
    return this.#current !== null;
  }

  /** Pushes the idle deadline back; returns it. */
  touch(): Date {
    if (this.#current === null) throw this.missing();
    this.#clearTimers();
    if (this.#warned) {
      this.#warned = false;
      this.hooks.resumed();
    }
    const { timeoutSeconds, warningSeconds } = this.idle;
    const deadline = new Date(this.now().getTime() + (timeoutSeconds + warningSeconds) * 1000);
    this.#warningTimer = setTimeout(() => {
      this.#warned = true;
      this.hooks.warned(warningSeconds);
    }, timeoutSeconds * 1000);
    this.#endTimer = setTimeout(() => this.end('idleTimeout'), (timeoutSeconds + warningSeconds) * 1000);
    return deadline;
  }

  end(reason: EndReason): void {
    const who = this.#current;
    this.#clearTimers();
    this.#current = null;
    this.#warned = false;
    if (who !== null) this.hooks.ended(reason, who);
  }

  #clearTimers(): void {
    clearTimeout(this.#warningTimer);
    clearTimeout(this.#endTimer);
  }
}
