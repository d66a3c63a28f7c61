import { createHmac, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * PIN verifiers: scrypt (slow, memory-hard, per-customer salt) keyed with the branch's PIN key,
 * `scrypt-hmac$<key id>$N$r$p$salt$HMAC-SHA256(key, scrypt(pin, salt))`. A 4-digit PIN falls to
 * 10,000 scrypt runs, so the scrypt output alone must not tell a right PIN: without the key (held
 * by the hub and each kiosk's key store, never in the data folder) no guess can be checked. The
 * cost parameters travel in the string so they can be raised later; the key id (derived from the
 * key, it reveals nothing) says which key a verifier was made with.
 * N=2^14, r=8 costs ~45 ms and 16 MiB per attempt on a kiosk's CPU.
 */
export interface PinCost {
  N: number;
  r: number;
  p: number;
}
const DEFAULT: PinCost = { N: 2 ** 14, r: 8, p: 1 };
const KEY_LENGTH = 32;
const SCHEME = 'scrypt-hmac';

function derive(pin: string, salt: Buffer, params: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(pin, salt, KEY_LENGTH, { ...params, maxmem: 256 * 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

const mac = (key: Buffer, derived: Buffer) => createHmac('sha256', key).update(derived).digest();
export const pinKeyId = (key: Buffer): string => createHmac('sha256', key).update('onebill pin key id').digest('hex').slice(0, 8);

/** Hashing and checking PINs with one branch key; services get this, never the key. */
export interface PinVerifiers {
  /** The id every verifier made with this key starts with (`scrypt-hmac$<id>$`). */
  readonly keyId: string;
  /** A lower `cost` only where many verifiers are made and checked at once (the simulation, tests that try every PIN). */
  hash(pin: string, cost?: PinCost, salt?: Buffer): Promise<string>;
  verify(pin: string, stored: string): Promise<boolean>;
  /**
   * Spent on unknown identifiers so a wrong account number takes as long as a wrong PIN: one KDF
   * run and one HMAC, the very first time too (the decoy is random bytes in a verifier's shape,
   * not a hash made on the spot), against a verifier no PIN matches.
   */
  burn(pin: string): Promise<void>;
}

export function pinVerifiers(key: Buffer): PinVerifiers {
  if (key.length !== KEY_LENGTH) throw new Error(`a branch PIN key is ${KEY_LENGTH} bytes`);
  const keyId = pinKeyId(key);
  const format = (salt: Buffer, tag: Buffer, cost = DEFAULT) => [SCHEME, keyId, cost.N, cost.r, cost.p, salt.toString('base64'), tag.toString('base64')].join('$');
  const verify = async (pin: string, stored: string): Promise<boolean> => {
    const [scheme, id, n, r, p, salt, tag] = stored.split('$');
    if (scheme !== SCHEME || !salt || !tag) return false;
    const expected = Buffer.from(tag, 'base64');
    const actual = mac(key, await derive(pin, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p) }));
    // Made with another key (before an enrolment): the same work, and no match.
    return id === keyId && actual.length === expected.length && timingSafeEqual(actual, expected);
  };
  const decoy = format(randomBytes(16), randomBytes(KEY_LENGTH));
  return {
    keyId,
    hash: async (pin, cost = DEFAULT, salt = randomBytes(16)) => format(salt, mac(key, await derive(pin, salt, cost)), cost),
    verify,
    burn: async (pin) => {
      await verify(pin, decoy);
    },
  };
}

/**
 * A verifier from before PINs were keyed (`scrypt$N$r$p$salt$hash`) keyed now, without the PIN:
 * the HMAC goes over the stored scrypt output. Null for anything else (already keyed, or not a verifier).
 */
export function keyLegacyVerifier(stored: string, key: Buffer): string | null {
  const [scheme, n, r, p, salt, hash, ...rest] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash || rest.length > 0) return null;
  return [SCHEME, pinKeyId(key), n, r, p, salt, mac(key, Buffer.from(hash, 'base64')).toString('base64')].join('$');
}
