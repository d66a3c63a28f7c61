import { describe, expect, it } from 'vitest';
import { catalogues, languageNames } from '../../shared/i18n/catalogues.ts';
import { Translator } from '../../shared/i18n/translator.ts';
import { en } from '../../shared/i18n/en.ts';
import { languages } from '../../shared/locales.ts';
import type { Money } from '../../shared/money.ts';

const eur = (amountMinor: number): Money => ({ amountMinor, currency: 'EUR' });
const spaces = (text: string): string => text.replace(/[\s\u00a0\u202f]/g, ' ');

describe('catalogues', () => {
  it('give every language exactly the English keys, with the same plain/plural shape', () => {
    const keys = Object.keys(en).sort();
    for (const language of languages) {
      const catalogue = catalogues[language] as Record<string, unknown>;
      expect(Object.keys(catalogue).sort(), language).toEqual(keys);
      for (const key of keys) {
        const english = (en as Record<string, unknown>)[key];
        const value = catalogue[key];
        expect(typeof value, `${language} ${key}`).toBe(typeof english);
        if (typeof value === 'object') expect((value as { other?: string }).other, `${language} ${key}.other`).toBeTruthy();
        else expect(value, `${language} ${key}`).not.toBe('');
      }
    }
  });

  it('keep placeholders the same across languages', () => {
    const placeholders = (text: unknown): string[] =>
      [...JSON.stringify(text).matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').filter((p) => p !== 'count').sort();
    for (const key of Object.keys(en)) {
      const expected = [...new Set(placeholders((en as Record<string, unknown>)[key]))];
      for (const language of ['es', 'ar'] as const) {
        const found = [...new Set(placeholders((catalogues[language] as Record<string, unknown>)[key]))];
        expect(found, `${language} ${key}`).toEqual(expected);
      }
    }
  });

  it('name each language in that language', () => {
    expect(languageNames).toEqual({ en: 'English', es: 'Español', ar: 'العربية' });
  });
});

describe('Translator', () => {
  const en = new Translator('en');
  const es = new Translator('es');
  const ar = new Translator('ar');

  it('fills placeholders', () => {
    expect(en.t('overview.greeting', { name: 'Aoife Byrne' })).toBe('Hello, Aoife Byrne');
    expect(es.t('overview.greeting', { name: 'Aoife Byrne' })).toBe('Hola, Aoife Byrne');
  });

  it('isolates inserted values only in right-to-left text', () => {
    expect(ar.t('overview.greeting', { name: 'Aoife Byrne' })).toBe('مرحبًا، \u2068Aoife Byrne\u2069');
    expect(en.t('overview.greeting', { name: 'Aoife Byrne' })).not.toContain('\u2068');
    expect(ar.dir).toBe('rtl');
    expect(en.dir).toBe('ltr');
  });

  it('chooses plural forms with Intl.PluralRules', () => {
    expect(en.plural('services.count', 1)).toBe('1 service');
    expect(en.plural('services.count', 0)).toBe('0 services');
    expect(en.plural('services.count', 3)).toBe('3 services');
    expect(en.plural('signIn.error.authFailed', 1)).toBe("That number and PIN don't match. 1 attempt left.");
    expect(es.plural('signIn.error.authFailed', 2)).toBe('El número y el PIN no coinciden. Te quedan 2 intentos.');
    expect(ar.plural('services.count', 2)).toBe('خدمتان');
    expect(ar.plural('signIn.error.authFailed', 2)).toContain('محاولتان');
    expect(ar.plural('signIn.error.authFailed', 3)).toContain('محاولات');
    expect(ar.plural('signIn.error.authFailed', 11)).toContain('\u206811\u2069 محاولة');
  });

  it('formats money from integer minor units with the shared formatter', () => {
    expect(en.money(eur(4250))).toBe('€42.50');
    expect(en.money(eur(-1999))).toBe('-€19.99');
    expect(spaces(es.money(eur(123456)))).toBe('1234,56 €');
    expect(en.money({ amountMinor: 1500, currency: 'JPY' })).toBe('JP¥1,500');
  });

  it('writes calendar dates without shifting them by time zone', () => {
    expect(en.date('2025-03-21')).toBe('21 March 2025');
    expect(en.date('2025-01-01')).toBe('1 January 2025');
    expect(es.date('2025-03-21')).toBe('21 de marzo de 2025');
    expect(spaces(en.dateRange('2025-02-01', '2025-02-28'))).toBe('1 – 28 Feb 2025');
  });

  it('writes times as hours and minutes in local time', () => {
    expect(en.time(new Date(2025, 2, 10, 14, 5))).toBe('14:05');
    expect(en.time(new Date(2025, 2, 10, 9, 30).toISOString())).toBe('09:30');
  });

  it('writes usage quantities with their units', () => {
    expect(en.quantity(3277, 'MB')).toBe('3.2 GB');
    expect(en.quantity(20480, 'MB')).toBe('20 GB');
    expect(en.quantity(512, 'MB')).toBe('512 MB');
    expect(en.quantity(125, 'min')).toBe('125 mins');
    expect(en.quantity(1, 'min')).toBe('1 min');
    expect(en.quantity(42, 'SMS')).toBe('42 texts');
    expect(en.quantity(1, 'SMS')).toBe('1 text');
    expect(spaces(es.quantity(3277, 'MB'))).toBe('3,2 GB');
  });
});
