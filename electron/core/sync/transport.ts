import { z } from 'zod';
import { hubUrlProblem } from '../../../shared/hub-url.ts';
import { PROTOCOL_VERSION, PullResponse, PushResponse, type AuditHead, type OutboxEvent } from '../../../shared/sync/protocol.ts';

/** Why a sync call did not get an answer to use: the worker backs off, or stops and says so. */
export class SyncError extends Error {
  constructor(
    /** offline: no link or no answer (try again later); unauthorized: the credential was refused (stop); protocol: an answer this kiosk cannot read. */
    readonly kind: 'offline' | 'unauthorized' | 'protocol',
    message: string,
  ) {
    super(message);
    this.name = 'SyncError';
  }
}

/** The hub as the sync worker sees it; tests and the simulation put their own behind it. */
export interface SyncTransport {
  /** `schemaVersion`: the one the events were written in; `auditHead`: the kiosk's audit head, sent along when it keeps one. */
  push(events: readonly OutboxEvent[], schemaVersion: number, auditHead?: AuditHead): Promise<PushResponse>;
  pull(after: number, limit: number): Promise<PullResponse>;
}

/** The hub over HTTPS: bearer credential, a deadline on every call, every answer checked. */
export class HttpTransport implements SyncTransport {
  constructor(
    private readonly options: { baseUrl: string; credential: string; timeoutMs: number; fetch?: typeof fetch },
  ) {
    // The credential goes with every call: never to a hub that is neither https nor on this machine.
    const problem = hubUrlProblem(options.baseUrl);
    if (problem !== null) throw new SyncError('protocol', problem);
  }

  async push(events: readonly OutboxEvent[], schemaVersion: number, auditHead?: AuditHead): Promise<PushResponse> {
    return this.#call('POST', '/sync/v1/push', PushResponse, { protocolVersion: PROTOCOL_VERSION, schemaVersion, events, ...(auditHead ? { auditHead } : {}) });
  }

  async pull(after: number, limit: number): Promise<PullResponse> {
    return this.#call('GET', `/sync/v1/pull?after=${after}&limit=${limit}`, PullResponse);
  }

  async #call<T>(method: 'GET' | 'POST', path: string, schema: z.ZodType<T>, body?: unknown): Promise<T> {
    const doFetch = this.options.fetch ?? fetch;
    let response: Response;
    try {
      response = await doFetch(new URL(path, this.options.baseUrl), {
        method,
        headers: { authorization: `Bearer ${this.options.credential}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (err) {
      throw new SyncError('offline', `the hub did not answer: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (response.status === 401 || response.status === 403) throw new SyncError('unauthorized', `the hub refused this kiosk's credential (${response.status})`);
    if (response.status >= 500 || response.status === 429) throw new SyncError('offline', `the hub is not able to answer now (${response.status})`);
    let json: unknown;
    try {
      json = await response.json();
    } catch {
      throw new SyncError('offline', 'the answer from the hub was cut off');
    }
    if (!response.ok) throw new SyncError('protocol', `the hub refused the request (${response.status}): ${JSON.stringify(json).slice(0, 200)}`);
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new SyncError('protocol', `the answer from the hub is not protocol ${PROTOCOL_VERSION}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    return parsed.data;
  }
}
