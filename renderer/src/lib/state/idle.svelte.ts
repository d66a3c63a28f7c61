/**
 * The idle warning's countdown. The core decides when the session ends; this only shows how long
 * is left, ticking down locally once a second from the core's `secondsLeft`.
 */
export class IdleCountdown {
  visible = $state(false);
  secondsLeft = $state(0);
  readonly #now: () => number;
  #deadline = 0;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(now: () => number = () => Date.now()) {
    this.#now = now;
  }

  show(secondsLeft: number): void {
    this.#deadline = this.#now() + secondsLeft * 1000;
    this.secondsLeft = Math.max(0, Math.ceil(secondsLeft));
    this.visible = true;
    this.#stop();
    if (this.secondsLeft > 0) this.#timer = setInterval(() => this.tick(), 1000);
  }

  tick(): void {
    this.secondsLeft = Math.max(0, Math.ceil((this.#deadline - this.#now()) / 1000));
    if (this.secondsLeft === 0) this.#stop();
  }

  hide(): void {
    this.visible = false;
    this.#stop();
  }

  dispose(): void {
    this.#stop();
  }

  #stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
