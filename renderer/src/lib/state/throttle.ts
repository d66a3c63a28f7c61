/**
 * Decides when customer activity is worth telling the core about (`session.touch`): at most
 * once per interval, but straight away (bar a short debounce) when it is urgent, i.e. while the
 * idle warning is on screen.
 */
export class TouchThrottle {
  readonly #intervalMs: number;
  readonly #urgentGapMs: number;
  readonly #now: () => number;
  #last = Number.NEGATIVE_INFINITY;

  constructor(options: { intervalMs?: number; urgentGapMs?: number; now?: () => number } = {}) {
    this.#intervalMs = options.intervalMs ?? 5000;
    this.#urgentGapMs = options.urgentGapMs ?? 1000;
    this.#now = options.now ?? (() => Date.now());
  }

  /** Records the activity and answers whether to send a touch now. */
  hit(urgent = false): boolean {
    const now = this.#now();
    if (now - this.#last < (urgent ? this.#urgentGapMs : this.#intervalMs)) return false;
    this.#last = now;
    return true;
  }

  reset(): void {
    this.#last = Number.NEGATIVE_INFINITY;
  }
}
