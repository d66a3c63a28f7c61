import { timingSafeEqual } from 'node:crypto';
import { sha256Hex } from '../../shared/node/hash.ts';

/**
 * Secrets (enrolment codes, device credentials, the operator token) are kept only as their
 * SHA-256. They are long random values, so a fast hash is enough: there is nothing to guess from
 * a digest (unlike a PIN, which needs a slow KDF).
 */
export const hashSecret = sha256Hex;

/** Compares two hex digests in constant time. */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer +(\S+)\s*$/i.exec(header ?? '');
  return match?.[1] ?? null;
}
