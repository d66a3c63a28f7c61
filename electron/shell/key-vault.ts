import { rmSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../core/infra/log.ts';
import { FileVault, KEY_FILE, type SecretVault } from '../core/security/key-store.ts';
import { protectedByOs, type Keychain } from './credential-store.ts';

const SEALED_FILE = 'kiosk-keys.enc';

/**
 * The kiosk's keys (ledger, audit, branch PIN) sealed by the OS keychain through safeStorage, in
 * the key folder outside the data folder; without a real keychain, the 0600 file there. Keys a
 * command-line enrolment wrote as the plain file move into the keychain on the first read.
 */
export function createKeychainVault(keyDir: string, keychain: Keychain, log: Pick<Logger, 'info' | 'warn'>): SecretVault {
  const plain = new FileVault(keyDir);
  if (!protectedByOs(keychain)) {
    log.warn({}, 'no OS keychain: the kiosk keys are kept in a file only this user can read, outside the data folder');
    return plain;
  }
  // The sealed bytes are kept through a FileVault too (0600 in a 0700 folder, written by rename), as base64.
  const sealed = new FileVault(keyDir, SEALED_FILE);
  const write = (secret: string): void => {
    sealed.write(keychain.encryptString(secret).toString('base64'));
    rmSync(path.join(keyDir, KEY_FILE), { force: true });
  };
  return {
    read() {
      const blob = sealed.read();
      if (blob !== null) return keychain.decryptString(Buffer.from(blob, 'base64'));
      const enrolled = plain.read();
      if (enrolled !== null) {
        write(enrolled);
        log.info({}, 'the kiosk keys moved into the OS keychain');
      }
      return enrolled;
    },
    write,
  };
}
