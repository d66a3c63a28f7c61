import { describe, expect, it } from 'vitest';
import { canEncode, commands, encodeEscPos, encodeText, QR_MAX_BYTES_M } from '../../electron/core/devices/escpos.ts';
import { formatReceipt } from '../../electron/core/devices/receipt.ts';
import { receiptEscPos } from '../../electron/core/devices/receipt-printer.ts';
import { cardReceipt } from './helpers.ts';

const hex = (bytes: ArrayLike<number>): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
const ascii = (text: string): string => hex(new TextEncoder().encode(text));

describe('ESC/POS encoding', () => {
  const formatted = formatReceipt(cardReceipt, { width: 42 });
  const bytes = receiptEscPos(formatted);
  const all = hex(bytes);

  it('starts with ESC @ and selects code page 858, and ends with a cut', () => {
    expect(hex(bytes.subarray(0, 5))).toBe('1b 40 1b 74 13');
    expect(hex(bytes.subarray(-4))).toBe('1d 56 42 00');
  });

  it('prints the QR code with GS ( k: model 2, module size 6, error correction M, store, print, centred', () => {
    const payload = formatted.qrPayload;
    const stored = payload.length + 3;
    const expected = [
      '1b 61 01',
      '1d 28 6b 04 00 31 41 32 00',
      '1d 28 6b 03 00 31 43 06',
      '1d 28 6b 03 00 31 45 31',
      `1d 28 6b ${hex([stored & 0xff, stored >> 8])} 31 50 30 ${ascii(payload)}`,
      '1d 28 6b 03 00 31 51 30',
      '0a',
      '1b 61 00',
    ].join(' ');
    expect(all).toContain(expected);
    // The QR code comes after the last text line and just before the cut.
    expect(all.endsWith(`${expected} 1d 56 42 00`)).toBe(true);
  });

  it('gives the store command the data length plus three, low byte first', () => {
    const qr = commands.qr('x'.repeat(300));
    // 303 = 0x012F
    expect(hex(qr.slice(25, 33))).toBe('1d 28 6b 2f 01 31 50 30');
    expect(() => commands.qr('x'.repeat(QR_MAX_BYTES_M + 1))).toThrow(RangeError);
    expect(() => commands.qr('')).toThrow(RangeError);
  });

  it('prints the title bold and the total bold and double height, then back to normal', () => {
    const title = formatted.lines.find((l) => l.style === 'title');
    const total = formatted.lines.find((l) => l.style === 'total');
    expect(all).toContain(`1b 45 01 ${ascii(title?.text ?? '')} 0a 1b 45 00`);
    expect(all).toContain(`1b 45 01 1d 21 01 ${hex(encodeText(total?.text ?? ''))} 0a 1d 21 00 1b 45 00`);
  });

  it('sends every text line in the order laid out, each ended by LF', () => {
    const plain = encodeEscPos(formatted.lines.map((l) => ({ kind: 'text' as const, text: l.text })));
    const body = plain.subarray(5, -4);
    const expected = formatted.lines.flatMap((l) => [...encodeText(l.text), 0x0a]);
    expect(hex(body)).toBe(hex(expected));
  });

  it('encodes Spanish and the euro sign in code page 858', () => {
    expect(hex(encodeText('€ é ñ Ñ á í ó ú ü ¿ ¡ Í'))).toBe('d5 20 82 20 a4 20 a5 20 a0 20 a1 20 a2 20 a3 20 81 20 a8 20 ad 20 d6');
    expect(canEncode('Transacción 1234,50\u00a0€')).toBe(true);
  });

  it('prints no-break spaces as spaces and drops bidi marks', () => {
    expect(hex(encodeText('1\u00a02\u202f3\u200f4'))).toBe(ascii('1 2 34'));
  });

  it('prints a character the code page lacks as ?, and says so beforehand', () => {
    expect(canEncode('إيصال')).toBe(false);
    expect(hex(encodeText('a\u0628b'))).toBe(ascii('a?b'));
    expect(hex(encodeText('tab\there'))).toBe(ascii('tab?here'));
  });
});
