/**
 * Waits `ms` with the global setTimeout (looked up at call time, so vitest's fake timers drive it),
 * ending early when `signal` aborts. Resolves rather than rejects, so a simulator can branch on
 * "the customer cancelled" without try/catch.
 */
export function delay(ms: number, signal?: AbortSignal): Promise<'elapsed' | 'aborted'> {
  if (signal?.aborted) return Promise.resolve('aborted');
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve('aborted');
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve('elapsed');
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Combines the caller's signal with the device's own (from `cancel(intentId)`). */
export function eitherSignal(own: AbortSignal, caller: AbortSignal | undefined): AbortSignal {
  return caller ? AbortSignal.any([own, caller]) : own;
}
