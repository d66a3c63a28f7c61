/**
 * The few ESC/POS commands a receipt needs, written out by hand (Epson ESC/POS reference):
 *
 *   ESC @            1B 40             initialise the printer
 *   ESC t n          1B 74 13          character code table 19: PC858 (Western Europe with €)
 *   ESC a n          1B 61 n           justification: 0 left, 1 centre
 *   ESC E n          1B 45 n           emphasised (bold) on / off
 *   GS ! n           1D 21 n           character size: 0x01 double height, 0x00 normal
 *   GS ( k ... 31 41 model            QR model: 50 = model 2
 *   GS ( k ... 31 43 size             QR module size in dots
 *   GS ( k ... 31 45 level            QR error correction: 48 L, 49 M, 50 Q, 51 H
 *   GS ( k pL pH 31 50 30 d…          store QR data (pL + pH·256 = data length + 3)
 *   GS ( k 03 00 31 51 30             print the stored QR code
 *   GS V 66 n        1D 56 42 00       feed to the cutter and cut (partial cut, the form every model supports)
 *
 * Text lines arrive already laid out in columns (receipt.ts), so the printer only needs them in
 * its code page; the paper then matches the text rendering exactly.
 */

export const ESC = 0x1b;
export const GS = 0x1d;
export const LF = 0x0a;

export type EscPosBlock =
  | { kind: 'text'; text: string; style?: 'normal' | 'title' | 'total' }
  | { kind: 'qr'; payload: string; moduleSize?: number };

export const commands = {
  init: (): number[] => [ESC, 0x40],
  codeTablePc858: (): number[] => [ESC, 0x74, 19],
  align: (where: 'left' | 'center' | 'right'): number[] => [ESC, 0x61, { left: 0, center: 1, right: 2 }[where]],
  bold: (on: boolean): number[] => [ESC, 0x45, on ? 1 : 0],
  doubleHeight: (on: boolean): number[] => [GS, 0x21, on ? 0x01 : 0x00],
  /** Partial cut after feeding the last line past the cutter. */
  cut: (): number[] => [GS, 0x56, 66, 0],
  /** QR model 2, error correction M (15% of the code can be lost and it still reads). */
  qr: (payload: string, moduleSize = 6): number[] => {
    const data = [...new TextEncoder().encode(payload)];
    if (data.length === 0 || data.length > QR_MAX_BYTES_M) throw new RangeError(`a QR payload must be 1 to ${QR_MAX_BYTES_M} bytes, not ${data.length}`);
    if (!Number.isInteger(moduleSize) || moduleSize < 1 || moduleSize > 16) throw new RangeError(`QR module size must be 1 to 16 dots, not ${moduleSize}`);
    const stored = data.length + 3;
    return [
      ...[GS, 0x28, 0x6b, 4, 0, 0x31, 0x41, 50, 0],
      ...[GS, 0x28, 0x6b, 3, 0, 0x31, 0x43, moduleSize],
      ...[GS, 0x28, 0x6b, 3, 0, 0x31, 0x45, 49],
      ...[GS, 0x28, 0x6b, stored & 0xff, stored >> 8, 0x31, 0x50, 0x30, ...data],
      ...[GS, 0x28, 0x6b, 3, 0, 0x31, 0x51, 0x30],
    ];
  },
} as const;

/** Byte capacity of a model 2 QR code (version 40) at error correction M. */
export const QR_MAX_BYTES_M = 2331;

/** Encodes a receipt: init, code table, the lines in their styles, the QR code centred, cut. */
export function encodeEscPos(blocks: readonly EscPosBlock[]): Uint8Array {
  const out: number[] = [...commands.init(), ...commands.codeTablePc858()];
  for (const block of blocks) {
    if (block.kind === 'qr') {
      out.push(...commands.align('center'), ...commands.qr(block.payload, block.moduleSize), LF, ...commands.align('left'));
      continue;
    }
    const style = block.style ?? 'normal';
    if (style !== 'normal') out.push(...commands.bold(true));
    if (style === 'total') out.push(...commands.doubleHeight(true));
    out.push(...encodeText(block.text), LF);
    if (style === 'total') out.push(...commands.doubleHeight(false));
    if (style !== 'normal') out.push(...commands.bold(false));
  }
  out.push(...commands.cut());
  return Uint8Array.from(out);
}

// ---- PC858 text ----

/** Code page 858 from 0x80 to 0xFF: code page 850 with € at 0xD5. */
const PC858_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜø£Ø×ƒáíóúñÑªº¿®¬½¼¡«»░▒▓│┤ÁÂÀ©╣║╗╝¢¥┐└┴┬├─┼ãÃ╚╔╩╦╠═╬¤ðÐÊËÈ€ÍÎÏ┘┌█▄¦Ì▀ÓßÔÒõÕµþÞÚÛÙýÝ¯´\u00AD±‗¾¶§÷¸°¨·¹³²■\u00A0';
const PC858 = new Map<string, number>([...PC858_HIGH].map((char, i) => [char, 0x80 + i]));
const UNMAPPABLE = 0x3f; // '?'

/**
 * What the printer gets for a line: composed characters (NFC), every kind of space as a plain
 * space (Intl puts no-break and narrow no-break spaces in amounts and times), and bidi marks
 * dropped (the printer lays out left to right and has no use for them).
 */
export function printableText(text: string): string {
  return text.normalize('NFC').replace(/\p{Cf}/gu, '').replace(/\p{Zs}/gu, ' ');
}

function byteFor(char: string): number | undefined {
  const code = char.codePointAt(0) ?? 0;
  if (code >= 0x20 && code < 0x7f) return code;
  return PC858.get(char);
}

/** Whether every character of a line exists in the printer's code page. */
export function canEncode(text: string): boolean {
  for (const char of printableText(text)) if (byteFor(char) === undefined) return false;
  return true;
}

/** A line in code page 858; a character it lacks prints as '?'. */
export function encodeText(text: string): number[] {
  return [...printableText(text)].map((char) => byteFor(char) ?? UNMAPPABLE);
}
