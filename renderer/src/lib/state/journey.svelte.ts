import type { KioskApi } from '../../../../shared/contract/index.ts';
import type { KioskErrorData, Result } from '../../../../shared/errors.ts';
import { FocusRequests } from './focus.svelte.ts';

/** What a journey screen's data is doing: `empty` is a good answer with nothing in it. */
export type JourneyLoad = 'idle' | 'loading' | 'ready' | 'empty' | 'error';

export interface JourneyOptions {
  /** The core says the session is gone: the app wipes and reloads. */
  onSignedOut: () => void;
  /** Makes request ids (default crypto.randomUUID): chosen once per request, so a retry never acts twice. */
  newId?: () => string;
}

/**
 * Request ids: one per request, chosen once. Sending the same request again after a failure (no
 * answer, an unknown error) re-uses its id, so the core never acts on it twice; a different
 * request, or the same one after it was settled, gets a new id.
 */
export class RequestIds {
  #pending: { key: string; id: string } | null = null;
  readonly #newId: () => string;

  constructor(options: JourneyOptions) {
    this.#newId = options.newId ?? (() => crypto.randomUUID());
  }

  for(key: string): string {
    if (this.#pending?.key !== key) this.#pending = { key, id: this.#newId() };
    return this.#pending.id;
  }

  /** The request is settled (done, or known not to have been acted on): the next one is new. */
  settle(): void {
    this.#pending = null;
  }
}

/**
 * What every journey of a signed-in account shares: the API, what the app asked of it (wipe when
 * the session is gone, how request ids are made), its request ids, how much of its data is there
 * (`load`) and, through FocusRequests, the one way a journey asks its screen to move focus.
 */
export abstract class Journey<F extends string> extends FocusRequests<F> {
  load = $state<JourneyLoad>('idle');

  protected readonly api: KioskApi;
  protected readonly options: JourneyOptions;
  protected readonly ids: RequestIds;

  constructor(api: KioskApi, options: JourneyOptions) {
    super();
    this.api = api;
    this.options = options;
    this.ids = new RequestIds(options);
  }

  /** Loads what the screen shows (the app calls it on arrival); a journey with nothing to load opens as it is. */
  open(): Promise<void> {
    return Promise.resolve();
  }

  /** True when the answer means the session is over (the journey stops; the app wipes). */
  protected signedOut(error: KioskErrorData): boolean {
    if (error.code !== 'NOT_SIGNED_IN') return false;
    this.options.onSignedOut();
    return true;
  }

  /** Loads the journey's data into `load`: `take` keeps it and says whether there is anything to show. */
  protected async loadFrom<T>(call: () => Promise<Result<T>>, take: (value: T) => 'ready' | 'empty'): Promise<void> {
    this.load = 'loading';
    const result = await call();
    if (result.ok) this.load = take(result.value);
    else if (!this.signedOut(result.error)) this.load = 'error';
  }

  /** Reads again what a change may have moved (a status, a quote); on failure what is shown stays. */
  protected async refresh<T>(call: () => Promise<Result<T>>, take: (value: T) => void): Promise<void> {
    const result = await call();
    if (result.ok) take(result.value);
    else this.signedOut(result.error);
  }
}
