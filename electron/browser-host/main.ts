import path from 'node:path';
import { redactText } from '../../shared/node/redact.ts';
import { createLogger } from '../core/log.ts';
import { createConfSettingsStore } from '../core/settings/conf-store.ts';
import { SettingsError, type Settings } from '../core/settings/schema.ts';
import { startCore } from '../core/kiosk-core.ts';
import { startBrowserHost } from './server.ts';
import { findChromium, hasDisplay, openKioskWindow } from './open-window.ts';

/** Command line for the browser host: `--open` opens a Chromium app window when a display exists. */
async function main(): Promise<void> {
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

  console.log(`OneBill Kiosk ${settings.kioskId} (${settings.branchName}): opening the ledger in ${dataDir}…`);
  const core = await startCore({ dataDir, settings });
  const host = await startBrowserHost({ core, rendererDir, port: Number(process.env.KIOSK_PORT ?? 0) });

  const chromium = findChromium();
  if (process.argv.includes('--open') && hasDisplay() && chromium) {
    openKioskWindow(host.launchUrl, chromium);
    console.log(`Kiosk window opened. Address: ${host.launchUrl}`);
  } else {
    console.log(`Kiosk ready. Open this address in a browser on this machine:\n  ${host.launchUrl}`);
  }

  const stop = async () => {
    await host.close();
    core.close();
    process.exit(0);
  };
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
