import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * The kiosk's secrets, kept OUTSIDE its data folder so a copy of that folder gives nothing away:
 * - ledger: the key the ledger file is encrypted with (SQLite3 Multiple Ciphers);
 * - audit: the HMAC key of the audit chain (the hub holds it too, so it can verify the chain);
 * - branchPin: the branch's key for PIN verifiers (shared/node/pin.ts), handed over by the hub at
 *   enrolment; a kiosk that never enrolled (demo) makes its own.
 */
export interface KioskKeys {
  readonly ledger: Buffer;
  readonly audit: Buffer;
  readonly branchPin: Buffer;
}

export interface KeyStore {
  /** The keys, made on first use. */
  keys(): KioskKeys;
  /** The hub's PIN key for this kiosk's branch (enrolment): verifiers from headquarters are keyed with it. */
  setBranchPinKey(key: Buffer): void;
}

/** Where the keys' blob is kept: sealed by the OS keychain (Electron's safeStorage) or a file only this user reads. */
export interface SecretVault {
  read(): string | null;
  write(secret: string): void;
}

export const KEY_BYTES = 32;
const Key = z.string().regex(/^[0-9a-f]{64}$/, 'must be 32 bytes in hex');
const StoredKeys = z.object({ version: z.literal(1), ledger: Key, audit: Key, branchPin: Key }).strict();
type StoredKeys = z.infer<typeof StoredKeys>;

const newKey = () => randomBytes(KEY_BYTES).toString('hex');

/**
 * A key store over a vault: keys are made once, then only ever read (a lost ledger key is a lost
 * ledger). Readers of an existing ledger (audit:verify) pass `create: false`: no keys is an error.
 */
export function createKeyStore(vault: SecretVault, options: { create?: boolean } = {}): KeyStore {
  let cached: StoredKeys | undefined;
  const load = (): StoredKeys => {
    if (cached) return cached;
    const blob = vault.read();
    if (blob === null) {
      if (options.create === false) throw new Error('there are no kiosk keys: the ledger cannot be opened without its key (set KIOSK_KEY_DIR)');
      cached = { version: 1, ledger: newKey(), audit: newKey(), branchPin: newKey() };
      vault.write(JSON.stringify(cached));
      return cached;
    }
    const parsed = StoredKeys.safeParse(JSON.parse(blob));
    if (!parsed.success) throw new Error('the kiosk key store is damaged: the ledger cannot be opened without its key');
    cached = parsed.data;
    return cached;
  };
  return {
    keys() {
      const k = load();
      return { ledger: Buffer.from(k.ledger, 'hex'), audit: Buffer.from(k.audit, 'hex'), branchPin: Buffer.from(k.branchPin, 'hex') };
    },
    setBranchPinKey(key) {
      if (key.length !== KEY_BYTES) throw new Error(`a branch PIN key is ${KEY_BYTES} bytes`);
      cached = { ...load(), branchPin: key.toString('hex') };
      vault.write(JSON.stringify(cached));
    },
  };
}

export const KEY_FILE = 'kiosk-keys.json';

/**
 * The key folder: $KIOSK_KEY_DIR, else `<data folder>-keys` next to the data folder, never inside
 * it, so copying the data folder leaves the keys behind.
 */
export function keyDirFor(dataDir: string): string {
  return path.resolve(process.env.KIOSK_KEY_DIR ?? `${path.resolve(dataDir)}-keys`);
}

/**
 * The keys in a 0600 file in a 0700 folder, for hosts without an OS keychain (the browser host, a
 * headless kiosk). Written to a temporary file and renamed: a crash leaves the old keys or the new.
 */
export class FileVault implements SecretVault {
  readonly #dir: string;
  readonly #file: string;

  constructor(keyDir: string, file = KEY_FILE) {
    this.#dir = keyDir;
    this.#file = path.join(keyDir, file);
  }

  read(): string | null {
    return existsSync(this.#file) ? readFileSync(this.#file, 'utf8') : null;
  }

  write(secret: string): void {
    mkdirSync(this.#dir, { recursive: true, mode: 0o700 });
    chmodSync(this.#dir, 0o700); // mkdir's mode only applies to a folder it creates
    const tmp = `${this.#file}.tmp`;
    writeFileSync(tmp, secret, { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.#file);
  }
}

/** The key store of a key folder (a 0600 file). */
export const fileKeyStore = (keyDir: string, options: { create?: boolean } = {}): KeyStore => createKeyStore(new FileVault(keyDir), options);
