import type { KioskApi } from '../../../../shared/contract/index.ts';
import type { HelpCalled } from '../../../../shared/contract/help.ts';

export type StaffCallState = 'idle' | 'calling' | 'called' | 'error';

/**
 * "Call staff": records an assist request with the screen the customer is on and says what
 * happens next. A call is remembered for a while (default 10 minutes): pressing the button again
 * shows the same place in the queue instead of filing a second request. The page reload at the
 * end of a session forgets it with everything else.
 */
export class StaffCall {
  open = $state(false);
  state = $state<StaffCallState>('idle');
  called = $state<HelpCalled | null>(null);

  readonly #api: KioskApi;
  readonly #now: () => number;
  readonly #rememberMs: number;
  #calledAt = 0;
  #screen = '';

  constructor(api: KioskApi, options: { now?: () => number; rememberMs?: number } = {}) {
    this.#api = api;
    this.#now = options.now ?? (() => Date.now());
    this.#rememberMs = options.rememberMs ?? 10 * 60_000;
  }

  /** Opens the dialog and, unless staff were called a moment ago, calls them. */
  async call(screen: string): Promise<void> {
    this.open = true;
    if (this.state === 'calling') return;
    if (this.called && this.#now() - this.#calledAt < this.#rememberMs) {
      this.state = 'called';
      return;
    }
    this.#screen = screen;
    this.state = 'calling';
    const result = await this.#api.invoke('help.call', { screen });
    if (result.ok) {
      this.called = result.value;
      this.#calledAt = this.#now();
      this.state = 'called';
    } else {
      this.state = 'error';
    }
  }

  async retry(): Promise<void> {
    if (this.state === 'error') await this.call(this.#screen);
  }

  close(): void {
    this.open = false;
    if (this.state === 'error') this.state = 'idle';
  }

  /** The session is over: forget the call along with everything else. */
  reset(): void {
    this.open = false;
    this.state = 'idle';
    this.called = null;
  }
}
