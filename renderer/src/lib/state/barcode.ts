export interface BarcodeWedgeOptions {
  /** Longest pause between two keys of one scan; people type far slower than this. */
  maxGapMs?: number;
  /** Fewest digits that count as a scan. */
  minLength?: number;
  maxLength?: number;
  now?: () => number;
}

const MODIFIERS = new Set(['Shift', 'Control', 'Alt', 'Meta', 'CapsLock', 'NumLock']);

/**
 * Recognises a keyboard-wedge barcode reader: it "types" the code's digits in a quick burst and
 * ends with Enter. Feed it every key; it answers the scanned code on the Enter that ends a burst,
 * otherwise null. Slow typing, other keys or a lone Enter never count.
 */
export class BarcodeWedge {
  readonly #maxGapMs: number;
  readonly #minLength: number;
  readonly #maxLength: number;
  readonly #now: () => number;
  #buffer = '';
  #last = Number.NEGATIVE_INFINITY;

  constructor(options: BarcodeWedgeOptions = {}) {
    this.#maxGapMs = options.maxGapMs ?? 80;
    this.#minLength = options.minLength ?? 6;
    this.#maxLength = options.maxLength ?? 32;
    this.#now = options.now ?? (() => performance.now());
  }

  key(key: string): string | null {
    if (MODIFIERS.has(key)) return null;
    const now = this.#now();
    if (now - this.#last > this.#maxGapMs) this.#buffer = '';
    this.#last = now;
    if (/^\d$/.test(key)) {
      this.#buffer = this.#buffer.length < this.#maxLength ? this.#buffer + key : '';
      return null;
    }
    const code = this.#buffer;
    this.#buffer = '';
    return key === 'Enter' && code.length >= this.#minLength ? code : null;
  }

  reset(): void {
    this.#buffer = '';
    this.#last = Number.NEGATIVE_INFINITY;
  }
}
