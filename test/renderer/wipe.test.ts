import { describe, expect, it, vi } from 'vitest';
import { wipe } from '../../renderer/src/lib/wipe.ts';

type FakeRequest = { onsuccess: (() => void) | null; onerror: (() => void) | null; onblocked: (() => void) | null };

function fakeIndexedDB(names: string[], behaviour: 'succeed' | 'hang' = 'succeed') {
  const deleted: string[] = [];
  return {
    deleted,
    factory: {
      databases: vi.fn(async () => names.map((name) => ({ name, version: 1 }))),
      deleteDatabase: vi.fn((name: string) => {
        const request: FakeRequest = { onsuccess: null, onerror: null, onblocked: null };
        if (behaviour === 'succeed')
          setTimeout(() => {
            deleted.push(name);
            request.onsuccess?.();
          }, 0);
        return request as unknown as IDBOpenDBRequest;
      }),
    },
  };
}

function fakeCaches(keys: string[]) {
  const remaining = new Set(keys);
  return {
    remaining,
    storage: {
      keys: vi.fn(async () => [...remaining]),
      delete: vi.fn(async (key: string) => remaining.delete(key)),
    },
  };
}

describe('wipe', () => {
  it('clears localStorage and sessionStorage, then reloads', async () => {
    localStorage.setItem('lastAccount', '0000001236');
    sessionStorage.setItem('draft', 'x');
    const reload = vi.fn();
    await wipe({ reload, indexedDB: null, caches: null });
    expect(localStorage.length).toBe(0);
    expect(sessionStorage.length).toBe(0);
    expect(reload).toHaveBeenCalledTimes(1);
  });

  it('deletes every IndexedDB database and every cache before the reload', async () => {
    const idb = fakeIndexedDB(['offers', 'receipts']);
    const cache = fakeCaches(['v1-static', 'v1-api']);
    vi.stubGlobal('indexedDB', idb.factory);
    vi.stubGlobal('caches', cache.storage);
    const order: string[] = [];
    const reload = vi.fn(() => order.push(`reload after ${idb.deleted.length} dbs, ${cache.remaining.size} caches left`));
    await wipe({ reload });
    expect(idb.factory.deleteDatabase.mock.calls.map((c) => c[0])).toEqual(['offers', 'receipts']);
    expect(cache.storage.delete.mock.calls.map((c) => c[0])).toEqual(['v1-static', 'v1-api']);
    expect(order).toEqual(['reload after 2 dbs, 0 caches left']);
  });

  it('still reloads when a step fails or a database delete is blocked', async () => {
    vi.useFakeTimers();
    const idb = fakeIndexedDB(['stuck'], 'hang');
    const reload = vi.fn();
    const failingCaches = { keys: vi.fn(async () => Promise.reject(new Error('SecurityError'))), delete: vi.fn() };
    const brokenStorage = {
      clear: () => {
        throw new Error('denied');
      },
    };
    const done = wipe({ reload, indexedDB: idb.factory, caches: failingCaches, localStorage: brokenStorage, timeoutMs: 500 });
    await vi.advanceTimersByTimeAsync(499);
    expect(reload).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    await done;
    expect(reload).toHaveBeenCalledTimes(1);
  });
});
