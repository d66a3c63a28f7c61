import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DeviceError } from '../../electron/core/devices/errors.ts';
import { instantTerminalDelays, PaymentTerminalSimulator } from '../../electron/core/devices/payment-terminal-simulator.ts';
import { tempDir } from './helpers.ts';

const open = (dir: string) => new PaymentTerminalSimulator({ dir, delays: instantTerminalDelays });

describe('device journal file', () => {
  it('is versioned JSON named after the device', async () => {
    const dir = tempDir();
    const terminal = open(dir);
    await terminal.authorize({ intentId: 'j1', amountMinor: 100, currency: 'EUR' });
    expect(terminal.journalFile).toBe(path.join(dir, 'terminal-journal.json'));
    expect(JSON.parse(readFileSync(terminal.journalFile, 'utf8'))).toMatchObject({ version: 1, device: 'terminal', records: { j1: { amountMinor: 100 } } });
  });

  it('ignores and removes a temp file left by a crash mid-write (the rename never happened)', async () => {
    const dir = tempDir();
    await open(dir).authorize({ intentId: 'kept', amountMinor: 100, currency: 'EUR' });
    const temp = path.join(dir, 'terminal-journal.json.tmp');
    writeFileSync(temp, '{"version":1,"device":"terminal","rec');
    const terminal = open(dir);
    expect(existsSync(temp)).toBe(false);
    expect((await terminal.lookup('kept')).status).toBe('approved');
  });

  it('refuses to start on a damaged journal rather than forget its approvals', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'terminal-journal.json'), '{"version":1,"device":"terminal","records":{"x":{"outcome":"maybe"}}}');
    expect(() => open(dir)).toThrow(DeviceError);
    writeFileSync(path.join(dir, 'terminal-journal.json'), 'not json');
    expect(() => open(dir)).toThrow(expect.objectContaining({ kind: 'journal' }));
  });

  it('creates the directory it is given', async () => {
    const dir = path.join(tempDir(), 'devices', 'terminal');
    await open(dir).authorize({ intentId: 'j2', amountMinor: 100, currency: 'EUR' });
    expect(existsSync(path.join(dir, 'terminal-journal.json'))).toBe(true);
  });
});
