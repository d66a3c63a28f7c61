import { describe, expect, it } from 'vitest';
import type { BillLine } from '../../shared/billing/bill.ts';
import type { ExplanationItem } from '../../shared/billing/explain.ts';
import { Translator } from '../../shared/i18n/translator.ts';
import { biggestFirst, changeText, lineText, signedMoney, taxName } from '../../renderer/src/lib/bill-text.ts';
import { reasonText } from '../../renderer/src/lib/credit-text.ts';
import { approved, billView } from './fixtures.ts';

const en = new Translator('en');
const es = new Translator('es');
const ar = new Translator('ar');
const plain = (text: string): string => text.replace(/[\u2066-\u2069]/g, '').replace(/[\u00a0\u202f]/g, ' ');
const lines = [...billView.bill.services.flatMap((s) => s.lines), ...billView.bill.accountItems];
const byId = (id: string): BillLine => lines.find((l) => l.id === id) as BillLine;

describe('bill lines in the customer’s language', () => {
  it('say every cause from its params, in English', () => {
    expect(lines.map((l) => lineText(l, en))).toEqual([
      'Mobile 20 GB, monthly fee',
      'Data over allowance: 512 MB',
      'International calls: 12.5 mins',
      'Fibre 500, monthly fee',
      'Fibre 300: refund for 10 unused days',
      'Fibre 500: 10 of 28 days',
      'Bundle discount: Fibre + Mobile discount',
      'Loyalty discount (3 years with us)',
      'Late payment fee for bill INV-2025-000123',
    ]);
  });

  it('in Spanish and Arabic too, never the English description', () => {
    expect(lines.map((l) => plain(lineText(l, es)))).toEqual([
      'Mobile 20 GB, cuota mensual',
      'Datos fuera de lo incluido: 512 MB',
      'Llamadas internacionales: 12,5 min',
      'Fibre 500, cuota mensual',
      'Fibre 300: devolución por 10 días sin usar',
      'Fibre 500: 10 de 28 días',
      'Descuento por paquete: Descuento Fibra + Móvil',
      'Descuento por fidelidad (3 años con nosotros)',
      'Recargo por pago tardío de la factura INV-2025-000123',
    ]);
    const arabic = lines.map((l) => lineText(l, ar));
    for (const [i, text] of arabic.entries()) expect(text).not.toBe(lines[i]!.description);
    expect(plain(arabic[4]!)).toBe('Fibre 300: استرداد عن 10 أيام غير مستخدمة');
    expect(plain(arabic[7]!)).toBe('خصم الولاء (3 سنوات معنا)');
    expect(plain(arabic[6]!)).toBe('خصم الباقة المجمّعة: خصم الألياف + الجوال');
  });

  it('name discounts and roaming zones by catalogue id, and a catalogue id they do not know as the catalogue does', () => {
    const roaming: BillLine = { ...byId('l2'), cause: 'roaming', quantity: { amount: 30, unit: 'min' }, params: { usageType: 'voice', zone: 'Rest of the world', zoneId: 'Z3', destination: '' } };
    expect(plain(lineText(roaming, es))).toBe('Itinerancia en el resto del mundo: 30 min');
    expect(plain(lineText(roaming, ar))).toContain('بقية العالم');
    expect(plain(lineText({ ...roaming, params: { ...roaming.params, zoneId: 'Z9', zone: 'Mars' } }, es))).toBe('Itinerancia en Mars: 30 min');
    expect(plain(lineText({ ...byId('l7'), sourceId: 'BUNDLE-NEW', params: { discount: 'Quad discount' } }, es))).toBe('Descuento por paquete: Quad discount');
    const started: ExplanationItem = { productId: null, service: null, cause: 'discountStarted', amountMinor: -500, params: { direction: 'less', absAmountMinor: 500, currency: 'EUR', previousMinor: 0, currentMinor: -500, name: 'Fibre + Mobile discount', discountId: 'BUNDLE-DUO' } };
    expect(plain(changeText(started, billView.bill, es).sentence)).toContain('Descuento Fibra + Móvil');
  });

  it('falls back to the engine’s English description when a fact is missing', () => {
    const odd: BillLine = { ...byId('l2'), quantity: null, params: {} };
    expect(lineText(odd, es)).toBe('Data over allowance: 512 MB');
    const roaming: BillLine = { ...byId('l2'), cause: 'roaming', params: { zone: 'Rest of world' }, quantity: { amount: 20, unit: 'min' } };
    expect(lineText(roaming, en)).toBe('Roaming in Rest of world: 20 mins');
  });

  it('names taxes with their rate', () => {
    expect(billView.bill.taxItems.map((t) => taxName(t, en))).toEqual(['Not subject to VAT', 'VAT 21%']);
    expect(plain(taxName(billView.bill.taxItems[1]!, es))).toBe('IVA 21 %');
    expect(taxName({ taxCategory: 'X', name: 'Other tax 3%', rateBps: 300, taxableMinor: 1, taxMinor: 0 }, es)).toBe('Other tax 3%');
  });

  it('writes signed amounts with a real minus sign', () => {
    expect(signedMoney(1024, 'EUR', en)).toBe('+€10.24');
    expect(signedMoney(-200, 'EUR', en)).toBe('−€2.00');
    expect(signedMoney(0, 'EUR', en)).toBe('€0.00');
  });
});

describe('what changed, from the engine’s causes and params', () => {
  const items = billView.explanation!.items;

  it('keeps the biggest change first', () => {
    expect(biggestFirst([...items].reverse()).map((i) => i.amountMinor)).toEqual([1024, 500, 500, -200, 83]);
  });

  it('says each change in English with the service it is about', () => {
    expect(items.map((i) => changeText(i, billView.bill, en))).toEqual([
      { service: 'Mobile +353 871 234 567', sentence: 'Data over the allowance: €10.24 more.', amount: '+€10.24', direction: 'more' },
      { service: 'Fibre 500', sentence: 'Charges for part of a month: €5.00 more.', amount: '+€5.00', direction: 'more' },
      { service: 'Your account', sentence: 'Late payment fee: €5.00 more.', amount: '+€5.00', direction: 'more' },
      { service: 'Mobile +353 871 234 567', sentence: 'International calls: €2.00 less.', amount: '−€2.00', direction: 'less' },
      { service: 'Your account', sentence: 'Tax: €0.83 more.', amount: '+€0.83', direction: 'more' },
    ]);
  });

  it('in Spanish and Arabic, never the English sentence', () => {
    const spanish = items.map((i) => changeText(i, billView.bill, es));
    expect(plain(spanish[0]!.sentence)).toBe('Datos fuera de lo incluido: 10,24 € más.');
    expect(spanish[0]!.service).toBe('Móvil +353 871 234 567');
    expect(plain(spanish[3]!.sentence)).toBe('Llamadas internacionales: 2,00 € menos.');
    for (const [i, item] of items.entries()) {
      const english = changeText(item, billView.bill, en).sentence;
      expect(spanish[i]!.sentence).not.toBe(english);
      expect(changeText(item, billView.bill, ar).sentence).not.toContain(english);
    }
    expect(plain(changeText(items[2]!, billView.bill, ar).sentence)).toBe(plain(`رسوم التأخر في السداد: زيادة ${ar.money({ amountMinor: 500, currency: 'EUR' })}.`));
  });

  it('names a service no longer on the bill as the bill that had it did, and the other causes', () => {
    const gone: ExplanationItem = {
      productId: 'svc-old',
      service: { kind: 'fixed', identifier: '+34910000001', offeringName: 'Home Phone' },
      cause: 'removedService',
      amountMinor: -500,
      params: { direction: 'less' },
    };
    expect(changeText(gone, billView.bill, es)).toMatchObject({ service: 'Teléfono fijo +34 910 000 001', sentence: 'Servicio dado de baja: 5,00 € menos.'.replace(' €', '\u00a0€') });
    const plan: ExplanationItem = { ...gone, productId: 'svc-bb-1', cause: 'planChange', amountMinor: 700, params: { fromPlan: 'Fibre 300', toPlan: 'Fibre 500' } };
    expect(changeText(plan, billView.bill, en).sentence).toBe('Plan changed from Fibre 300 to Fibre 500: €7.00 more.');
    const discount: ExplanationItem = { ...gone, productId: null, cause: 'discountStarted', amountMinor: -230, params: { name: 'Loyalty discount (3 years with us)' } };
    expect(changeText(discount, billView.bill, en)).toMatchObject({ service: 'Your account', sentence: 'Loyalty discount (3 years with us) started: €2.30 less.' });
  });
});

describe('credit decision reasons', () => {
  it('are said from their code and params in each language', () => {
    const within = approved.reasons[0]!;
    expect(reasonText(within, 'EUR', en)).toBe('Your credit rating (band A) allows a limit of up to €600.00.');
    expect(plain(reasonText(within, 'EUR', es))).toBe('Tu calificación de crédito (banda A) permite un límite de hasta 600,00 €.');
    const offline = { code: 'OFFLINE_ALLOWANCE', text: 'English', params: { allowanceMinor: 10000, referredMinor: 5000 } };
    expect(reasonText(offline, 'EUR', en)).toBe('This kiosk can raise a limit by up to €100.00 on its own; staff will look at the other €50.00.');
    const overdue = { code: 'OVERDUE_OVER_30_DAYS', text: 'English', params: { days: 33 } };
    expect(reasonText(overdue, 'EUR', en)).toBe('A bill has been unpaid for 33 days after its due date.');
    expect(plain(reasonText(overdue, 'EUR', ar))).toBe('توجد فاتورة غير مدفوعة منذ 33 يومًا بعد تاريخ استحقاقها.');
    const below = { code: 'REQUEST_BELOW_EXPOSURE', text: 'English', params: { requestedMinor: 20000, exposureMinor: 25000 } };
    expect(reasonText(below, 'EUR', en)).toBe('The limit you asked for (€200.00) is less than what you already owe and have committed (€250.00).');
    const bandE = { code: 'RISK_BAND_E', text: 'English', params: { score: 312, band: 'E' } };
    expect(reasonText(bandE, 'EUR', en)).toBe('Your credit score (312) is too low for a higher limit right now.');
  });

  it('fall back to the core’s English text for an unknown code or a missing param', () => {
    expect(reasonText({ code: 'SOMETHING_NEW', text: 'Something new happened.', params: {} }, 'EUR', es)).toBe('Something new happened.');
    expect(reasonText({ code: 'PARTIAL_APPROVAL', text: 'A lower limit than requested is approved.', params: {} }, 'EUR', ar)).toBe('A lower limit than requested is approved.');
  });
});

describe('Translator additions', () => {
  it('writes months, short days, percentages and currency symbols for the locale', () => {
    expect(en.monthYear('2026-11-01')).toBe('November 2026');
    expect(es.monthYear('2026-11-01')).toBe('noviembre de 2026');
    expect(en.dayMonth('2026-11-26')).toBe('26 Nov');
    expect(en.percent(2100)).toBe('21%');
    expect(en.currencySymbol('EUR')).toBe('€');
  });
});
