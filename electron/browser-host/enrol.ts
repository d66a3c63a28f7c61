import path from 'node:path';
import { redactText } from '../../shared/node/redact.ts';
import { createConfSettingsStore } from '../core/settings/conf-store.ts';
import { enrolWithHub, FileCredentialStore } from '../core/sync/enrolment.ts';
import { SyncError } from '../core/sync/transport.ts';
import { restrictUmask, securePrivateFolder } from '../core/security/data-folder.ts';
import { fileKeyStore, keyDirFor, type KeyStore } from '../core/security/key-store.ts';
import { LEDGER_FILE, openLedger } from '../core/ledger/db.ts';
import { auditChainKey } from '../core/audit/audit-log.ts';

/**
 * `npm run kiosk:enrol -- <hub-url> <code>`: enrols this kiosk (its data folder, its branch) with
 * a hub using a one-time code from headquarters. The next start syncs with that hub.
 */
async function main(): Promise<void> {
  restrictUmask(); // the key file it writes is this user's alone
  const [hubUrl, code] = process.argv.slice(2);
  if (!hubUrl || !code) {
    console.error('Usage: npm run kiosk:enrol -- <hub-url> <enrolment-code>');
    process.exit(2);
  }
  const dataDir = path.resolve(process.env.KIOSK_DATA_DIR ?? '.kiosk-data');
  const settings = createConfSettingsStore(dataDir).read();
  try {
    const keys = fileKeyStore(keyDirFor(dataDir));
    const credential = await enrolWithHub({
      hubUrl,
      code,
      deviceName: settings.kioskId,
      branchId: settings.branchId,
      store: new FileCredentialStore(keyDirFor(dataDir)),
      keys,
      auditKeyedFrom: await ledgerAuditKeyedFrom(dataDir, keys),
    });
    console.log(`Kiosk ${settings.kioskId} enrolled with ${credential.hubUrl} as device ${credential.deviceId} of branch ${credential.branchId}.`);
  } catch (err) {
    if (!(err instanceof SyncError)) throw err;
    console.error(`Not enrolled: ${redactText(err.message)}`);
    process.exit(1);
  }
}

/** Where this kiosk's audit chain is keyed from: its ledger says (opened, and made if it is not there yet, as the kiosk would). */
async function ledgerAuditKeyedFrom(dataDir: string, keys: KeyStore): Promise<number> {
  securePrivateFolder(dataDir);
  const { ledger, audit } = keys.keys();
  const db = await openLedger(path.join(dataDir, LEDGER_FILE), ledger);
  try {
    return auditChainKey(db, audit).keyedFrom;
  } finally {
    db.close();
  }
}

await main();
