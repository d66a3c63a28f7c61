import path from 'node:path';
import type { Settings } from './settings/schema.ts';
import { createDispatcher, type Dispatch } from './ipc/dispatch.ts';
import { EventBus } from './infra/events.ts';
import { createLogger, type Logger } from './infra/log.ts';
import { LEDGER_FILE, openLedger } from './ledger/db.ts';
import { seedDemoIfEmpty } from './demo/seed.ts';
import { pinVerifiers } from '../../shared/node/pin.ts';
import { keyLegacyVerifiers } from './security/legacy-verifiers.ts';
import { auditChainKey } from './audit/audit-log.ts';
import type { PaymentDevices } from './devices/payment-devices.ts';
import { simulatedDevices } from './devices/simulated-devices.ts';
import { FileCredentialStore, type CredentialStore, type HubCredential } from './sync/enrolment.ts';
import { startSync } from './sync/sync-service.ts';
import { keyDirFor, fileKeyStore, type KeyStore } from './security/key-store.ts';
import { securePrivateFolder } from './security/data-folder.ts';
import type { SyncTransport } from './sync/transport.ts';
import { composeServices } from './services/core-services.ts';
import { coreChannels } from './channels/all-channels.ts';

export interface KioskCore {
  readonly settings: Settings;
  /** Validates and runs one contract call; never throws. */
  readonly dispatch: Dispatch;
  /** Core events (idle warning, session ended) for the host to forward to the screens. */
  readonly events: EventBus;
  close(): void;
}

export interface CoreOptions {
  /** Folder for the ledger database. */
  dataDir: string;
  settings: Settings;
  logger?: Logger;
  now?: () => Date;
  /** The card terminal, cash acceptor and receipt printer; simulators under dataDir by default. */
  devices?: PaymentDevices;
  /** Where the hub credential from enrolment is kept (a 0600 file in the key folder by default, never in dataDir: it reads the branch's customers from the hub; the OS keychain in Electron). */
  credentials?: CredentialStore;
  /** The ledger, audit and PIN keys, outside dataDir (a 0600 file in `<dataDir>-keys` by default; the OS keychain in Electron). */
  keys?: KeyStore;
  /** The hub for a credential (HTTP by default). */
  hubTransport?: (credential: HubCredential) => SyncTransport;
}

export { LEDGER_FILE };

/** Composes the core: the ledger, its services (services/core-services.ts) and the contract's handlers (channels/). Hosts only add transport. */
export async function startCore(options: CoreOptions): Promise<KioskCore> {
  const { settings } = options;
  const now = options.now ?? (() => new Date());
  const log = options.logger ?? createLogger();
  // 0700, its files 0600, and no start at all if new files (SQLite's -wal and -shm) would be readable by others.
  securePrivateFolder(options.dataDir);
  const keys = (options.keys ?? fileKeyStore(keyDirFor(options.dataDir))).keys();
  const ledgerFile = path.join(options.dataDir, LEDGER_FILE);
  const db = await openLedger(ledgerFile, keys.ledger);
  // Every PIN is checked with the branch's key: a verifier copied out of the ledger checks no guess.
  const pins = pinVerifiers(keys.branchPin);
  keyLegacyVerifiers(db, keys.branchPin);

  if (settings.demo.enabled) {
    const started = performance.now();
    const { seeded } = await seedDemoIfEmpty(db, {
      seed: settings.demo.seed,
      customers: settings.demo.customers,
      now: now(),
      branchId: settings.branchId,
      currency: settings.currency,
      countryCallingCode: settings.countryCallingCode,
      timeZone: settings.timeZone,
    }, pins);
    if (seeded) log.info({ customers: settings.demo.customers, ms: Math.round(performance.now() - started) }, 'demo branch loaded');
  }

  const events = new EventBus();
  const services = await composeServices({
    db,
    settings,
    pins,
    chain: auditChainKey(db, keys.audit),
    devices: options.devices ?? simulatedDevices(options.dataDir),
    events,
    log,
    now,
  });
  const sync = startSync({
    db,
    ledgerFile,
    ledgerKey: keys.ledger,
    store: options.credentials ?? new FileCredentialStore(keyDirFor(options.dataDir)),
    log,
    now,
    onStatus: (status) => events.emit('sync.status', status),
    ...(options.hubTransport ? { transport: options.hubTransport } : {}),
  });
  const { session, staff, payments } = services;

  return {
    settings,
    dispatch: createDispatcher(
      coreChannels(services, sync),
      log,
      (access) => {
        if (access === 'customer') return session.active;
        // Only a staff member's own calls (staff channels) keep assist mode alive: a customer's taps
        // on their own screens, and asking who is in assist mode, do not.
        if (!staff.active) return false;
        staff.touch();
        return true;
      },
      // A channel that writes for headquarters (the contract's `syncs`) lets the sync loop know at once.
      () => sync.wake(),
    ),
    events,
    close() {
      staff.end('signedOut');
      session.end('signedOut');
      sync.stop();
      payments.close();
      db.close();
    },
  };
}

