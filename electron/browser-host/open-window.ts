import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

export function findChromium(): string | undefined {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  return CHROMIUM_CANDIDATES.find((candidate) => existsSync(candidate));
}

export function hasDisplay(): boolean {
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY) || process.platform === 'win32' || process.platform === 'darwin';
}

/** Opens the kiosk in a Chromium app window in kiosk mode, with a throwaway profile. */
export function openKioskWindow(url: string, chromium: string): void {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'onebill-kiosk-profile-'));
  const child = spawn(
    chromium,
    [
      `--app=${url}`,
      '--kiosk',
      `--user-data-dir=${profile}`,
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-translate',
      ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
    ],
    { stdio: 'ignore', detached: true },
  );
  child.unref();
}
