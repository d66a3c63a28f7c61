/** What wipe() clears; every part defaults to the real browser object and may be absent. */
export interface WipeTargets {
  localStorage?: Pick<Storage, 'clear'> | null;
  sessionStorage?: Pick<Storage, 'clear'> | null;
  indexedDB?: Pick<IDBFactory, 'databases' | 'deleteDatabase'> | null;
  caches?: Pick<CacheStorage, 'keys' | 'delete'> | null;
  reload?: () => void;
  /** How long to wait for one database deletion before moving on (a blocked delete must not stop the reload). */
  timeoutMs?: number;
}

function global<T>(read: () => T): T | null {
  try {
    return read() ?? null;
  } catch {
    return null; // e.g. storage disabled: a SecurityError on access
  }
}

function settle(request: IDBOpenDBRequest, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    const done = (): void => {
      clearTimeout(timer);
      resolve();
    };
    request.onsuccess = done;
    request.onerror = done;
    request.onblocked = done;
  });
}

/**
 * Forgets everything the previous customer could have left behind in this renderer, then
 * reloads so nothing survives in the DOM or in memory either: local and session storage, every
 * IndexedDB database and every CacheStorage cache. Each step is best-effort; the reload always
 * happens. (The host's HttpOnly cookie is not customer data and is left alone.)
 */
export async function wipe(targets: WipeTargets = {}): Promise<void> {
  const timeoutMs = targets.timeoutMs ?? 2000;
  const local = 'localStorage' in targets ? targets.localStorage : global(() => globalThis.localStorage);
  const session = 'sessionStorage' in targets ? targets.sessionStorage : global(() => globalThis.sessionStorage);
  const idb = 'indexedDB' in targets ? targets.indexedDB : global(() => globalThis.indexedDB);
  const cacheStorage = 'caches' in targets ? targets.caches : global(() => globalThis.caches);
  const reload = targets.reload ?? (() => globalThis.location.reload());

  try {
    local?.clear();
  } catch {
    /* keep going */
  }
  try {
    session?.clear();
  } catch {
    /* keep going */
  }
  try {
    if (idb && typeof idb.databases === 'function') {
      const databases = await idb.databases();
      await Promise.all(
        databases.flatMap((db) => (db.name ? [settle(idb.deleteDatabase(db.name), timeoutMs)] : [])),
      );
    }
  } catch {
    /* keep going */
  }
  try {
    if (cacheStorage) {
      const keys = await cacheStorage.keys();
      await Promise.all(keys.map((key) => cacheStorage.delete(key)));
    }
  } catch {
    /* keep going */
  }
  reload();
}
