import { Worker } from 'node:worker_threads';
import type { Row } from '../../hub/db/hub-db.ts';

/** What the fleet bench asks of its hub thread. */
export interface FleetHubSetup {
  /** The hub-worker.ts module (a file URL) that the kiosk's source-worker boot file loads. */
  sourceEntry: string;
  schema: string;
  branches: string[];
  accountsPerBranch: number;
  /** One enrolment code per kiosk, of branch `kioskBranches[i]`. */
  kioskBranches: string[];
}

export type ToHub = { type: 'query'; id: number; sql: string; params: unknown[] } | { type: 'stats'; id: number } | { type: 'stop'; id: number };

export interface HubReady {
  type: 'ready';
  baseUrl: string;
  label: string;
  codes: string[];
  accounts: Record<string, string[]>;
}

export interface HubStats {
  /** TCP connections the hub accepted since it started listening: few means keep-alive worked. */
  connections: number;
  /** The hub thread's event loop so far (performance.eventLoopUtilization): busy and idle milliseconds. */
  activeMs: number;
  idleMs: number;
}

export type FromHub = HubReady | { type: 'reply'; id: number; rows?: Row[]; stats?: HubStats; error?: string } | { type: 'failed'; error: string };

export interface FleetHub extends Omit<HubReady, 'type'> {
  query<R extends Row>(sql: string, params?: unknown[]): Promise<R[]>;
  stats(): Promise<HubStats>;
  stop(): Promise<void>;
}

/**
 * The hub in a worker thread of this process: its own event loop, so the simulated kiosks (on
 * the main thread) and the hub do not queue behind each other's work as they would on one loop,
 * while the bench stays one process. Its database is reached only through it (PGlite lives there).
 */
export function startFleetHub(setup: Omit<FleetHubSetup, 'sourceEntry'>): Promise<FleetHub> {
  const worker = new Worker(new URL('../../electron/core/sync/source-worker-boot.mjs', import.meta.url), {
    workerData: { ...setup, sourceEntry: new URL('./hub-worker.ts', import.meta.url).href } satisfies FleetHubSetup,
    name: 'bench-hub',
  });
  const pending = new Map<number, { resolve: (m: Extract<FromHub, { type: 'reply' }>) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  const ask = (message: Omit<Extract<ToHub, { type: 'query' }>, 'id'> | { type: 'stats' | 'stop' }) =>
    new Promise<Extract<FromHub, { type: 'reply' }>>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ ...message, id } as ToHub);
    }).then((reply) => {
      if (reply.error !== undefined) throw new Error(`hub thread: ${reply.error}`);
      return reply;
    });

  return new Promise<FleetHub>((resolve, reject) => {
    const fail = (error: Error) => {
      reject(error);
      for (const p of pending.values()) p.reject(error);
      pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the hub thread exited (${code})`)));
    worker.on('message', (message: FromHub) => {
      if (message.type === 'failed') return fail(new Error(`hub thread: ${message.error}`));
      if (message.type === 'reply') {
        pending.get(message.id)?.resolve(message);
        pending.delete(message.id);
        return;
      }
      const { type: _ready, ...ready } = message;
      resolve({
        ...ready,
        query: async <R extends Row>(sql: string, params: unknown[] = []) => ((await ask({ type: 'query', sql, params })).rows ?? []) as R[],
        stats: async () => (await ask({ type: 'stats' })).stats as HubStats,
        async stop() {
          await ask({ type: 'stop' });
          worker.removeAllListeners('exit');
          await worker.terminate();
        },
      });
    });
  });
}
