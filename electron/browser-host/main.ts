import path from 'node:path';
import { redactText } from '../../shared/node/redact.ts';
import { createLogger } from '../core/infra/log.ts';
import { createConfSettingsStore } from '../core/settings/conf-store.ts';
import { SettingsError, type Settings } from '../core/settings/schema.ts';
import { startCore } from '../core/kiosk-core.ts';
import { restrictUmask } from '../core/security/data-folder.ts';
import { LAUNCH_TOKEN_TTL_MS, startBrowserHost, type BrowserHost } from './server.ts';
import { findChromium, hasDisplay, openKioskWindow, type KioskWindow } from './open-window.ts';

/**
 * The launch address goes to the terminal (stdout), never to the structured log (stderr): whoever
 * starts the kiosk without a window needs it to open the screens. It is worth nothing once used or
 * after LAUNCH_TOKEN_TTL_MS, so a copy left in scroll-back or a captured stdout gives nothing away.
 */
function printLaunchAddress(host: BrowserHost, heading: string): void {
  const minutes = Math.round(LAUNCH_TOKEN_TTL_MS / 60_000);
  console.log(`${heading} Open this address in a browser on this machine; it works once, within ${minutes} minutes:\n  ${host.newLaunchUrl()}`);
  if (process.stdin.isTTY) console.log('Press Enter here for a new address.');
}

/** Command line for the browser host: `--open` opens a Chromium app window when a display exists. */
async function main(): Promise<void> {
  // Before any file is made: the ledger, its -wal and -shm, settings and keys are this user's alone.
  restrictUmask();
  const dataDir = path.resolve(process.env.KIOSK_DATA_DIR ?? '.kiosk-data');
  const rendererDir = path.resolve(process.env.KIOSK_RENDERER_DIR ?? 'dist/renderer');
  let settings: Settings;
  try {
    settings = createConfSettingsStore(dataDir).read();
  } catch (err) {
    if (err instanceof SettingsError) {
      console.error(redactText(err.message));
      process.exit(2);
    }
    throw err;
  }

  const log = createLogger();
  console.log(`OneBill Kiosk ${settings.kioskId} (${settings.branchName}): opening the ledger in ${dataDir}…`);
  // The keys: a 0600 file in $KIOSK_KEY_DIR, else `<data folder>-keys` (the core's default).
  const core = await startCore({ dataDir, settings, logger: log });
  const host = await startBrowserHost({ core, rendererDir, port: Number(process.env.KIOSK_PORT ?? 0), log });

  let window: KioskWindow | undefined;
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await window?.close();
    await host.close();
    core.close();
    process.exit(0);
  };

  const chromium = findChromium();
  if (process.argv.includes('--open') && hasDisplay() && chromium) {
    window = openKioskWindow(host.newLaunchUrl(), { chromium });
    console.log(`Kiosk window opened on ${host.origin}. Closing it stops the kiosk.`);
    // As in Electron, the kiosk is its window: when the window goes, so does the kiosk.
    void window.exited.then(stop);
  } else {
    printLaunchAddress(host, 'Kiosk ready.');
    if (process.stdin.isTTY) process.stdin.on('data', () => printLaunchAddress(host, 'New address (the previous one no longer works).'));
  }

  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

try {
  await main();
} catch (err) {
  // Through the redacting logger, not Node's raw stack trace: what failed may quote customer data.
  createLogger().fatal({ err }, 'the kiosk could not start');
  process.exit(1);
}
