import { afterEach, describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { DeviceError } from '../../electron/core/devices/errors.ts';
import { TerminalOutcome, type TerminalProgress } from '../../electron/core/devices/payment-terminal.ts';
import {
  instantTerminalDelays,
  PaymentTerminalSimulator,
  terminalStepForAmount,
  type TerminalStep,
} from '../../electron/core/devices/payment-terminal-simulator.ts';
import { journalOnDisk, rejection, tempDir } from './helpers.ts';

const EUR = (amountMinor: number, intentId: string, signal?: AbortSignal) => ({ intentId, amountMinor, currency: 'EUR', signal });
const instant = (dir = tempDir()) => new PaymentTerminalSimulator({ dir, delays: instantTerminalDelays });
/** Realistic delays, driven by fake timers. */
const timed = (dir = tempDir()) => new PaymentTerminalSimulator({ dir });


afterEach(() => {
  vi.useRealTimers();
});

describe('payment terminal simulator: outcomes', () => {
  it('approves with the brand, the last four digits and an authorization code, and shows each stage', async () => {
    const terminal = instant();
    const stages: TerminalProgress[] = [];
    terminal.onProgress((p) => stages.push(p));
    const outcome = await terminal.authorize(EUR(4200, 'intent-a'));
    expect(outcome).toEqual({ status: 'approved', authorizationCode: expect.stringMatching(/^[0-9A-Z]{6}$/), cardLast4: '4242', cardBrand: 'VISA' });
    expect(stages.map((s) => s.stage)).toEqual(['presentCard', 'processing', 'removeCard']);
    expect(stages.every((s) => s.intentId === 'intent-a')).toBe(true);
    expect(await terminal.lookup('intent-a')).toEqual(outcome);
  });

  it('gives the same authorization code for the same intent id on any run (deterministic)', async () => {
    const a = await instant().authorize(EUR(4200, 'intent-same'));
    const b = await instant().authorize(EUR(4200, 'intent-same'));
    expect(a).toEqual(b);
  });

  it('declines', async () => {
    const terminal = instant();
    terminal.script.next('decline');
    expect(await terminal.authorize(EUR(4200, 'intent-d'))).toEqual({ status: 'declined', reason: 'insufficientFunds' });
    expect(await terminal.lookup('intent-d')).toEqual({ status: 'declined', reason: 'insufficientFunds' });
  });

  it('times out only when nobody presents a card for the whole wait', async () => {
    vi.useFakeTimers();
    const terminal = timed();
    terminal.script.next('timeout');
    let settled: unknown = null;
    const done = terminal.authorize(EUR(4200, 'intent-t')).then((o) => (settled = o));
    await vi.advanceTimersByTimeAsync(59_999);
    expect(settled).toBeNull();
    expect(await terminal.lookup('intent-t')).toEqual({ status: 'pending' });
    await vi.advanceTimersByTimeAsync(1);
    await done;
    expect(settled).toEqual({ status: 'timedOut' });
  });

  it('is cancelled by the customer on the keypad', async () => {
    const terminal = instant();
    terminal.script.next('cancel');
    expect(await terminal.authorize(EUR(4200, 'intent-c'))).toEqual({ status: 'cancelled' });
  });

  it('loses the connection before the terminal hears of the intent: DeviceError, and the terminal knows nothing of it', async () => {
    const terminal = instant();
    terminal.script.next('disconnect');
    const error = await rejection(terminal.authorize(EUR(4200, 'intent-x')));
    expect(error).toMatchObject({ device: 'terminal', kind: 'disconnected' });
    expect(await terminal.lookup('intent-x')).toEqual({ status: 'unknown' });
    expect(terminal.records()).toEqual([]);
  });

  it('approves and then loses the connection: the caller sees DeviceError, the approval is found by intent id, a retry does not charge again', async () => {
    const terminal = instant();
    terminal.script.next('approveThenDisconnect');
    const error = await rejection(terminal.authorize(EUR(4200, 'intent-ad')));
    expect(error.kind).toBe('disconnected');
    const found = await terminal.lookup('intent-ad');
    expect(found).toMatchObject({ status: 'approved', cardLast4: '4242' });
    // The core retrying with the same intent id gets the same answer and no second charge.
    expect(await terminal.authorize(EUR(4200, 'intent-ad'))).toEqual(found);
    expect(terminal.records()).toHaveLength(1);
  });

  it.each<[number, TerminalStep]>([
    [4200, 'approve'],
    [4213, 'decline'],
    [4214, 'timeout'],
    [4215, 'cancel'],
    [4216, 'disconnect'],
    [4217, 'approveThenDisconnect'],
    [113, 'decline'],
  ])('without a script, amount %i means %s', (amountMinor, step) => {
    expect(terminalStepForAmount(amountMinor)).toBe(step);
  });

  it('follows the amount rules end to end when nothing is scripted', async () => {
    const terminal = instant();
    expect((await terminal.authorize(EUR(4213, 'r13'))).status).toBe('declined');
    expect((await terminal.authorize(EUR(4214, 'r14'))).status).toBe('timedOut');
    expect((await terminal.authorize(EUR(4215, 'r15'))).status).toBe('cancelled');
    expect((await rejection(terminal.authorize(EUR(4216, 'r16')))).kind).toBe('disconnected');
    expect((await rejection(terminal.authorize(EUR(4217, 'r17')))).kind).toBe('disconnected');
    expect((await terminal.lookup('r17')).status).toBe('approved');
  });

  it('uses scripted steps in order, then falls back to the amount rule', async () => {
    const terminal = instant();
    terminal.script.next('decline', 'approve');
    expect((await terminal.authorize(EUR(4200, 's1'))).status).toBe('declined');
    expect((await terminal.authorize(EUR(4213, 's2'))).status).toBe('approved');
    expect(terminal.script.pending).toBe(0);
    expect((await terminal.authorize(EUR(4213, 's3'))).status).toBe('declined');
  });

  it('leaves no approval in the journal on disk for a declined, timed-out or cancelled payment', async () => {
    const terminal = instant();
    terminal.script.next('decline', 'timeout', 'cancel');
    await terminal.authorize(EUR(4200, 'no-1'));
    await terminal.authorize(EUR(4200, 'no-2'));
    await terminal.authorize(EUR(4200, 'no-3'));
    const onDisk = journalOnDisk(terminal.journalFile);
    expect(Object.fromEntries(Object.entries(onDisk.records).map(([id, r]) => [id, r.outcome?.status]))).toEqual({
      'no-1': 'declined',
      'no-2': 'timedOut',
      'no-3': 'cancelled',
    });
    expect(readFileSync(terminal.journalFile, 'utf8')).not.toContain('approved');
  });
});

describe('payment terminal simulator: cancelling', () => {
  it('is cancelled through the AbortSignal while waiting for the card', async () => {
    vi.useFakeTimers();
    const terminal = timed();
    const controller = new AbortController();
    const result = terminal.authorize(EUR(4200, 'abort-1', controller.signal));
    await vi.advanceTimersByTimeAsync(500);
    controller.abort();
    expect(await result).toEqual({ status: 'cancelled' });
    expect(await terminal.lookup('abort-1')).toEqual({ status: 'cancelled' });
  });

  it('is cancelled by cancel(intentId) from the screen', async () => {
    vi.useFakeTimers();
    const terminal = timed();
    const result = terminal.authorize(EUR(4200, 'cancel-1'));
    await vi.advanceTimersByTimeAsync(500);
    await terminal.cancel('cancel-1');
    expect(await result).toEqual({ status: 'cancelled' });
  });

  it('cancels a timeout wait too', async () => {
    vi.useFakeTimers();
    const terminal = timed();
    terminal.script.next('timeout');
    const controller = new AbortController();
    const result = terminal.authorize(EUR(4200, 'abort-t', controller.signal));
    await vi.advanceTimersByTimeAsync(10_000);
    controller.abort();
    expect(await result).toEqual({ status: 'cancelled' });
  });

  it('cannot cancel once the card is read: the issuer approved, and that stands', async () => {
    vi.useFakeTimers();
    const terminal = timed();
    const stages: string[] = [];
    terminal.onProgress((p) => stages.push(p.stage));
    const controller = new AbortController();
    const result = terminal.authorize(EUR(4200, 'late', controller.signal));
    await vi.advanceTimersByTimeAsync(2000); // card presented
    expect(stages).toEqual(['presentCard', 'processing']);
    controller.abort();
    await vi.advanceTimersByTimeAsync(5000);
    expect((await result).status).toBe('approved');
  });

  it('treats an already aborted signal as a cancel and charges nothing', async () => {
    const terminal = instant();
    expect(await terminal.authorize(EUR(4200, 'pre', AbortSignal.abort()))).toEqual({ status: 'cancelled' });
  });
});

describe('payment terminal simulator: guards', () => {
  it('is busy while another payment is in progress, and for the same intent', async () => {
    vi.useFakeTimers();
    const terminal = timed();
    const first = terminal.authorize(EUR(4200, 'busy-1'));
    expect(await rejection(terminal.authorize(EUR(4200, 'busy-2')))).toMatchObject({ kind: 'busy' });
    expect(await rejection(terminal.authorize(EUR(4200, 'busy-1')))).toMatchObject({ kind: 'busy' });
    await vi.advanceTimersByTimeAsync(10_000);
    expect((await first).status).toBe('approved');
    expect(await terminal.lookup('busy-2')).toEqual({ status: 'unknown' });
  });

  it('refuses an intent id reused for another amount', async () => {
    const terminal = instant();
    await terminal.authorize(EUR(4200, 'same'));
    expect(await rejection(terminal.authorize(EUR(4300, 'same')))).toMatchObject({ kind: 'intentConflict' });
  });

  it('fails every call while the link is down, and works again once it is back', async () => {
    const terminal = instant();
    await terminal.authorize(EUR(4200, 'before'));
    terminal.disconnect();
    expect((await rejection(terminal.authorize(EUR(4200, 'during')))).kind).toBe('disconnected');
    expect((await rejection(terminal.lookup('before'))).kind).toBe('disconnected');
    expect((await rejection(terminal.cancel('before'))).kind).toBe('disconnected');
    terminal.reconnect();
    expect((await terminal.lookup('before')).status).toBe('approved');
    expect(await terminal.lookup('during')).toEqual({ status: 'unknown' });
  });

  it('rejects bad requests before the terminal is involved', async () => {
    const terminal = instant();
    await expect(terminal.authorize(EUR(0, 'zero'))).rejects.toThrow(RangeError);
    await expect(terminal.authorize(EUR(12.5, 'float'))).rejects.toThrow(RangeError);
    await expect(terminal.authorize({ intentId: 'cur', amountMinor: 100, currency: 'eur' })).rejects.toThrow(RangeError);
    await expect(terminal.authorize(EUR(100, ''))).rejects.toThrow(RangeError);
    expect(terminal.records()).toEqual([]);
  });

  it('never carries more than the last four digits of a card', async () => {
    expect(() => new PaymentTerminalSimulator({ dir: tempDir(), card: { brand: 'VISA', last4: '4111111111111111' } })).toThrow();
    const outcome = await instant().authorize(EUR(4200, 'pan'));
    expect(Object.keys(outcome).sort()).toEqual(['authorizationCode', 'cardBrand', 'cardLast4', 'status']);
    expect(TerminalOutcome.safeParse({ ...outcome, pan: '4111111111111111' }).success).toBe(false);
  });

  it('keeps going when a progress listener throws', async () => {
    const terminal = instant();
    terminal.onProgress(() => {
      throw new Error('screen gone');
    });
    expect((await terminal.authorize(EUR(4200, 'listener'))).status).toBe('approved');
  });

  it('stops telling an unsubscribed listener', async () => {
    const terminal = instant();
    const seen: string[] = [];
    const off = terminal.onProgress((p) => seen.push(p.stage));
    off();
    await terminal.authorize(EUR(4200, 'off'));
    expect(seen).toEqual([]);
  });

  it('maps to the DEVICE error code at the boundary, saying which device and why', () => {
    const error = new DeviceError('terminal', 'disconnected', 'the connection to the payment terminal was lost');
    expect(error.toKioskError().toData()).toEqual({ code: 'DEVICE', message: 'the connection to the payment terminal was lost', details: { device: 'terminal', kind: 'disconnected' } });
  });
});
