import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatLocales, languages } from '../../shared/locales.ts';
import { formatMoney } from '../../shared/money.ts';
import { displayWidth } from '../../electron/core/devices/paper.ts';
import {
  formatReceipt,
  maskAccountNo,
  parseQrPayload,
  qrPayload,
  Receipt,
  receiptText,
} from '../../electron/core/devices/receipt.ts';
import { cardReceipt, cashReceipt } from './helpers.ts';

// Node's own ICU data decides these strings (es-ES does not group four-digit amounts; Arabic
// amounts and dates carry U+200F right-to-left marks, written \u200F below).
describe('receipt text at 42 columns', () => {
  it('English', () => {
    expect(receiptText(cardReceipt, { width: 42 })).toEqual([
      '             PAYMENT RECEIPT',
      '             Madrid Gran Vía',
      '',
      'Branch                              MAD-01',
      'Kiosk                            KIOSK-001',
      'Date                            20/11/2026',
      'Time                              11:05:09',
      'Transaction',
      '      0199A1B2-7C3D-7E4F-8A5B-6C7D8E9F0A1B',
      'Account                         ******0002',
      '------------------------------------------',
      'Bill B-2026-10-0002              €1,000.00',
      'Bill B-2026-11-0002                €230.00',
      'Credit on account                    €4.50',
      '==========================================',
      'TOTAL PAID                       €1,234.50',
      '------------------------------------------',
      'Card                         VISA ****4242',
      'Authorisation                       A1B2C3',
      '------------------------------------------',
      'Credit balance                       €4.50',
      'Assisted by                         S-0042',
      '',
      '                Thank you',
    ]);
  });

  it('Spanish', () => {
    expect(receiptText(cardReceipt, { width: 42, language: 'es' })).toEqual([
      '              RECIBO DE PAGO',
      '             Madrid Gran Vía',
      '',
      'Tienda                              MAD-01',
      'Quiosco                          KIOSK-001',
      'Fecha                           20/11/2026',
      'Hora                              11:05:09',
      'Transacción',
      '      0199A1B2-7C3D-7E4F-8A5B-6C7D8E9F0A1B',
      'Cuenta                          ******0002',
      '------------------------------------------',
      'Factura B-2026-10-0002           1000,00\u00a0€',
      'Factura B-2026-11-0002            230,00\u00a0€',
      'Saldo a favor en cuenta             4,50\u00a0€',
      '==========================================',
      'TOTAL PAGADO                     1234,50\u00a0€',
      '------------------------------------------',
      'Tarjeta                      VISA ****4242',
      'Autorización                        A1B2C3',
      '------------------------------------------',
      'Saldo a favor                       4,50\u00a0€',
      'Atendido por                        S-0042',
      '',
      '                 Gracias',
    ]);
  });

  it('Arabic, in logical order (label first), numbers as Intl gives them', () => {
    expect(receiptText(cardReceipt, { width: 42, language: 'ar' })).toEqual([
      '                إيصال دفع',
      '             Madrid Gran Vía',
      '',
      'الفرع                               MAD-01',
      'الكشك                            KIOSK-001',
      'التاريخ                         20\u200F/11\u200F/2026',
      'الوقت                             11:05:09',
      'رقم العملية',
      '      0199A1B2-7C3D-7E4F-8A5B-6C7D8E9F0A1B',
      'الحساب                          ******0002',
      '------------------------------------------',
      'فاتورة B-2026-10-0002           \u200F1,000.00\u00a0€',
      'فاتورة B-2026-11-0002             \u200F230.00\u00a0€',
      'رصيد دائن في الحساب                 \u200F4.50\u00a0€',
      '==========================================',
      'إجمالي المدفوع                  \u200F1,234.50\u00a0€',
      '------------------------------------------',
      'بطاقة                        VISA ****4242',
      'رمز التفويض                         A1B2C3',
      '------------------------------------------',
      'الرصيد الدائن                       \u200F4.50\u00a0€',
      'بمساعدة الموظف                      S-0042',
      '',
      '                 شكرا لك',
    ]);
  });

  it('cash: what went in and the change; the balance still owed; the date in the branch time zone', () => {
    // 23:30 UTC on 20 November is 00:30 on 21 November in Madrid.
    expect(receiptText(cashReceipt, { width: 42 })).toEqual([
      '             PAYMENT RECEIPT',
      '             Madrid Gran Vía',
      '',
      'Branch                              MAD-01',
      'Kiosk                            KIOSK-001',
      'Date                            21/11/2026',
      'Time                              00:30:00',
      'Transaction                      TX-000123',
      'Account                         ******0010',
      '------------------------------------------',
      'Bill B-2026-11-0010                 €42.34',
      '==========================================',
      'TOTAL PAID                          €42.34',
      '------------------------------------------',
      'Cash inserted                       €43.00',
      'Change                               €0.66',
      '------------------------------------------',
      'Balance due                         €15.00',
      '',
      '                Thank you',
    ]);
  });

  it('marks the title bold and the total as the total', () => {
    const { lines } = formatReceipt(cashReceipt, { width: 42 });
    expect(lines.filter((l) => l.style === 'title').map((l) => l.text.trim())).toEqual(['PAYMENT RECEIPT']);
    expect(lines.filter((l) => l.style === 'total').map((l) => l.text)).toEqual(['TOTAL PAID                          €42.34']);
  });

  it('wraps a long branch name and refuses a paper narrower than 24 columns', () => {
    const receipt = { ...cashReceipt, branch: { ...cashReceipt.branch, name: 'Centro Comercial La Vaguada, planta baja, local 12' } };
    expect(receiptText(receipt, { width: 32 }).slice(1, 3)).toEqual(['  Centro Comercial La Vaguada,', '     planta baja, local 12']);
    expect(() => receiptText(receipt, { width: 20 })).toThrow(RangeError);
  });
});

describe('receipt model', () => {
  it('masks the account number except its last four digits', () => {
    expect(maskAccountNo('4000000002')).toBe('******0002');
    for (const language of languages) expect(receiptText(cardReceipt, { width: 42, language }).join('\n')).not.toContain('4000000002');
  });

  it('refuses a receipt whose bills and credit do not add up to the amount paid', () => {
    expect(Receipt.safeParse({ ...cardReceipt, amountMinor: 123451 }).success).toBe(false);
  });

  it('refuses cash whose inserted less change is not the amount paid', () => {
    expect(Receipt.safeParse({ ...cashReceipt, method: { kind: 'cash', insertedMinor: 4300, changeMinor: 0 } }).success).toBe(false);
    // Overpayment kept as credit instead of change: inserted = amount, the surplus is credit on account.
    const kept = { ...cashReceipt, amountMinor: 4300, method: { kind: 'cash', insertedMinor: 4300, changeMinor: 0 }, paid: { bills: cashReceipt.paid.bills, creditOnAccountMinor: 66 } };
    expect(Receipt.safeParse(kept).success).toBe(true);
  });

  it('refuses a branch name with control characters (they would break the lines)', () => {
    expect(Receipt.safeParse({ ...cardReceipt, branch: { ...cardReceipt.branch, name: 'Gran\nVía' } }).success).toBe(false);
  });

  it('refuses more than the last four digits of a card', () => {
    expect(Receipt.safeParse({ ...cardReceipt, method: { ...cardReceipt.method, cardLast4: '4111111111111111' } }).success).toBe(false);
  });

  it('puts the transaction, kiosk, amount and instant in a URL-safe QR payload, and nothing personal', () => {
    const payload = qrPayload(cardReceipt);
    expect(payload).toBe('onebill:receipt?v=1&tx=0199A1B2-7C3D-7E4F-8A5B-6C7D8E9F0A1B&k=KIOSK-001&a=123450&c=EUR&t=20261120T100509Z');
    expect(payload).toMatch(/^[A-Za-z0-9:?=&_.-]+$/);
    expect(payload).not.toContain(cardReceipt.accountNo);
    expect(parseQrPayload(payload)).toEqual({
      transactionNo: cardReceipt.transactionNo,
      kioskId: 'KIOSK-001',
      amount: { amountMinor: 123450, currency: 'EUR' },
      issuedAt: '2026-11-20T10:05:09Z',
    });
    expect(parseQrPayload('https://example.invalid/?tx=1')).toBeNull();
  });
});

const arbitraryReceipt: fc.Arbitrary<Receipt> = fc
  .record({
    kioskId: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{1,39}$/),
    branchId: fc.stringMatching(/^[A-Z0-9-]{2,20}$/),
    branchName: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
    timeZone: fc.constantFrom('Europe/Madrid', 'Asia/Dubai', 'America/Bogota', 'Pacific/Kiritimati', 'UTC'),
    issuedAt: fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true }),
    transactionNo: fc.stringMatching(/^[A-Za-z0-9-]{6,36}$/),
    accountNo: fc.stringMatching(/^\d{5,20}$/),
    currency: fc.constantFrom('EUR', 'USD', 'JPY', 'KWD', 'AED'),
    bills: fc.array(fc.record({ billNo: fc.stringMatching(/^[A-Za-z0-9-]{1,24}$/), amountMinor: fc.integer({ min: 1, max: 10_000_000_000 }) }), { maxLength: 6 }),
    credit: fc.integer({ min: 0, max: 10_000_000 }),
    card: fc.boolean(),
    change: fc.integer({ min: 0, max: 10_000 }),
    balanceAfterMinor: fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }),
    staffId: fc.option(fc.stringMatching(/^[A-Za-z0-9_-]{1,24}$/), { nil: undefined }),
    language: fc.constantFrom(...languages),
  })
  .filter((r) => r.bills.length > 0 || r.credit > 0)
  .map((r): Receipt => {
    const amountMinor = r.bills.reduce((sum, b) => sum + b.amountMinor, 0) + r.credit;
    return {
      kioskId: r.kioskId,
      branch: { id: r.branchId, name: r.branchName, timeZone: r.timeZone },
      issuedAt: r.issuedAt.toISOString(),
      transactionNo: r.transactionNo,
      accountNo: r.accountNo,
      currency: r.currency,
      amountMinor,
      method: r.card
        ? { kind: 'card', cardBrand: 'MASTERCARD', cardLast4: '0005', authorizationCode: 'Z9Y8X7' }
        : { kind: 'cash', insertedMinor: amountMinor + r.change, changeMinor: r.change },
      paid: { bills: r.bills, creditOnAccountMinor: r.credit },
      balanceAfterMinor: r.balanceAfterMinor,
      ...(r.staffId === undefined ? {} : { staffId: r.staffId }),
      language: r.language,
    };
  })
  .filter((r) => Receipt.safeParse(r).success);

describe('receipt layout, for any receipt', () => {
  it('fits the width and always shows the transaction number and the total', () => {
    fc.assert(
      fc.property(arbitraryReceipt, fc.integer({ min: 36, max: 64 }), (receipt, width) => {
        const lines = receiptText(receipt, { width });
        for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(width);
        expect(lines.some((line) => line.includes(receipt.transactionNo))).toBe(true);
        const total = formatMoney({ amountMinor: receipt.amountMinor, currency: receipt.currency }, formatLocales[receipt.language]);
        expect(lines.some((line) => line.includes(total))).toBe(true);
        expect(parseQrPayload(qrPayload(receipt))?.transactionNo).toBe(receipt.transactionNo);
      }),
      { numRuns: 300 },
    );
  });
});
