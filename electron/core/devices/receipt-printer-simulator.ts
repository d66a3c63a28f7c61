import type { Language } from '../../../shared/locales.ts';
import { DeviceError } from './errors.ts';
import { Receipt, type FormattedReceipt } from './receipt.ts';
import { paperLayout, receiptEscPos, type ReceiptPrinter } from './receipt-printer.ts';
import { Script } from './script.ts';
import { delay } from './timing.ts';

/**
 * What the simulated printer does with one `print` call: 'print' prints; 'paperOut' finds the
 * roll empty (and it stays empty until `loadPaper`); 'disconnect' loses the link for that call.
 */
export type PrinterStep = 'print' | 'paperOut' | 'disconnect';

export interface PrintedReceipt {
  receipt: Receipt;
  /** The language it was printed in (see paperLayout). */
  language: Language;
  /** Exactly what went to the printer. */
  bytes: Uint8Array;
  /** What is on the paper, line by line; the QR code is `qrPayload`. */
  text: string[];
  qrPayload: string;
}

export interface ReceiptPrinterSimulatorOptions {
  width?: number;
  /** How long printing takes. */
  printMs?: number;
}

export class ReceiptPrinterSimulator implements ReceiptPrinter {
  readonly script = new Script<PrinterStep>();
  /** Every receipt printed, oldest first. */
  readonly printed: PrintedReceipt[] = [];
  /** Every other document printed (bill summaries), oldest first: its bytes and its text. */
  readonly documents: { bytes: Uint8Array; text: string[]; qrPayload: string }[] = [];
  readonly width: number;
  readonly #printMs: number;
  #paper = true;
  #connected = true;
  #printing = false;

  constructor(options: ReceiptPrinterSimulatorOptions = {}) {
    this.width = options.width ?? 42;
    this.#printMs = options.printMs ?? 1500;
  }

  get hasPaper(): boolean {
    return this.#paper;
  }

  loadPaper(): void {
    this.#paper = true;
  }

  disconnect(): void {
    this.#connected = false;
  }

  reconnect(): void {
    this.#connected = true;
  }

  async print(input: Receipt): Promise<void> {
    // Validated and laid out first: a bad receipt is a programming error, not a printer fault.
    const receipt = Receipt.parse(input);
    const layout = paperLayout(receipt, this.width);
    await this.#run(layout, (bytes) =>
      this.printed.push({ receipt, language: layout.language, bytes, text: layout.lines.map((line) => line.text), qrPayload: layout.qrPayload }),
    );
  }

  async printDocument(document: FormattedReceipt): Promise<void> {
    await this.#run(document, (bytes) => this.documents.push({ bytes, text: document.lines.map((line) => line.text), qrPayload: document.qrPayload }));
  }

  async #run(layout: FormattedReceipt, done: (bytes: Uint8Array) => void): Promise<void> {
    const bytes = receiptEscPos(layout);
    if (this.#printing) throw new DeviceError('printer', 'busy', 'the receipt printer is printing another receipt');

    const step = this.script.take(() => 'print');
    if (step === 'disconnect' || !this.#connected) throw new DeviceError('printer', 'disconnected', 'the connection to the receipt printer was lost');
    if (step === 'paperOut') this.#paper = false;
    if (!this.#paper) throw new DeviceError('printer', 'paperOut', 'the receipt printer is out of paper');

    this.#printing = true;
    try {
      await delay(this.#printMs);
      done(bytes);
    } finally {
      this.#printing = false;
    }
  }
}
