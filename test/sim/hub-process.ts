import type { FastifyInstance } from 'fastify';
import type { HubDb } from '../../hub/db/hub-db.ts';
import { buildHub } from '../../hub/server.ts';

/** Thrown inside a push's transaction to stand for the hub process dying before its COMMIT. */
export class HubCrash extends Error {
  override name = 'HubCrash';
}

/**
 * The hub as a process: the real Fastify app over its own database connection, answering through
 * `app.inject`. A restart stops the app and closes its connection, then a new process opens its own
 * (as a real one reconnects); a crash before commit rolls the transaction in flight back and
 * restarts. Requests are routed to whichever process is running when they arrive.
 */
export class HubProcess {
  #app: FastifyInstance | null = null;
  #db: HubDb | null = null;
  #crashNextCommit = false;
  restarts = 0;

  constructor(
    private readonly connect: () => Promise<HubDb>,
    private readonly now: () => Date,
  ) {}

  async start(): Promise<void> {
    const db = await this.connect();
    this.#db = db;
    const hub: HubDb = {
      ...db,
      query: (sql, params) => db.query(sql, params),
      exec: (script) => db.exec(script),
      close: () => db.close(),
      transaction: (fn) =>
        db.transaction(async (tx) => {
          const result = await fn(tx);
          if (this.#crashNextCommit) {
            this.#crashNextCommit = false;
            throw new HubCrash('the hub process died before its commit');
          }
          return result;
        }),
    };
    this.#app = await buildHub({ db: hub, now: this.now });
  }

  get app(): FastifyInstance {
    if (!this.#app) throw new Error('the hub is not running');
    return this.#app;
  }

  /** The database as headquarters' own processes (bill runs, bank files) write to it. */
  get db(): HubDb {
    if (!this.#db) throw new Error('the hub is not running');
    return this.#db;
  }

  /** The next transaction any request opens is rolled back at its end, as if the process died just before COMMIT. */
  crashBeforeNextCommit(): void {
    this.#crashNextCommit = true;
  }

  async restart(): Promise<void> {
    await this.stop();
    this.restarts++;
    await this.start();
  }

  async stop(): Promise<void> {
    this.#crashNextCommit = false;
    await this.#app?.close();
    await this.#db?.close();
    this.#app = null;
    this.#db = null;
  }

  /** `fetch` for the kiosk's real HttpTransport, answered by the running process through `inject` (no sockets, no timing). */
  readonly fetch: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const headers = Object.fromEntries(new Headers(init?.headers).entries());
    const reply = await this.app.inject({
      method: init?.method === 'POST' ? 'POST' : 'GET',
      url: `${url.pathname}${url.search}`,
      headers,
      ...(typeof init?.body === 'string' ? { payload: init.body } : {}),
    });
    return new Response(reply.body, { status: reply.statusCode, headers: { 'content-type': String(reply.headers['content-type'] ?? 'application/json') } });
  };
}
