import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];
/** How long Chromium may take to shut down before it is killed (and its profile deleted all the same). */
const SHUTDOWN_GRACE_MS = 5_000;
/** Retries, 100 ms apart, while Chromium's last helpers let go of the profile folder. */
const PROFILE_REMOVAL_RETRIES = 50;

export function findChromium(): string | undefined {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  return CHROMIUM_CANDIDATES.find((candidate) => existsSync(candidate));
}

export function hasDisplay(): boolean {
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY) || process.platform === 'win32' || process.platform === 'darwin';
}

/**
 * The throwaway profile's preferences, written before Chromium first reads them: no password
 * manager and no autofill, so the account numbers and PINs typed at the kiosk are never offered
 * for saving or kept for suggestions. (Keys as Chromium names them; chrome://prefs-internals shows
 * them user-controlled, test/security/browser-host-session.test.ts checks it.)
 */
export const PROFILE_PREFERENCES = Object.freeze({
  credentials_enable_service: false,
  credentials_enable_autosignin: false,
  autofill: { profile_enabled: false, credit_card_enabled: false },
});

/** The Chromium command line: nothing secret on it (the launch address is in the profile's launch file). */
export function kioskChromiumArgs(profileDir: string, launchFile: string, extraArgs: readonly string[] = []): string[] {
  return [
    `--app=${pathToFileURL(launchFile).href}`,
    '--kiosk',
    `--user-data-dir=${profileDir}`,
    '--no-first-run',
    '--no-default-browser-check',
    // Anything saved regardless stays in the profile we delete, never in the desktop's keyring.
    '--password-store=basic',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-translate',
    ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
    ...extraArgs,
  ];
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A new profile folder (0700) holding the preferences and the launch page (0600) that moves on to `launchUrl`. */
export function prepareProfile(launchUrl: string, tmpDir: string): { profileDir: string; launchFile: string } {
  const profileDir = mkdtempSync(path.join(tmpDir, 'onebill-kiosk-profile-'));
  mkdirSync(path.join(profileDir, 'Default'), { mode: 0o700 });
  writeFileSync(path.join(profileDir, 'Default', 'Preferences'), JSON.stringify(PROFILE_PREFERENCES), { mode: 0o600 });
  const launchFile = path.join(profileDir, 'launch.html');
  writeFileSync(
    launchFile,
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${escapeHtml(launchUrl)}"><title>OneBill Kiosk</title></head><body></body></html>`,
    { mode: 0o600 },
  );
  return { profileDir, launchFile };
}

export interface KioskWindow {
  /** The throwaway profile: gone once `exited` resolves. */
  readonly profileDir: string;
  /** Resolves when Chromium has exited and its profile is deleted. */
  readonly exited: Promise<void>;
  /** Asks Chromium to quit (killing it after a grace period) and waits for `exited`. */
  close(): Promise<void>;
}

export interface OpenKioskWindowOptions {
  chromium: string;
  /** Added to the command line (tests: --headless). */
  extraArgs?: readonly string[];
  /** Where the profile folder is made; the OS temp folder by default. */
  tmpDir?: string;
}

/**
 * Opens the kiosk in a Chromium app window in kiosk mode, with a throwaway profile that is deleted
 * when Chromium exits (or, as a last resort, when this process exits). The launch address carries a
 * one-time token, so it is not put on the command line, which any local user can read (`ps`): it is
 * written into a launch page inside the profile folder (0700, ours only) that moves on to it.
 */
export function openKioskWindow(launchUrl: string, options: OpenKioskWindowOptions): KioskWindow {
  const { profileDir, launchFile } = prepareProfile(launchUrl, options.tmpDir ?? os.tmpdir());
  const removeProfile = () => rmSync(profileDir, { recursive: true, force: true, maxRetries: 3 });
  process.once('exit', removeProfile);

  const child = spawn(options.chromium, kioskChromiumArgs(profileDir, launchFile, options.extraArgs), { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => {
    // Chromium's helper processes can still be writing into the profile for a moment after its
    // main process has exited, so the folder is removed with retries rather than once.
    const done = () => {
      void rm(profileDir, { recursive: true, force: true, maxRetries: PROFILE_REMOVAL_RETRIES, retryDelay: 100 })
        // Still there after the retries: the removal on this process's exit is the last resort.
        .catch(() => undefined)
        .then(() => {
          if (!existsSync(profileDir)) process.removeListener('exit', removeProfile);
          resolve();
        });
    };
    child.once('exit', done);
    // Chromium could not be started at all: there is no process to wait for.
    child.once('error', done);
  });

  return {
    profileDir,
    exited,
    async close() {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        child.kill('SIGTERM');
        const kill = setTimeout(() => child.kill('SIGKILL'), SHUTDOWN_GRACE_MS);
        await exited;
        clearTimeout(kill);
      }
      await exited;
    },
  };
}
