import type { KioskErrorData } from '../../../../shared/errors.ts';

/** What a journey screen's data is doing: `empty` is a good answer with nothing in it. */
export type JourneyLoad = 'idle' | 'loading' | 'ready' | 'empty' | 'error';

export interface JourneyOptions {
  /** The core says the session is gone: the app wipes and reloads. */
  onSignedOut: () => void;
}

/** True when the answer means the session is over (the caller stops and lets the app wipe). */
export function signedOut(error: KioskErrorData, options: JourneyOptions): boolean {
  if (error.code !== 'NOT_SIGNED_IN') return false;
  options.onSignedOut();
  return true;
}
