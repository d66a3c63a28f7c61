import type { KioskErrorData } from '../../../../shared/errors.ts';

/** What a journey screen's data is doing: `empty` is a good answer with nothing in it. */
export type JourneyLoad = 'idle' | 'loading' | 'ready' | 'empty' | 'error';

export interface JourneyOptions {
  /** The core says the session is gone: the app wipes and reloads. */
  onSignedOut: () => void;
  /** Makes request ids (default crypto.randomUUID): chosen once per request, so a retry never acts twice. */
  newId?: () => string;
}

/** True when the answer means the session is over (the caller stops and lets the app wipe). */
export function signedOut(error: KioskErrorData, options: JourneyOptions): boolean {
  if (error.code !== 'NOT_SIGNED_IN') return false;
  options.onSignedOut();
  return true;
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
