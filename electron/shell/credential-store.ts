import { chmodSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { SafeStorage } from 'electron';
import type { Logger } from '../core/infra/log.ts';
import { FileCredentialStore, HubCredential, type CredentialStore } from '../core/sync/enrolment.ts';

export type Keychain = Pick<SafeStorage, 'isEncryptionAvailable' | 'getSelectedStorageBackend' | 'encryptString' | 'decryptString'>;

/**
 * Without a keyring Electron's safeStorage "encrypts" with a fixed key (basic_text): no better
 * than a file only this user can read, so that file it is.
 */
export function protectedByOs(keychain: Keychain): boolean {
  if (!keychain.isEncryptionAvailable()) return false;
  return process.platform !== 'linux' || keychain.getSelectedStorageBackend() !== 'basic_text';
}

/**
 * The hub credential encrypted by the OS keychain (DPAPI, Keychain, libsecret/kwallet) through
 * safeStorage, where the OS has one; otherwise the 0600 file. A credential written as a plain
 * file (by `npm run kiosk:enrol`, which runs without Electron) moves into the keychain on the
 * first read and the plain file is removed.
 */
export function createKeychainCredentialStore(keyDir: string, keychain: Keychain, log: Pick<Logger, 'info' | 'warn'>): CredentialStore {
  const plain = new FileCredentialStore(keyDir);
  if (!protectedByOs(keychain)) {
    log.warn({}, 'no OS keychain: the hub credential is kept in a file only this user can read');
    return plain;
  }
  const file = path.join(keyDir, 'hub-credential.enc');
  const plainFile = path.join(keyDir, 'hub-credential.json');
  const write = (credential: HubCredential): void => {
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, keychain.encryptString(JSON.stringify(HubCredential.parse(credential))), { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, file);
    rmSync(plainFile, { force: true });
  };
  return {
    read() {
      if (existsSync(file)) {
        const parsed = HubCredential.safeParse(JSON.parse(keychain.decryptString(readFileSync(file))));
        if (!parsed.success) throw new Error(`${file} is not a hub credential; enrol this kiosk again`);
        return parsed.data;
      }
      const enrolled = plain.read();
      if (enrolled) {
        write(enrolled);
        log.info({ deviceId: enrolled.deviceId }, 'the hub credential moved into the OS keychain');
      }
      return enrolled;
    },
    write,
  };
}
