import { encode } from 'uqr';

/**
 * QR codes for the screen (the paper receipt has the printer draw its own). `uqr` is pure
 * JavaScript with no dependencies and no eval, so it runs in the sandboxed renderer under its CSP.
 */

/**
 * The modules of the QR code (true = dark), rows top to bottom, with a quiet zone of `border`
 * modules (the standard asks for 4). Error correction M, as on the paper receipt.
 */
export function qrMatrix(payload: string, border = 4): boolean[][] {
  if (payload.length === 0) throw new RangeError('an empty QR payload');
  return encode(payload, { ecc: 'M', border }).data;
}

/**
 * The code as one SVG path of horizontal runs of dark modules, in a `size` × `size` box: small,
 * and crisp at any size. The screen draws it as an element, never as injected markup.
 */
export function qrPath(payload: string, border = 4): { size: number; d: string } {
  const matrix = qrMatrix(payload, border);
  const size = matrix.length;
  let d = '';
  matrix.forEach((row, y) => {
    for (let x = 0; x < size; x++) {
      if (!row[x]) continue;
      const start = x;
      while (x + 1 < size && row[x + 1]) x++;
      d += `M${start} ${y}h${x - start + 1}v1h-${x - start + 1}z`;
    }
  });
  return { size, d };
}
