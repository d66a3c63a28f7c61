import type { Language } from '../../../shared/locales.ts';
import { canEncode, encodeEscPos, type EscPosBlock } from './escpos.ts';
import { formatReceipt, type FormattedReceipt, type Receipt } from './receipt.ts';

/** The kiosk's receipt printer as the core sees it. */
export interface ReceiptPrinter {
  /** Columns the printer prints (42 on 80 mm paper in font B). */
  readonly width: number;
  /**
   * Prints a receipt, or throws DeviceError: `paperOut` or `disconnected` (nothing printed; the
   * customer still has the receipt on screen) or `busy`.
   */
  print(receipt: Receipt): Promise<void>;
  /** Prints any laid-out document (a bill summary); same failures as `print`. */
  printDocument(document: FormattedReceipt): Promise<void>;
}

/** Printed in a Latin-script language when the receipt's own language cannot be. */
export const PAPER_FALLBACK_LANGUAGE: Language = 'en';

/**
 * How a receipt is laid out on paper. Receipt printers print their resident code page left to
 * right and cannot join Arabic letters, so a receipt whose text the code page lacks (Arabic) is
 * printed in English; the screen still shows it in the customer's language, with the same QR.
 */
export function paperLayout(receipt: Receipt, width: number): FormattedReceipt {
  const own = formatReceipt(receipt, { width });
  if (own.lines.every((line) => canEncode(line.text))) return own;
  return formatReceipt(receipt, { width, language: PAPER_FALLBACK_LANGUAGE });
}

/** The ESC/POS bytes of a laid-out receipt: its lines, then the QR code, then the cut. */
export function receiptEscPos(formatted: FormattedReceipt): Uint8Array {
  const blocks: EscPosBlock[] = formatted.lines.map((line) => ({ kind: 'text', text: line.text, style: line.style }));
  blocks.push({ kind: 'qr', payload: formatted.qrPayload });
  return encodeEscPos(blocks);
}
