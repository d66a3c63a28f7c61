/**
 * A state class that asks its screen to move focus (to a field after a problem, to a result when
 * it arrives): `focusRequest` changes each time, so the same target asked for twice moves focus again.
 */
export class FocusRequests<T extends string> {
  focusRequest = $state<{ target: T; seq: number } | null>(null);
  #seq = 0;

  protected requestFocus(target: T): void {
    this.focusRequest = { target, seq: ++this.#seq };
  }
}
