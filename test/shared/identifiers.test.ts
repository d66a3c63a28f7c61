import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isAccountNumber, makeAccountNumber, parseSignInIdentifier } from '../../shared/identifiers.ts';

describe('account numbers', () => {
  it('round-trip through the Luhn check for any serial', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 999_999_999 }), (serial) => isAccountNumber(makeAccountNumber(serial))));
  });

  it('catch any single mistyped digit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999_999_999 }), fc.integer({ min: 0, max: 9 }), fc.integer({ min: 1, max: 9 }), (serial, pos, delta) => {
        const good = makeAccountNumber(serial);
        const digit = (Number(good[pos]) + delta) % 10;
        const bad = good.slice(0, pos) + String(digit) + good.slice(pos + 1);
        return !isAccountNumber(bad);
      }),
    );
  });

  it('known values', () => {
    expect(makeAccountNumber(400_000_000)).toBe('4000000002');
    expect(isAccountNumber('4000000003')).toBe(false);
  });
});

describe('sign-in identifiers', () => {
  it('reads an account number', () => {
    expect(parseSignInIdentifier('4000 0000 02', '34')).toEqual({ kind: 'account', accountNo: '4000000002' });
  });
  it('reads national and international phone numbers as E.164', () => {
    expect(parseSignInIdentifier('600 000 000', '34')).toEqual({ kind: 'phone', e164: '+34600000000' });
    expect(parseSignInIdentifier('+34 600-000-000', '34')).toEqual({ kind: 'phone', e164: '+34600000000' });
    expect(parseSignInIdentifier('0034600000000', '34')).toEqual({ kind: 'phone', e164: '+34600000000' });
  });
  it('rejects what is neither', () => {
    expect(parseSignInIdentifier('12', '34')).toBeNull();
    expect(parseSignInIdentifier('abc', '34')).toBeNull();
  });
});
