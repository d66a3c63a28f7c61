import { chmodSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Owner only: files the kiosk makes (ledger, -wal, -shm, journals, settings) are never group or world readable. */
export const PRIVATE_UMASK = 0o077;

/** Hosts call this first thing: every file and folder made afterwards is the owner's alone. */
export function restrictUmask(): void {
  process.umask(PRIVATE_UMASK);
}

/**
 * Makes the data folder 0700, tightens what an older version left 0644, and refuses to start when
 * a new file would still be readable by others (the host did not set the umask): SQLite makes the
 * -wal and -shm files later with the process's umask, where no chmod follows.
 */
export function securePrivateFolder(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  tighten(dir);
  const probe = path.join(dir, `.umask-check-${process.pid}`);
  writeFileSync(probe, '');
  const mode = statSync(probe).mode & 0o777;
  rmSync(probe);
  if ((mode & PRIVATE_UMASK) !== 0) {
    throw new Error(
      `new files in ${dir} would be readable by other users (mode ${mode.toString(8)}): start the kiosk with umask 077 (restrictUmask() in the host)`,
    );
  }
}

function tighten(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const at = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      chmodSync(at, 0o700);
      tighten(at);
    } else if (entry.isFile()) chmodSync(at, 0o600);
  }
}
