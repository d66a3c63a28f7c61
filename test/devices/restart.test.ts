import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CashAcceptorSimulator } from '../../electron/core/devices/cash-acceptor-simulator.ts';
import { instantTerminalDelays, PaymentTerminalSimulator } from '../../electron/core/devices/payment-terminal-simulator.ts';
import { journalOnDisk, tempDir } from './helpers.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');

/** Runs the crash fixture in a real child process and returns what it printed and how it died. */
function crash(device: 'terminal' | 'cash', dir: string, intentId: string, how: string) {
  const child = spawnSync(process.execPath, ['--import', 'tsx', path.join(here, 'fixtures/crash-device.ts'), device, dir, intentId, how], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 30_000,
  });
  const lines = child.stdout.trim().split('\n').filter(Boolean);
  return { status: child.status, signal: child.signal, stderr: child.stderr, printed: lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

// Each child process starts tsx (about a second, more on a loaded machine).
describe('device journals survive a restart', { timeout: 30_000 }, () => {
  it('a new terminal instance on the same directory finds an approval by intent id', async () => {
    const dir = tempDir();
    const before = new PaymentTerminalSimulator({ dir, delays: instantTerminalDelays });
    const approved = await before.authorize({ intentId: 'restart-1', amountMinor: 4200, currency: 'EUR' });
    const after = new PaymentTerminalSimulator({ dir, delays: instantTerminalDelays });
    expect(await after.lookup('restart-1')).toEqual(approved);
    expect(await after.lookup('never-sent')).toEqual({ status: 'unknown' });
  });

  it('finds the approval after the process exits abruptly right after it (process.exit(9))', async () => {
    const dir = tempDir();
    const run = crash('terminal', dir, 'crash-exit9', 'exit9-after-approval');
    expect(run.status, run.stderr).toBe(9);
    expect(run.printed).toEqual([expect.objectContaining({ status: 'approved' })]);
    const terminal = new PaymentTerminalSimulator({ dir, delays: instantTerminalDelays });
    expect(await terminal.lookup('crash-exit9')).toEqual(run.printed[0]);
  });

  it('finds the approval the crashed process never heard of (approved, link lost, SIGKILL)', async () => {
    const dir = tempDir();
    const run = crash('terminal', dir, 'crash-lost-link', 'sigkill-after-lost-link');
    expect(run.signal, run.stderr).toBe('SIGKILL');
    expect(run.printed).toEqual([{ error: 'disconnected' }]);
    const terminal = new PaymentTerminalSimulator({ dir, delays: instantTerminalDelays });
    expect(await terminal.lookup('crash-lost-link')).toMatchObject({ status: 'approved', cardLast4: '4242' });
  });

  it('settles a transaction cut off while waiting for the card as cancelled: nothing was charged', async () => {
    const dir = tempDir();
    const run = crash('terminal', dir, 'crash-presenting', 'sigkill-while-presenting');
    expect(run.signal, run.stderr).toBe('SIGKILL');
    expect(run.printed).toEqual([{ stage: 'presentCard' }]);
    expect(journalOnDisk(path.join(dir, 'terminal-journal.json')).records['crash-presenting']?.outcome).toBeNull();
    const terminal = new PaymentTerminalSimulator({ dir, delays: instantTerminalDelays });
    expect(await terminal.lookup('crash-presenting')).toEqual({ status: 'cancelled' });
  });

  it('a cash acceptor cut off mid-collection keeps and reports what was inserted', async () => {
    const dir = tempDir();
    const run = crash('cash', dir, 'crash-cash', 'sigkill-mid-collection');
    expect(run.signal, run.stderr).toBe('SIGKILL');
    expect(run.printed).toEqual([expect.objectContaining({ type: 'inserted', insertedMinor: 3000 })]);
    expect(journalOnDisk(path.join(dir, 'cashAcceptor-journal.json')).records['crash-cash']).toMatchObject({ outcome: null, insertedMinor: 3000 });
    const cash = new CashAcceptorSimulator({ dir });
    expect(await cash.lookup('crash-cash')).toEqual({ status: 'interrupted', insertedMinor: 3000 });
    expect(cash.records()[0]?.accepted).toEqual([1000, 2000]);
  });
});
