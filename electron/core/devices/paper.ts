/**
 * Fixed-width paper layout for the receipt printer: columns counted as the printer counts them,
 * label-and-value rows, centred titles, word wrap.
 */
const ZERO_WIDTH = /[\p{Mn}\p{Me}\p{Cf}]/u;

/**
 * Columns a string takes on a monospaced receipt: one per character, none for combining marks
 * and format characters (the bidi marks Intl puts in Arabic numbers and dates).
 */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) if (!ZERO_WIDTH.test(char)) width++;
  return width;
}

/** A label on the left and a value on the right; when they do not fit on one line, the value goes right-aligned on the next. */
export function row(label: string, value: string, width: number): string[] {
  const gap = width - displayWidth(label) - displayWidth(value);
  if (gap >= 1) return [label + ' '.repeat(gap) + value];
  return [...wrap(label, width), ...wrap(value, width).map((part) => ' '.repeat(width - displayWidth(part)) + part)];
}

export function center(text: string, width: number): string[] {
  return wrap(text, width).map((part) => ' '.repeat(Math.floor((width - displayWidth(part)) / 2)) + part);
}

/** Word wrap; a word longer than the width is cut. */
function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let current = '';
  for (const word of text.split(/ +/).filter(Boolean)) {
    for (const piece of cut(word, width)) {
      const candidate = current ? `${current} ${piece}` : piece;
      if (displayWidth(candidate) <= width) current = candidate;
      else {
        out.push(current);
        current = piece;
      }
    }
  }
  if (current || out.length === 0) out.push(current);
  return out;
}

function cut(word: string, width: number): string[] {
  if (displayWidth(word) <= width) return [word];
  const pieces: string[] = [];
  let piece = '';
  for (const char of word) {
    if (displayWidth(piece + char) > width) {
      pieces.push(piece);
      piece = '';
    }
    piece += char;
  }
  if (piece) pieces.push(piece);
  return pieces;
}
