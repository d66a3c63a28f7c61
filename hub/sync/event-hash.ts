import { canonicalJson, sha256Hex } from '../../shared/node/hash.ts';
import type { OutboxEvent } from '../../shared/sync/protocol.ts';

/**
 * What an event says, as a hash: its type, the kiosk's time and its payload (not its id or place in
 * the sequence, which are what it is looked up by). The same event sent again hashes the same even
 * if its JSON was written with its keys in another order.
 */
export function eventHash(event: Pick<OutboxEvent, 'eventType' | 'occurredAt' | 'payload'>): string {
  return sha256Hex(canonicalJson({ eventType: event.eventType, occurredAt: event.occurredAt, payload: event.payload }));
}

const NUL = '\u0000';
// An unpaired surrogate: JSON.stringify writes it as a \uD8xx escape, which PostgreSQL's JSON refuses.
const LONE_SURROGATE = /\p{Cs}/gu;
const scrub = (text: string) => text.replaceAll(NUL, '\uFFFD').replace(LONE_SURROGATE, '\uFFFD');

/**
 * An event's payload as JSON PostgreSQL can store: JSONB (like TEXT) cannot hold U+0000 nor an
 * unpaired surrogate (an audit snapshot is free-form JSON and may carry one), so any in a key or a
 * string becomes U+FFFD. Only a payload that `holdsUnstorableText` is altered, and that one is
 * rejected: the stored copy is for staff to read, never to apply.
 */
export function storableJson(value: unknown): string {
  return JSON.stringify(value ?? null, (_key, v: unknown) => {
    if (typeof v === 'string') return scrub(v);
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [scrub(k), x]));
    return v;
  });
}

export function holdsUnstorableText(value: unknown): boolean {
  return storableJson(value) !== JSON.stringify(value ?? null);
}
