import { afterEach, describe, expect, it, vi } from 'vitest';
import { DeviceError } from '../../electron/core/devices/errors.ts';
import { canEncode, encodeText } from '../../electron/core/devices/escpos.ts';
import { qrPayload, receiptText } from '../../electron/core/devices/receipt.ts';
import { ReceiptPrinterSimulator } from '../../electron/core/devices/receipt-printer-simulator.ts';
import { cardReceipt, cashReceipt, rejection } from './helpers.ts';

const printer = () => new ReceiptPrinterSimulator({ width: 42, printMs: 0 });


afterEach(() => {
  vi.useRealTimers();
});

describe('receipt printer simulator', () => {
  it('keeps the bytes and the text of every receipt it prints', async () => {
    const p = printer();
    await p.print(cardReceipt);
    await p.print(cashReceipt);
    expect(p.printed).toHaveLength(2);
    const [first] = p.printed;
    expect(first?.language).toBe('en');
    expect(first?.text).toEqual(receiptText(cardReceipt, { width: 42 }));
    expect(first?.qrPayload).toContain('tx=0199A1B2-7C3D-7E4F-8A5B-6C7D8E9F0A1B');
    expect(Array.from(first?.bytes.subarray(0, 2) ?? [])).toEqual([0x1b, 0x40]);
  });

  it('prints Spanish as it is', async () => {
    const p = printer();
    await p.print({ ...cardReceipt, language: 'es' });
    expect(p.printed[0]?.language).toBe('es');
    expect(p.printed[0]?.text).toContain('TOTAL PAGADO                     1234,50\u00a0€');
  });

  it('prints an Arabic receipt in English, since the printer cannot print Arabic; the QR is the same', async () => {
    const p = printer();
    await p.print({ ...cardReceipt, language: 'ar' });
    const printed = p.printed[0];
    expect(printed?.language).toBe('en');
    expect(printed?.text).toEqual(receiptText(cardReceipt, { width: 42, language: 'en' }));
    expect(printed?.text.every((line) => canEncode(line))).toBe(true);
    expect(printed?.text.flatMap((line) => encodeText(line)).includes(0x3f)).toBe(false); // no '?' standing for a missing glyph
    expect(printed?.qrPayload).toBe(qrPayload(cardReceipt));
  });

  it('runs out of paper: DeviceError, nothing printed, and it stays out until paper is loaded', async () => {
    const p = printer();
    p.script.next('paperOut');
    expect(await rejection(p.print(cardReceipt))).toMatchObject({ device: 'printer', kind: 'paperOut' });
    expect(p.hasPaper).toBe(false);
    expect((await rejection(p.print(cardReceipt))).kind).toBe('paperOut');
    expect(p.printed).toEqual([]);
    p.loadPaper();
    await p.print(cardReceipt);
    expect(p.printed).toHaveLength(1);
  });

  it('loses its connection: DeviceError, nothing printed', async () => {
    const p = printer();
    p.script.next('disconnect');
    expect((await rejection(p.print(cardReceipt))).kind).toBe('disconnected');
    p.disconnect();
    expect((await rejection(p.print(cardReceipt))).kind).toBe('disconnected');
    p.reconnect();
    await p.print(cardReceipt);
    expect(p.printed).toHaveLength(1);
  });

  it('is busy while printing', async () => {
    vi.useFakeTimers();
    const p = new ReceiptPrinterSimulator();
    const first = p.print(cardReceipt);
    expect((await rejection(p.print(cashReceipt))).kind).toBe('busy');
    await vi.advanceTimersByTimeAsync(1500);
    await first;
    expect(p.printed.map((r) => r.receipt.transactionNo)).toEqual([cardReceipt.transactionNo]);
  });

  it('rejects an invalid receipt as a programming error, not a printer fault', async () => {
    const p = printer();
    await expect(p.print({ ...cardReceipt, amountMinor: 1 })).rejects.not.toBeInstanceOf(DeviceError);
    expect(p.printed).toEqual([]);
  });
});
