import { backoffDelay } from './backoff.ts';
import type { SyncEngine } from './sync-engine.ts';
import { SyncError } from './transport.ts';

export interface SyncLoopOptions {
  /** Time between rounds while the link is good (a new fact wakes it sooner). */
  intervalMs: number;
  /** Backoff after failures: the first wait's cap, and the largest. */
  baseMs: number;
  maxMs: number;
  random: () => number;
  setTimer: (fn: () => void, ms: number) => unknown;
  clearTimer: (timer: unknown) => void;
}

/**
 * Runs sync rounds for as long as the kiosk runs: one after another with a pause while the link
 * is good, backing off with jitter while it is not, and stopping for good when the hub refuses
 * this kiosk's credential (staff must enrol it again). `wake()` runs a round soon after a new
 * fact, so a payment reaches headquarters in seconds when the link is up.
 */
export class SyncLoop {
  #failures = 0;
  #timer: unknown = null;
  #running = false;
  #wakeRequested = false;
  #stopped = false;

  constructor(
    private readonly engine: Pick<SyncEngine, 'round'>,
    private readonly options: SyncLoopOptions,
  ) {}

  get failures(): number {
    return this.#failures;
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  start(): void {
    this.#schedule(0);
  }

  /** Something new to push: run a round now, or right after the one running. */
  wake(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#wakeRequested = true;
      return;
    }
    // While backing off, a wake does not hammer a hub that is down: the backoff stands.
    if (this.#failures === 0) this.#schedule(0);
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== null) this.options.clearTimer(this.#timer);
    this.#timer = null;
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    if (this.#timer !== null) this.options.clearTimer(this.#timer);
    this.#timer = this.options.setTimer(() => {
      this.#timer = null;
      void this.#run();
    }, ms);
  }

  async #run(): Promise<void> {
    this.#running = true;
    this.#wakeRequested = false;
    let next: number;
    try {
      await this.engine.round();
      this.#failures = 0;
      next = this.#wakeRequested ? 0 : this.options.intervalMs;
    } catch (err) {
      if (err instanceof SyncError && err.kind === 'unauthorized') {
        this.#running = false;
        this.stop();
        return;
      }
      this.#failures++;
      next = backoffDelay(this.#failures, this.options);
    }
    this.#running = false;
    this.#schedule(next);
  }
}
