import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * PINs are stored as scrypt hashes (a slow, memory-hard KDF) with a per-customer salt. The cost
 * parameters travel in the stored string so they can be raised later without breaking old hashes.
 * N=2^14, r=8 costs ~45 ms and 16 MiB per attempt on a kiosk's CPU.
 */
const DEFAULT = { N: 2 ** 14, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

function derive(pin: string, salt: Buffer, params: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(pin, salt, KEY_LENGTH, { ...params, maxmem: 256 * 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPin(pin: string, salt: Buffer = randomBytes(16)): Promise<string> {
  const key = await derive(pin, salt, DEFAULT);
  return ['scrypt', DEFAULT.N, DEFAULT.r, DEFAULT.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPin(pin: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await derive(pin, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p) });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/**
 * Spent on unknown identifiers so a wrong account number takes as long as a wrong PIN: one KDF
 * run, the very first time too (the decoy is random bytes in a verifier's shape, not a hash made
 * on the spot), against a verifier no PIN matches.
 */
const decoy = ['scrypt', DEFAULT.N, DEFAULT.r, DEFAULT.p, randomBytes(16).toString('base64'), randomBytes(KEY_LENGTH).toString('base64')].join('$');
export async function burnPinCheck(pin: string): Promise<void> {
  await verifyPin(pin, decoy);
}
