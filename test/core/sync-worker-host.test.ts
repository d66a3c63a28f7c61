import { kioskKeys } from '../helpers/ledger-file.ts';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SyncStatusView } from '../../shared/contract/sync.ts';
import { openLedger } from '../../electron/core/ledger/db.ts';
import type { Logger } from '../../electron/core/infra/log.ts';
import { startSyncWorker, syncWorkerScript } from '../../electron/core/sync/sync-worker-host.ts';
import { freshDataDir } from '../helpers/demo-ledger.ts';
import { until } from '../helpers/until.ts';

type Line = { level: string; details: Record<string, unknown>; message: string };

function recordingLogger(lines: Line[]): Logger {
  const at = (level: string) => (details: Record<string, unknown>, message: string) => lines.push({ level, details, message });
  return { info: at('info'), warn: at('warn'), error: at('error') } as unknown as Logger;
}

describe('the sync worker host', () => {
  it('finds the worker: the TypeScript source through the tsx boot file, or the bundle beside the built core', () => {
    const source = syncWorkerScript('file:///app/electron/core/sync/sync-worker-host.ts');
    expect(source.file.href).toBe('file:///app/electron/core/sync/source-worker-boot.mjs');
    expect(source.sourceEntry).toBe('file:///app/electron/core/sync/sync-worker.ts');
    expect(syncWorkerScript('file:///app/dist/electron/main.mjs')).toEqual({ file: new URL('file:///app/dist/electron/sync-worker.mjs') });
  });

  it('passes on the worker’s status and logs, refuses an unreadable message, and starts a worker that died again until stopped', async () => {
    const dataDir = await freshDataDir();
    const ledgerFile = path.join(dataDir, 'ledger.sqlite');
    const db = await openLedger(ledgerFile, kioskKeys(dataDir).ledger);
    const lines: Line[] = [];
    const statuses: SyncStatusView[] = [];
    const host = startSyncWorker({
      db,
      ledgerFile,
      ledgerKey: kioskKeys(dataDir).ledger,
      credential: { hubUrl: 'http://127.0.0.1:9', deviceId: 'dev-1', branchId: 'MAD-01', credential: 'dev-1.secret-secret-secret-secret' },
      log: recordingLogger(lines),
      onStatus: (status) => statuses.push(status),
      intervalMs: 60_000,
      timeoutMs: 1_000,
      restartMs: 50,
      script: { file: new URL('../fixtures/sync-worker-that-dies.mjs', import.meta.url) },
    });
    try {
      await until(() => lines.filter((l) => l.message === 'the sync worker stopped; starting it again').length >= 2);
      expect(lines).toContainEqual({ level: 'warn', details: { state: 'offline', thread: 'sync' }, message: 'from the worker' });
      expect(lines).toContainEqual({ level: 'error', details: { problems: 4 }, message: 'the sync worker sent a message the kiosk cannot read' });
      expect(lines).toContainEqual({ level: 'error', details: { code: 3 }, message: 'the sync worker stopped; starting it again' });
      // Each life reported syncing, and each death was shown as offline with the outbox's count.
      expect(statuses.filter((s) => s.state === 'syncing').length).toBeGreaterThanOrEqual(2);
      expect(statuses).toContainEqual({ state: 'offline', lastSyncAt: null, waiting: 0, parked: 0 });
    } finally {
      host.stop();
    }
    const deaths = lines.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(lines.length).toBe(deaths);
    db.close();
  });
});
