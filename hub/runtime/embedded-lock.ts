import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Embedded PostgreSQL is one process per data folder, so a hub serving a folder says so in a
 * file there: a second `serve` refuses to start, and `enrol`, `revoke` and `devices` send their
 * command to the running hub (its address and operator token are in the file, readable by its
 * owner only) instead of opening the folder a second time. A real server (DATABASE_URL) needs none
 * of this.
 */
const FILE = 'hub-process.json';

export interface RunningHub {
  pid: number;
  /** Null while the hub is still starting (migrating, seeding). */
  url: string | null;
  operatorToken: string | null;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The hub process serving `dataDir`, or null (a file left by a process that died does not count). */
export function runningHub(dataDir: string): RunningHub | null {
  try {
    const info = JSON.parse(readFileSync(path.join(dataDir, FILE), 'utf8')) as RunningHub;
    return alive(info.pid) ? info : null;
  } catch {
    return null;
  }
}

export interface DataDirLock {
  publish(info: Omit<RunningHub, 'pid'>): void;
  release(): void;
}

/** Claims `dataDir` for this process, or throws naming the process that has it. */
export function claimDataDir(dataDir: string): DataDirLock {
  const file = path.join(dataDir, FILE);
  const holder = runningHub(dataDir);
  if (holder) throw new Error(`Another hub process (pid ${holder.pid}) is using ${dataDir}; stop it first.`);
  mkdirSync(dataDir, { recursive: true });
  rmSync(file, { force: true });
  // 'wx': created by exactly one of two processes racing here.
  const write = (info: RunningHub, flag: 'wx' | 'w') => writeFileSync(file, JSON.stringify(info), { mode: 0o600, flag });
  write({ pid: process.pid, url: null, operatorToken: null }, 'wx');
  return {
    publish: (info) => write({ pid: process.pid, ...info }, 'w'),
    release: () => rmSync(file, { force: true }),
  };
}
