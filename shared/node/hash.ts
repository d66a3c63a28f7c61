import { createHash } from 'node:crypto';

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** JSON with every object's keys sorted: the same value gives the same text whatever order its keys came in. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * The payload hash a money fact is compared by wherever it is recorded (kiosk ledger, hub): same
 * idempotency key with another hash is a different fact, never a retry. Canonical JSON, because a
 * fact that travelled through PostgreSQL's JSONB comes back with its keys in another order.
 */
export function factHash(fact: unknown): string {
  return sha256Hex(canonicalJson(fact));
}
