import { describe, expect, it } from 'vitest';
import { qrMatrix, qrPath } from '../../shared/qr.ts';
import { qrPayload } from '../../electron/core/devices/receipt.ts';
import { cardReceipt } from '../devices/helpers.ts';

/** Reads the path of horizontal runs back into modules. */
function modulesOf(d: string, size: number): boolean[][] {
  const grid = Array.from({ length: size }, () => Array<boolean>(size).fill(false));
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
    const path = qrPath(payload);
    expect(path.size).toBe(size);
    expect(path.d).toMatch(/^(M\d+ \d+h\d+v1h-\d+z)+$/);
    expect(modulesOf(path.d, size)).toEqual(matrix);
  });

  it('is the same for the same payload and refuses an empty one', () => {
    expect(qrPath(payload)).toEqual(qrPath(payload));
    expect(qrPath(payload).d).not.toBe(qrPath(`${payload}x`).d);
    expect(() => qrPath('')).toThrow(RangeError);
  });
});
