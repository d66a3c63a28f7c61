import { formatLocales, textDirection, type Language } from '../locales.ts';
import { formatMoney, type Money } from '../money.ts';
import { catalogues } from './catalogues.ts';
import type { Messages, PluralKey, PluralMessage, TextKey } from './types.ts';

export type Params = Readonly<Record<string, string | number>>;
export type QuantityUnit = 'MB' | 'min' | 'SMS';

const FSI = '\u2068';
const PDI = '\u2069';
const MB_PER_GB = 1024;

/**
 * Everything language-dependent for one language: messages (with plurals chosen by
 * Intl.PluralRules), numbers, money, calendar dates and times. Immutable; the app derives a new
 * one whenever the language changes. Paper passes `isolate: false`: a printer cannot encode the
 * direction isolates and a fixed-width row would count them as columns.
 */
export class Translator {
  readonly language: Language;
  readonly locale: string;
  readonly dir: 'ltr' | 'rtl';
  readonly #messages: Messages;
  readonly #plurals: Intl.PluralRules;
  readonly #numbers: Intl.NumberFormat;
  readonly #dates: Intl.DateTimeFormat;
  readonly #shortDates: Intl.DateTimeFormat;
  readonly #times: Intl.DateTimeFormat;
  readonly #months: Intl.DateTimeFormat;
  readonly #dayMonths: Intl.DateTimeFormat;
  readonly #localDates: Intl.DateTimeFormat;
  readonly #isolate: boolean;

  constructor(language: Language, options: { isolate?: boolean } = {}) {
    this.language = language;
    this.locale = formatLocales[language];
    this.dir = textDirection[language];
    this.#messages = catalogues[language];
    this.#isolate = options.isolate ?? true;
    this.#plurals = new Intl.PluralRules(this.locale);
    this.#numbers = new Intl.NumberFormat(this.locale);
    this.#dates = new Intl.DateTimeFormat(this.locale, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
    this.#shortDates = new Intl.DateTimeFormat(this.locale, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
    this.#times = new Intl.DateTimeFormat(this.locale, { hour: '2-digit', minute: '2-digit' });
    this.#months = new Intl.DateTimeFormat(this.locale, { month: 'long', year: 'numeric', timeZone: 'UTC' });
    this.#dayMonths = new Intl.DateTimeFormat(this.locale, { day: 'numeric', month: 'short', timeZone: 'UTC' });
    this.#localDates = new Intl.DateTimeFormat(this.locale, { day: 'numeric', month: 'long', year: 'numeric' });
  }

  /** A plain message with `{placeholders}` filled in. */
  t(key: TextKey, params?: Params): string {
    return this.#fill(this.#messages[key] as string, params);
  }

  /** A plural message for `count`; `{count}` is the count formatted for the locale. */
  plural(key: PluralKey, count: number, params?: Params): string {
    const forms = this.#messages[key] as PluralMessage;
    const form = forms[this.#plurals.select(count)] ?? forms.other;
    return this.#fill(form, { count: this.number(count), ...params });
  }

  number(value: number, options?: Intl.NumberFormatOptions): string {
    return options ? new Intl.NumberFormat(this.locale, options).format(value) : this.#numbers.format(value);
  }

  money(value: Money): string {
    return formatMoney(value, this.locale);
  }

  /** A calendar date (YYYY-MM-DD, the operator's date) written out in full, e.g. 14 March 2025. */
  date(calendarDate: string): string {
    return this.#dates.format(calendarDateToUtc(calendarDate));
  }

  /** The month a calendar date falls in, e.g. November 2026 (a bill's name in the history). */
  monthYear(calendarDate: string): string {
    return this.#months.format(calendarDateToUtc(calendarDate));
  }

  /** Day and short month, e.g. 26 Nov (chart axes, day-by-day tables). */
  dayMonth(calendarDate: string): string {
    return this.#dayMonths.format(calendarDateToUtc(calendarDate));
  }

  /** A rate in basis points as a percentage, e.g. 2100 → 21%. */
  percent(bps: number): string {
    return this.number(bps / 10_000, { style: 'percent', maximumFractionDigits: 2 });
  }

  /** The decimal separator of this language's numbers, e.g. `,` in Spanish (the amount keypad's key). */
  get decimalSeparator(): string {
    return this.#numbers.formatToParts(1.5).find((p) => p.type === 'decimal')?.value ?? '.';
  }

  /** The currency's symbol in this language, e.g. € (labels an amount field). */
  currencySymbol(currency: string): string {
    const parts = new Intl.NumberFormat(this.locale, { style: 'currency', currency }).formatToParts(0);
    return parts.find((p) => p.type === 'currency')?.value ?? currency;
  }

  /** A span of calendar dates, e.g. 1–28 Feb 2025. */
  dateRange(start: string, end: string): string {
    return this.#shortDates.formatRange(calendarDateToUtc(start), calendarDateToUtc(end));
  }

  /** The day an instant fell on in the kiosk's own time zone, written out in full. */
  dayOfInstant(instant: string | Date): string {
    return this.#localDates.format(typeof instant === 'string' ? new Date(instant) : instant);
  }

  /** Hours and minutes of an instant in the kiosk's own time zone, e.g. 14:05. */
  time(instant: string | Date): string {
    return this.#times.format(typeof instant === 'string' ? new Date(instant) : instant);
  }

  /**
   * A usage quantity: megabytes become GB from 1 GB up, minutes and texts keep their unit. Whole
   * units by default; `precise` keeps up to two decimals (a bill line's billed quantity, a day's use).
   */
  quantity(value: number, unit: QuantityUnit, precise = false): string {
    const digits = precise ? 2 : 0;
    switch (unit) {
      case 'MB':
        return value >= MB_PER_GB
          ? this.number(value / MB_PER_GB, { style: 'unit', unit: 'gigabyte', unitDisplay: 'short', maximumFractionDigits: precise ? 2 : 1 })
          : this.number(value, { style: 'unit', unit: 'megabyte', unitDisplay: 'short', maximumFractionDigits: digits });
      case 'min':
        return this.number(value, { style: 'unit', unit: 'minute', unitDisplay: 'short', maximumFractionDigits: digits });
      case 'SMS':
        return this.plural('usage.texts', value);
    }
  }

  #fill(template: string, params?: Params): string {
    if (!params) return template;
    return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
      const value = params[name];
      if (value === undefined) return whole;
      // In right-to-left text, isolate inserted names, numbers and amounts so they keep their own direction.
      return this.#isolate && this.dir === 'rtl' ? FSI + String(value) + PDI : String(value);
    });
  }
}

function calendarDateToUtc(calendarDate: string): Date {
  return new Date(`${calendarDate}T00:00:00Z`);
}
