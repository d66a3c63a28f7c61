import { afterEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import type { CashProgress } from '../../electron/core/devices/cash-acceptor.ts';
import {
  CashAcceptorSimulator,
  cashStepForAmount,
  EUR_DENOMINATIONS,
  instantCashDelays,
  payingDenominations,
} from '../../electron/core/devices/cash-acceptor-simulator.ts';
import { rejection, tempDir } from './helpers.ts';

const due = (amountDueMinor: number, intentId: string, signal?: AbortSignal) => ({ intentId, amountDueMinor, currency: 'EUR', signal });
const instant = () => new CashAcceptorSimulator({ dir: tempDir(), delays: instantCashDelays });
const timed = () => new CashAcceptorSimulator({ dir: tempDir() });


afterEach(() => {
  vi.useRealTimers();
});

describe('cash acceptor simulator', () => {
  it('takes EUR notes of 5, 10, 20, 50 and coins of 1 and 2, and nothing else', () => {
    const cash = instant();
    expect(cash.acceptedDenominations('EUR')).toEqual([100, 200, 500, 1000, 2000, 5000]);
    expect(cash.acceptedDenominations('USD')).toEqual([]);
  });

  it('collects toward the amount due, reporting a running total, and exposes the overpayment as change', async () => {
    const cash = instant();
    const progress: CashProgress[] = [];
    cash.onProgress((p) => progress.push(p));
    // 42.34 €: 20 + 20 + 2, then a 1 € coin for the 0.34 left → 43.00, 0.66 over.
    expect(await cash.collect(due(4234, 'cash-1'))).toEqual({ status: 'collected', insertedMinor: 4300, changeMinor: 66 });
    expect(progress).toEqual([
      { type: 'inserted', intentId: 'cash-1', denominationMinor: 2000, insertedMinor: 2000, remainingMinor: 2234 },
      { type: 'inserted', intentId: 'cash-1', denominationMinor: 2000, insertedMinor: 4000, remainingMinor: 234 },
      { type: 'inserted', intentId: 'cash-1', denominationMinor: 200, insertedMinor: 4200, remainingMinor: 34 },
      { type: 'inserted', intentId: 'cash-1', denominationMinor: 100, insertedMinor: 4300, remainingMinor: 0 },
    ]);
    expect(cash.records()[0]).toMatchObject({ accepted: [2000, 2000, 200, 100], insertedMinor: 4300 });
    expect(await cash.lookup('cash-1')).toEqual({ status: 'collected', insertedMinor: 4300, changeMinor: 66 });
  });

  it('collects an exact amount with no change, and stops taking notes once the amount is reached', async () => {
    const cash = instant();
    cash.script.next({ insert: [2000, 500, 5000] });
    expect(await cash.collect(due(2500, 'exact'))).toEqual({ status: 'collected', insertedMinor: 2500, changeMinor: 0 });
    expect(cash.records()[0]?.accepted).toEqual([2000, 500]);
  });

  it('hands back a note it does not take, and does not count it', async () => {
    const cash = instant();
    const progress: CashProgress[] = [];
    cash.onProgress((p) => progress.push(p));
    cash.script.next({ insert: [10000, 5000] });
    expect(await cash.collect(due(4000, 'rejected'))).toEqual({ status: 'collected', insertedMinor: 5000, changeMinor: 1000 });
    expect(progress[0]).toEqual({ type: 'rejected', intentId: 'rejected', denominationMinor: 10000 });
  });

  it('times out when the customer walks away, keeping and reporting the escrow', async () => {
    vi.useFakeTimers();
    const cash = timed();
    cash.script.next({ insert: [500], then: 'wait' });
    let settled: unknown = null;
    const done = cash.collect(due(2000, 'walk-away')).then((o) => (settled = o));
    await vi.advanceTimersByTimeAsync(1200); // the 5 € note goes in
    expect(await cash.lookup('walk-away')).toEqual({ status: 'pending', insertedMinor: 500 });
    await vi.advanceTimersByTimeAsync(44_999);
    expect(settled).toBeNull();
    await vi.advanceTimersByTimeAsync(1);
    await done;
    expect(settled).toEqual({ status: 'timedOut', insertedMinor: 500 });
    expect(await cash.lookup('walk-away')).toEqual({ status: 'timedOut', insertedMinor: 500 });
  });

  it('is cancelled by the customer and hands the escrow back', async () => {
    const cash = instant();
    cash.script.next({ insert: [500, 200], then: 'cancel' });
    expect(await cash.collect(due(2000, 'cancel'))).toEqual({ status: 'cancelled', insertedMinor: 700, returnedMinor: 700 });
  });

  it('is cancelled through the AbortSignal mid-collection, returning what went in', async () => {
    vi.useFakeTimers();
    const cash = timed();
    const controller = new AbortController();
    const result = cash.collect(due(4500, 'abort', controller.signal));
    await vi.advanceTimersByTimeAsync(1200); // a 20 € note
    controller.abort();
    expect(await result).toEqual({ status: 'cancelled', insertedMinor: 2000, returnedMinor: 2000 });
  });

  it('is cancelled by cancel(intentId) from the screen', async () => {
    vi.useFakeTimers();
    const cash = timed();
    const result = cash.collect(due(4500, 'screen-cancel'));
    await vi.advanceTimersByTimeAsync(100);
    await cash.cancel('screen-cancel');
    expect(await result).toEqual({ status: 'cancelled', insertedMinor: 0, returnedMinor: 0 });
  });

  it('loses the link mid-collection: DeviceError, and the acceptor reports what it kept', async () => {
    const cash = instant();
    cash.script.next({ insert: [1000], then: 'disconnect' });
    expect(await rejection(cash.collect(due(2000, 'lost')))).toMatchObject({ device: 'cashAcceptor', kind: 'disconnected' });
    expect(await cash.lookup('lost')).toEqual({ status: 'interrupted', insertedMinor: 1000 });
    // The intent is closed: the core settles it and starts a new one.
    expect((await rejection(cash.collect(due(2000, 'lost')))).kind).toBe('intentConflict');
  });

  it('fails every call while the link is down', async () => {
    const cash = instant();
    cash.disconnect();
    expect((await rejection(cash.collect(due(2000, 'down')))).kind).toBe('disconnected');
    expect((await rejection(cash.lookup('down'))).kind).toBe('disconnected');
    cash.reconnect();
    expect(await cash.lookup('down')).toEqual({ status: 'unknown' });
  });

  it('returns the recorded outcome for an intent it already finished, taking nothing more', async () => {
    const cash = instant();
    const first = await cash.collect(due(2500, 'again'));
    const progress: CashProgress[] = [];
    cash.onProgress((p) => progress.push(p));
    expect(await cash.collect(due(2500, 'again'))).toEqual(first);
    expect(progress).toEqual([]);
    expect((await rejection(cash.collect(due(2600, 'again')))).kind).toBe('intentConflict');
  });

  it('is busy while collecting', async () => {
    vi.useFakeTimers();
    const cash = timed();
    void cash.collect(due(2500, 'busy-1'));
    expect((await rejection(cash.collect(due(2500, 'busy-2')))).kind).toBe('busy');
    expect((await rejection(cash.collect(due(2500, 'busy-1')))).kind).toBe('busy');
    await cash.cancel('busy-1');
  });

  it('refuses a currency it does not take', async () => {
    const cash = instant();
    expect((await rejection(cash.collect({ intentId: 'usd', amountDueMinor: 100, currency: 'USD' }))).kind).toBe('unsupported');
  });

  it('follows the amount rules when nothing is scripted: 14 walks away, 15 cancels, 16 loses the link', async () => {
    const cash = instant();
    expect(cashStepForAmount(4214, EUR_DENOMINATIONS)).toEqual({ insert: [2000], then: 'wait' });
    expect(await cash.collect(due(4214, 'r14'))).toEqual({ status: 'timedOut', insertedMinor: 2000 });
    expect(await cash.collect(due(4215, 'r15'))).toEqual({ status: 'cancelled', insertedMinor: 2000, returnedMinor: 2000 });
    expect((await rejection(cash.collect(due(4216, 'r16')))).kind).toBe('disconnected');
    expect(cashStepForAmount(4200, EUR_DENOMINATIONS)).toBe('pay');
  });

  it('journals every note on disk before it is reported', async () => {
    const cash = instant();
    const onDiskAtEachNote: number[] = [];
    cash.onProgress((p) => {
      if (p.type !== 'inserted') return;
      const record = JSON.parse(readFileSync(cash.journalFile, 'utf8')).records[p.intentId];
      onDiskAtEachNote.push(record.insertedMinor);
    });
    await cash.collect(due(3500, 'durable'));
    expect(onDiskAtEachNote).toEqual([2000, 3000, 3500]);
  });

  it('pays any amount with accepted denominations, overpaying by less than the smallest one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), (amountDueMinor) => {
        const notes = payingDenominations(amountDueMinor, EUR_DENOMINATIONS);
        const total = notes.reduce((a, b) => a + b, 0);
        expect(notes.every((n) => EUR_DENOMINATIONS.includes(n))).toBe(true);
        expect(total).toBeGreaterThanOrEqual(amountDueMinor);
        expect(total - amountDueMinor).toBeLessThan(100);
      }),
    );
  });
});
