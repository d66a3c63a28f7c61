/**
 * What a simulator does on its next calls, queued by tests and demos. A call takes the next queued
 * step; with the queue empty the simulator falls back to its rule (usually a function of the
 * amount), so a demo behaves predictably without any scripting.
 */
export class Script<Step> {
  readonly #queue: Step[] = [];

  /** Queues steps, one per coming call, in order. */
  next(...steps: Step[]): this {
    this.#queue.push(...steps);
    return this;
  }

  /** How many queued steps are still to be used. */
  get pending(): number {
    return this.#queue.length;
  }

  clear(): void {
    this.#queue.length = 0;
  }

  /** The next queued step, or the fallback when none is queued. */
  take(fallback: () => Step): Step {
    return this.#queue.length > 0 ? (this.#queue.shift() as Step) : fallback();
  }
}
