import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, factHash } from '../../shared/node/hash.ts';

/** The same object with every object's keys in reverse order, as JSONB may hand it back. */
function reordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reordered);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reordered(v)]));
  return value;
}

describe('fact hash', () => {
  it('is the same whatever order the keys came in, and differs when a value or an array order differs', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(factHash(reordered(value))).toBe(factHash(value));
      }),
    );
    const bill = { billNo: 'B-1', lines: [{ id: 'l1', params: { offering: 'TV', days: 4 }, amountMinor: 200 }] };
    expect(factHash({ lines: [{ amountMinor: 200, params: { days: 4, offering: 'TV' }, id: 'l1' }], billNo: 'B-1' })).toBe(factHash(bill));
    expect(factHash({ ...bill, billNo: 'B-2' })).not.toBe(factHash(bill));
    expect(canonicalJson([2, 1])).not.toBe(canonicalJson([1, 2]));
    expect(canonicalJson({ b: 1, a: undefined })).toBe('{"b":1}');
  });
});
