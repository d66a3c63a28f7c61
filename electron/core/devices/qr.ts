import { encode } from 'uqr';

/**
 * The receipt's QR code as an SVG string for the screen. `uqr` is pure JavaScript with no
 * dependencies and no eval, so the same call works in Node and in the sandboxed renderer under
 * its CSP. Dark modules are drawn as one path of horizontal runs: small, and crisp at any size.
 *
 * This lives in the core for now; the renderer cannot import electron/core, so when the screen
 * draws the QR itself this file belongs in shared/.
 */
export function qrSvg(payload: string, options: { label?: string; border?: number } = {}): string {
  const matrix = qrMatrix(payload, options.border ?? 4);
  const size = matrix.length;
  let path = '';
  matrix.forEach((row, y) => {
    for (let x = 0; x < size; x++) {
      if (!row[x]) continue;
      const start = x;
      while (x + 1 < size && row[x + 1]) x++;
      path += `M${start} ${y}h${x - start + 1}v1h-${x - start + 1}z`;
    }
  });
  const label = escapeXml(options.label ?? 'QR code');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" shape-rendering="crispEdges" role="img" aria-label="${label}">` +
    `<rect width="${size}" height="${size}" fill="#fff"/><path fill="#000" d="${path}"/></svg>`
  );
}

/**
 * The modules of the QR code (true = dark), rows top to bottom, with a quiet zone of `border`
 * modules (the standard asks for 4). Error correction M, as on the paper receipt.
 */
export function qrMatrix(payload: string, border = 4): boolean[][] {
  if (payload.length === 0) throw new RangeError('an empty QR payload');
  return encode(payload, { ecc: 'M', border }).data;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
