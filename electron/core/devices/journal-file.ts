import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DeviceError, type DeviceName } from './errors.ts';

/**
 * A simulated device's non-volatile memory: one JSON file of records keyed by intent id.
 *
 * A real terminal or cash acceptor keeps its transactions across a power cut and can be asked
 * about them afterwards; that is what lets the core reconcile an intent after a crash (docs/architecture.md §3).
 * Every change rewrites the whole file as write-temp, fsync, rename, fsync-directory, so a crash
 * at any instant leaves either the old file or the new one, never half of one.
 *
 * The writes are synchronous on purpose: the journal is tiny, a record must be on disk before the
 * device reports the outcome it describes, and no asynchronous I/O sits between the simulators'
 * timers, so vitest's fake timers can drive a whole transaction.
 *
 * One process owns a journal at a time (as one host owns a real device).
 */
export class JsonJournal<R> {
  readonly file: string;
  readonly #records = new Map<string, R>();

  private constructor(
    readonly device: DeviceName,
    readonly dir: string,
  ) {
    this.file = path.join(dir, `${device}-journal.json`);
  }

  /** Loads the journal in `dir`, or starts an empty one. A journal that fails to parse is an error, never a fresh start: that would forget approvals. */
  static open<R>(device: DeviceName, dir: string, record: z.ZodType<R>): JsonJournal<R> {
    const journal = new JsonJournal<R>(device, dir);
    mkdirSync(dir, { recursive: true });
    // A temp file is what a crash mid-write leaves behind; the rename never happened, so it is not the journal.
    rmSync(journal.#tempFile(), { force: true });
    let text: string;
    try {
      text = readFileSync(journal.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return journal;
      throw new DeviceError(device, 'journal', `cannot read the ${device} journal`, { cause: error });
    }
    const parsed = z.object({ version: z.literal(1), device: z.literal(device), records: z.record(z.string(), record) }).safeParse(parseJson(text));
    if (!parsed.success) throw new DeviceError(device, 'journal', `the ${device} journal is not valid: ${parsed.error.message}`);
    for (const [id, value] of Object.entries(parsed.data.records)) journal.#records.set(id, value as R);
    return journal;
  }

  get(id: string): R | undefined {
    return this.#records.get(id);
  }

  entries(): IterableIterator<[string, R]> {
    return this.#records.entries();
  }

  /** Stores a record durably; it is on disk when this returns. */
  put(id: string, record: R): void {
    const previous = this.#records.get(id);
    this.#records.set(id, record);
    try {
      this.#flush();
    } catch (error) {
      // Memory must not claim what the disk does not hold.
      if (previous === undefined) this.#records.delete(id);
      else this.#records.set(id, previous);
      throw new DeviceError(this.device, 'journal', `cannot write the ${this.device} journal`, { cause: error });
    }
  }

  #tempFile(): string {
    return `${this.file}.tmp`;
  }

  #flush(): void {
    const text = JSON.stringify({ version: 1, device: this.device, records: Object.fromEntries(this.#records) }, null, 1);
    const temp = this.#tempFile();
    const fd = openSync(temp, 'w');
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, this.file);
    fsyncDirectory(this.dir);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Makes the rename itself durable. Windows cannot open a directory for fsync (and its rename is journaled by NTFS). */
function fsyncDirectory(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
