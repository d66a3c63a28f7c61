import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { FileCredentialStore, type HubCredential } from '../../electron/core/sync/enrolment.ts';
import { createKeychainCredentialStore, type Keychain } from '../../electron/shell/credential-store.ts';

const credential: HubCredential = { hubUrl: 'https://hub.example', deviceId: 'dev-7', branchId: 'MAD-01', credential: 'dev-7.s3cret-s3cret-s3cret-s3cret' };

/** A keychain that really transforms the bytes (reversed, prefixed), so a plain copy on disk would show. */
function fakeKeychain(backend: ReturnType<Keychain['getSelectedStorageBackend']> = 'gnome_libsecret', available = true): Keychain {
  return {
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend,
    encryptString: (text: string) => Buffer.concat([Buffer.from('v10'), Buffer.from(text).reverse()]),
    decryptString: (bytes: Buffer) => Buffer.from(bytes.subarray(3)).reverse().toString(),
  };
}
const log = () => ({ info: vi.fn(), warn: vi.fn() });
const dataDir = () => mkdtempSync(path.join(os.tmpdir(), 'onebill-keychain-'));

describe('the hub credential in the OS keychain (Electron safeStorage)', () => {
  it('keeps it encrypted, for this user only, and reads it back', () => {
    const dir = dataDir();
    const store = createKeychainCredentialStore(dir, fakeKeychain(), log());
    expect(store.read()).toBeNull();
    store.write(credential);
    const file = path.join(dir, 'hub-credential.enc');
    expect(readFileSync(file).includes(credential.credential)).toBe(false);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(existsSync(path.join(dir, 'hub-credential.json'))).toBe(false);
    expect(createKeychainCredentialStore(dir, fakeKeychain(), log()).read()).toEqual(credential);
  });

  it('moves a credential enrolled from the command line (a plain file) into the keychain', () => {
    const dir = dataDir();
    new FileCredentialStore(dir).write(credential);
    const logger = log();
    expect(createKeychainCredentialStore(dir, fakeKeychain(), logger).read()).toEqual(credential);
    expect(existsSync(path.join(dir, 'hub-credential.json'))).toBe(false);
    expect(readFileSync(path.join(dir, 'hub-credential.enc')).includes(credential.credential)).toBe(false);
    expect(logger.info).toHaveBeenCalledWith({ deviceId: 'dev-7' }, 'the hub credential moved into the OS keychain');
  });

  it.runIf(process.platform === 'linux')('without a keyring (basic_text) or without encryption it keeps the 0600 file, and says so', () => {
    for (const keychain of [fakeKeychain('basic_text'), fakeKeychain('gnome_libsecret', false)]) {
      const dir = dataDir();
      const logger = log();
      createKeychainCredentialStore(dir, keychain, logger).write(credential);
      expect(JSON.parse(readFileSync(path.join(dir, 'hub-credential.json'), 'utf8'))).toEqual(credential);
      expect(existsSync(path.join(dir, 'hub-credential.enc'))).toBe(false);
      expect(logger.warn).toHaveBeenCalledOnce();
    }
  });

  it('an encrypted file that is not a credential is an error naming it (the kiosk then runs alone and says enrol again)', () => {
    const dir = dataDir();
    writeFileSync(path.join(dir, 'hub-credential.enc'), fakeKeychain().encryptString(JSON.stringify({ hubUrl: 'nope' })));
    expect(() => createKeychainCredentialStore(dir, fakeKeychain(), log()).read()).toThrow(/hub-credential\.enc is not a hub credential/);
  });
});
