import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createKeyStore, fileKeyStore, KEY_FILE } from '../../electron/core/security/key-store.ts';
import { createKeychainVault } from '../../electron/shell/key-vault.ts';
import type { Keychain } from '../../electron/shell/credential-store.ts';

/** A keychain that really transforms the bytes (reversed, prefixed), so a plain copy on disk would show. */
const fakeKeychain = (backend: ReturnType<Keychain['getSelectedStorageBackend']> = 'gnome_libsecret'): Keychain => ({
  isEncryptionAvailable: () => true,
  getSelectedStorageBackend: () => backend,
  encryptString: (text: string) => Buffer.concat([Buffer.from('v10'), Buffer.from(text).reverse()]),
  decryptString: (bytes: Buffer) => Buffer.from(bytes.subarray(3)).reverse().toString(),
});
const log = () => ({ info: vi.fn(), warn: vi.fn() });
const keyDir = () => path.join(mkdtempSync(path.join(os.tmpdir(), 'onebill-keys-')), 'kiosk-data-keys');

describe('the kiosk keys in the OS keychain (Electron safeStorage)', () => {
  it('makes the keys once, keeps them sealed in a 0600 file of a 0700 folder, and reads the same keys back', () => {
    const dir = keyDir();
    const keys = createKeyStore(createKeychainVault(dir, fakeKeychain(), log())).keys();
    const sealed = path.join(dir, 'kiosk-keys.enc');
    expect(readFileSync(sealed, 'utf8').includes(keys.ledger.toString('hex'))).toBe(false);
    expect(statSync(sealed).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(existsSync(path.join(dir, KEY_FILE))).toBe(false);
    expect(createKeyStore(createKeychainVault(dir, fakeKeychain(), log())).keys()).toEqual(keys);
  });

  it('moves keys a command-line enrolment wrote as the plain file into the keychain, with the branch PIN key it was given', () => {
    const dir = keyDir();
    const plain = fileKeyStore(dir);
    const branchPin = Buffer.alloc(32, 7);
    plain.setBranchPinKey(branchPin);
    const logger = log();
    expect(createKeyStore(createKeychainVault(dir, fakeKeychain(), logger)).keys()).toEqual({ ...plain.keys(), branchPin });
    expect(existsSync(path.join(dir, KEY_FILE))).toBe(false);
    expect(logger.info).toHaveBeenCalledWith({}, 'the kiosk keys moved into the OS keychain');
  });

  it('without a keyring (basic_text) keeps the 0600 file, and says so', () => {
    const dir = keyDir();
    const logger = log();
    const keys = createKeyStore(createKeychainVault(dir, fakeKeychain('basic_text'), logger)).keys();
    expect(JSON.parse(readFileSync(path.join(dir, KEY_FILE), 'utf8'))).toMatchObject({ ledger: keys.ledger.toString('hex') });
    expect(statSync(path.join(dir, KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(logger.warn).toHaveBeenCalled();
  });

  it('a reader of an existing ledger never makes keys: none there is an error', () => {
    expect(() => fileKeyStore(keyDir(), { create: false }).keys()).toThrow('there are no kiosk keys');
  });
});
