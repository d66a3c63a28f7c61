import { describe, expect, it } from 'vitest';
import { qrMatrix, qrSvg } from '../../electron/core/devices/qr.ts';
import { qrPayload } from '../../electron/core/devices/receipt.ts';
import { cardReceipt } from './helpers.ts';

/** Reads the SVG's path of horizontal runs back into modules. */
function modulesOf(svg: string, size: number): boolean[][] {
  const grid = Array.from({ length: size }, () => Array<boolean>(size).fill(false));
  const d = /<path fill="#000" d="([^"]*)"/.exec(svg)?.[1] ?? '';
  for (const [, x, y, w] of d.matchAll(/M(\d+) (\d+)h(\d+)v1h-\d+z/g)) {
    for (let i = 0; i < Number(w); i++) {
      const row = grid[Number(y)];
      if (row) row[Number(x) + i] = true;
    }
  }
  return grid;
}

describe('on-screen QR code', () => {
  const payload = qrPayload(cardReceipt);

  it('draws exactly the modules of the QR code, with a 4-module quiet zone', () => {
    const matrix = qrMatrix(payload);
    const size = matrix.length;
    // Versions grow by 4 modules from 21; plus 4 quiet modules each side.
    expect((size - 8 - 21) % 4).toBe(0);
    expect(matrix[0]?.some(Boolean)).toBe(false);
    expect(matrix[4]?.slice(4, 11).every(Boolean)).toBe(true); // top of the top-left finder pattern
    const svg = qrSvg(payload);
    expect(svg).toContain(`viewBox="0 0 ${size} ${size}"`);
    expect(modulesOf(svg, size)).toEqual(matrix);
  });

  it('is a self-contained, accessible SVG with nothing executable in it', () => {
    const svg = qrSvg(payload, { label: 'Receipt "0199" <QR>' });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('role="img" aria-label="Receipt &#34;0199&#34; &#60;QR&#62;"');
    expect(svg).not.toMatch(/<script|on\w+=|href/i);
  });

  it('is the same for the same payload', () => {
    expect(qrSvg(payload)).toBe(qrSvg(payload));
    expect(() => qrSvg('')).toThrow(RangeError);
  });
});
