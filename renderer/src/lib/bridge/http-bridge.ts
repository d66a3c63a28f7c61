import { isChannelName, isEventName, type KioskBridge } from '../../../../shared/contract/index.ts';
import type { Result } from '../../../../shared/errors.ts';

/** What the bridge needs of an EventSource (a test can pass any EventTarget). */
export interface EventSourceLike {
  addEventListener(type: string, listener: (event: Event) => void): void;
  removeEventListener(type: string, listener: (event: Event) => void): void;
}

export interface HttpBridgeOptions {
  /** Where the host mounts the contract; channel names are appended. */
  baseUrl?: string;
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
  /** Opens the server-sent event stream; called at most once. */
  openEvents?: (url: string) => EventSourceLike;
}

function internal(message: string): Result<never> {
  return { ok: false, error: { code: 'INTERNAL', message } };
}

function looksLikeResult(body: unknown): boolean {
  return typeof body === 'object' && body !== null && typeof (body as { ok?: unknown }).ok === 'boolean';
}

/**
 * The bridge used in the browser host, where there is no preload and so no `window.kiosk`: each
 * call is a same-origin POST to /api/<channel> (the host authenticates with an HttpOnly cookie)
 * and events arrive over one shared EventSource on /api/events. Answers are checked against the
 * contract by createKioskApi, not here.
 */
export function createHttpBridge(options: HttpBridgeOptions = {}): KioskBridge {
  const baseUrl = options.baseUrl ?? '/api/';
  const doFetch = options.fetch ?? ((input: string, init: RequestInit) => globalThis.fetch(input, init));
  const openEvents = options.openEvents ?? ((url: string) => new EventSource(url));
  let source: EventSourceLike | null = null;

  return {
    async invoke(channel, input) {
      if (!isChannelName(channel)) return { ok: false, error: { code: 'UNKNOWN_CHANNEL', message: `No such channel: ${channel}` } };
      let response: Response;
      try {
        response = await doFetch(baseUrl + channel, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(input ?? {}),
          credentials: 'same-origin',
        });
      } catch (error) {
        return internal(`Could not reach the kiosk service: ${error instanceof Error ? error.message : String(error)}`);
      }
      let body: unknown;
      try {
        body = await response.json();
      } catch {
        return internal(`Unreadable answer from the kiosk service (HTTP ${response.status})`);
      }
      // Errors (including 401/403) come back as a Result body too; anything else is not ours.
      return looksLikeResult(body) ? body : internal(`Unexpected answer from the kiosk service (HTTP ${response.status})`);
    },

    on(event, listener) {
      if (!isEventName(event)) return () => {};
      source ??= openEvents(baseUrl + 'events');
      const events = source;
      const handler = (e: Event): void => {
        let payload: unknown;
        try {
          payload = JSON.parse(String((e as MessageEvent).data));
        } catch {
          return;
        }
        listener(payload);
      };
      events.addEventListener(event, handler);
      return () => events.removeEventListener(event, handler);
    },
  };
}
