import { z } from 'zod';
import { Translator } from '../../../shared/i18n/translator.ts';
import { Language } from '../../../shared/locales.ts';
import type { Money } from '../../../shared/money.ts';
import { AuthorizationCode, CardBrand, CardLast4 } from './payment-terminal.ts';
import { center, row } from './paper.ts';

/**
 * A payment receipt: the facts (pure data, zod-checked) and a pure formatter to fixed-width text
 * lines, used for the paper receipt and its text rendering. The screen shows the same facts and
 * the same QR payload.
 */

const Minor = z.number().int().refine(Number.isSafeInteger, 'a safe integer');
const PositiveMinor = Minor.refine((n) => n > 0, 'more than zero');
const NonNegativeMinor = Minor.refine((n) => n >= 0, 'zero or more');

const TimeZone = z.string().refine((timeZone) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}, 'an IANA time zone such as Europe/Madrid');

export const ReceiptMethod = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('card'), cardBrand: CardBrand, cardLast4: CardLast4, authorizationCode: AuthorizationCode }).strict(),
  /** `changeMinor` is what was handed back; an overpayment kept as credit shows in `paid.creditOnAccountMinor` instead. */
  z.object({ kind: z.literal('cash'), insertedMinor: PositiveMinor, changeMinor: NonNegativeMinor }).strict(),
]);
export type ReceiptMethod = z.infer<typeof ReceiptMethod>;

export const Receipt = z
  .object({
    kioskId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{1,39}$/),
    /** The branch's time zone is the one the date and time are printed in, wherever the receipt is shown again. */
    branch: z.object({ id: z.string().regex(/^[A-Z0-9-]{2,20}$/), name: z.string().min(1).max(80).regex(/^[^\p{Cc}]*\S[^\p{Cc}]*$/u, 'printable text'), timeZone: TimeZone }).strict(),
    issuedAt: z.iso.datetime({ offset: true }),
    /** Unique per payment (e.g. the payment's UUIDv7); ASCII so a printer and a QR code carry it unchanged. */
    transactionNo: z.string().regex(/^[A-Za-z0-9-]{6,36}$/),
    /** The full account number; only its last four digits are ever printed. */
    accountNo: z.string().regex(/^\d{5,20}$/),
    currency: z.string().regex(/^[A-Z]{3}$/),
    /** What the customer paid, in minor units of `currency`. */
    amountMinor: PositiveMinor,
    method: ReceiptMethod,
    /** What the payment paid: bills (oldest first, as allocated) and any surplus credited to the account. */
    paid: z
      .object({
        bills: z.array(z.object({ billNo: z.string().regex(/^[A-Za-z0-9-]{1,24}$/), amountMinor: PositiveMinor }).strict()),
        creditOnAccountMinor: NonNegativeMinor,
      })
      .strict(),
    /** The account balance after this payment: positive means still owed, negative means in credit. */
    balanceAfterMinor: Minor,
    /** The staff member who assisted, in assist mode. */
    staffId: z.string().regex(/^[A-Za-z0-9_-]{1,24}$/).optional(),
    /** The language the customer was using; the receipt is printed and shown in it. */
    language: Language,
  })
  .strict()
  .superRefine((receipt, ctx) => {
    const allocated = receipt.paid.bills.reduce((sum, bill) => sum + bill.amountMinor, 0) + receipt.paid.creditOnAccountMinor;
    if (allocated !== receipt.amountMinor) ctx.addIssue({ code: 'custom', path: ['paid'], message: `bills and credit add up to ${allocated}, not the amount ${receipt.amountMinor}` });
    if (receipt.method.kind === 'cash' && receipt.method.insertedMinor - receipt.method.changeMinor !== receipt.amountMinor) {
      ctx.addIssue({ code: 'custom', path: ['method'], message: 'cash inserted less change must be the amount paid' });
    }
  });
export type Receipt = z.infer<typeof Receipt>;

export type ReceiptLineStyle = 'normal' | 'title' | 'total';
export interface ReceiptLine {
  text: string;
  /** `title` prints bold, `total` bold and double height; both keep the column width. */
  style: ReceiptLineStyle;
}

export interface FormattedReceipt {
  language: Language;
  width: number;
  lines: ReceiptLine[];
  qrPayload: string;
}

export interface ReceiptFormatOptions {
  /** Columns of the paper (42 on 80 mm paper in the printer's font B, 48 in font A, 32 on 58 mm). */
  width: number;
  /** Defaults to the receipt's own language. */
  language?: Language;
}

export const MIN_RECEIPT_WIDTH = 24;

/**
 * Lays a receipt out in `width` columns. Arabic is laid out in logical order (label first, value
 * last), which a right-to-left paragraph on screen shows with the label on the right; numbers
 * are as Intl gives them for the locale.
 */
export function formatReceipt(input: Receipt, options: ReceiptFormatOptions): FormattedReceipt {
  const receipt = Receipt.parse(input);
  const { width } = options;
  if (!Number.isInteger(width) || width < MIN_RECEIPT_WIDTH) throw new RangeError(`a receipt needs at least ${MIN_RECEIPT_WIDTH} columns, not ${width}`);
  const language = options.language ?? receipt.language;
  const tr = paperTranslator(language);
  const { locale } = tr;
  const money = (amountMinor: number): string => tr.money({ amountMinor, currency: receipt.currency });
  const issuedAt = new Date(receipt.issuedAt);
  const zone = receipt.branch.timeZone;

  const lines: ReceiptLine[] = [];
  const add = (texts: string[], style: ReceiptLineStyle = 'normal'): void => {
    for (const text of texts) lines.push({ text, style });
  };
  const rule = (char: string): void => add([char.repeat(width)]);

  add(center(tr.t('receipt.title'), width), 'title');
  add(center(receipt.branch.name, width));
  add(['']);
  add(row(tr.t('receipt.branch'), receipt.branch.id, width));
  add(row(tr.t('receipt.kiosk'), receipt.kioskId, width));
  add(row(tr.t('receipt.date'), new Intl.DateTimeFormat(locale, { timeZone: zone, day: '2-digit', month: '2-digit', year: 'numeric' }).format(issuedAt), width));
  add(row(tr.t('receipt.time'), new Intl.DateTimeFormat(locale, { timeZone: zone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(issuedAt), width));
  add(row(tr.t('receipt.transaction'), receipt.transactionNo, width));
  add(row(tr.t('receipt.account'), maskAccountNo(receipt.accountNo), width));
  rule('-');
  for (const bill of receipt.paid.bills) add(row(tr.t('receipt.bill', { billNo: bill.billNo }), money(bill.amountMinor), width));
  if (receipt.paid.creditOnAccountMinor > 0) add(row(tr.t('receipt.creditOnAccount'), money(receipt.paid.creditOnAccountMinor), width));
  rule('=');
  add(row(tr.t('receipt.total'), money(receipt.amountMinor), width), 'total');
  rule('-');
  if (receipt.method.kind === 'card') {
    add(row(tr.t('receipt.card'), `${receipt.method.cardBrand} ****${receipt.method.cardLast4}`, width));
    add(row(tr.t('receipt.authorization'), receipt.method.authorizationCode, width));
  } else {
    add(row(tr.t('receipt.cashInserted'), money(receipt.method.insertedMinor), width));
    add(row(tr.t('receipt.change'), money(receipt.method.changeMinor), width));
  }
  rule('-');
  const balance = receipt.balanceAfterMinor;
  add(row(balance < 0 ? tr.t('receipt.creditBalance') : tr.t('receipt.balanceDue'), money(Math.abs(balance)), width));
  if (receipt.staffId) add(row(tr.t('receipt.assistedBy'), receipt.staffId, width));
  add(['']);
  add(center(tr.t('receipt.thanks'), width));
  return { language, width, lines, qrPayload: qrPayload(receipt) };
}

/** The words of paper come from the message files; no direction isolates, which a printer cannot encode and a column count would miscount. */
export function paperTranslator(language: Language): Translator {
  return new Translator(language, { isolate: false });
}

/** The text of the receipt, one string per printed line (the QR code is not text). */
export function receiptText(receipt: Receipt, options: ReceiptFormatOptions): string[] {
  return formatReceipt(receipt, options).lines.map((line) => line.text);
}

/** Only the last four digits: enough for the customer to recognise the account, useless to anyone who finds the receipt. */
export function maskAccountNo(accountNo: string): string {
  return '*'.repeat(Math.max(0, accountNo.length - 4)) + accountNo.slice(-4);
}

const QR_SCHEME = 'onebill:receipt?';

/**
 * What the receipt's QR code carries: a short, URL-safe, ASCII string naming the transaction, the
 * kiosk, the amount and the instant, enough for staff or the hub to find the payment. No account
 * number or personal data: the receipt may be left behind.
 */
export function qrPayload(receipt: Receipt): string {
  const params = new URLSearchParams({
    v: '1',
    tx: receipt.transactionNo,
    k: receipt.kioskId,
    a: String(receipt.amountMinor),
    c: receipt.currency,
    t: compactUtc(receipt.issuedAt),
  });
  return QR_SCHEME + params.toString();
}

export interface QrReceiptReference {
  transactionNo: string;
  kioskId: string;
  amount: Money;
  issuedAt: string;
}

/** Reads a receipt QR payload back; null when it is not one of ours. */
export function parseQrPayload(payload: string): QrReceiptReference | null {
  if (!payload.startsWith(QR_SCHEME)) return null;
  const params = new URLSearchParams(payload.slice(QR_SCHEME.length));
  const [tx, k, a, c, t] = ['tx', 'k', 'a', 'c', 't'].map((key) => params.get(key));
  if (params.get('v') !== '1' || !tx || !k || !a || !c || !t) return null;
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(t);
  if (!m || !/^\d+$/.test(a)) return null;
  return { transactionNo: tx, kioskId: k, amount: { amountMinor: Number(a), currency: c }, issuedAt: `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z` };
}

/** ISO 8601 basic format in UTC (20261120T100509Z): no characters a URL or a QR byte stream would escape. */
function compactUtc(iso: string): string {
  return new Date(iso).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

// ---- fixed-width layout ----
