import { createHash } from 'node:crypto';

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * The payload hash a money fact is compared by wherever it is recorded (kiosk ledger, hub): same
 * idempotency key with another hash is a different fact, never a retry.
 */
export function factHash(fact: unknown): string {
  return sha256Hex(JSON.stringify(fact));
}
