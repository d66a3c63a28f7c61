import type { CustomerBill } from '../../../shared/billing/bill.ts';
import type { ProductKind } from '../../../shared/domain/product.ts';
import type { Language } from '../../../shared/locales.ts';
import { formatMoney } from '../../../shared/money.ts';
import { canEncode } from './escpos.ts';
import { center, row } from './paper.ts';
import { receiptLocales, type FormattedReceipt, type ReceiptLine } from './receipt.ts';
import { PAPER_FALLBACK_LANGUAGE } from './receipt-printer.ts';

export interface BillSummaryContext {
  accountNoMasked: string;
  branchName: string;
  /** What is still to pay on this bill now (payments since it was issued). */
  remainingMinor: number;
  language: Language;
}

interface Labels {
  title: string;
  account: string;
  bill: string;
  date: string;
  period: string;
  dueBy: string;
  kinds: Record<ProductKind, string>;
  subtotal: string;
  total: string;
  forward: string;
  amountDue: string;
  stillToPay: string;
}

const labels: Partial<Record<Language, Labels>> = {
  en: {
    title: 'BILL SUMMARY',
    account: 'Account',
    bill: 'Bill',
    date: 'Date',
    period: 'Period',
    dueBy: 'Due by',
    kinds: { mobile: 'Mobile', broadband: 'Broadband', tv: 'TV', fixed: 'Home phone' },
    subtotal: 'Subtotal before tax',
    total: 'BILL TOTAL',
    forward: 'Brought forward',
    amountDue: 'AMOUNT DUE',
    stillToPay: 'Still to pay today',
  },
  es: {
    title: 'RESUMEN DE FACTURA',
    account: 'Cuenta',
    bill: 'Factura',
    date: 'Fecha',
    period: 'Periodo',
    dueBy: 'Vence el',
    kinds: { mobile: 'Móvil', broadband: 'Fibra', tv: 'TV', fixed: 'Teléfono fijo' },
    subtotal: 'Base imponible',
    total: 'TOTAL FACTURA',
    forward: 'Saldo anterior',
    amountDue: 'IMPORTE A PAGAR',
    stillToPay: 'Pendiente hoy',
  },
};

/**
 * A bill's summary on receipt paper: a line per service, account items, tax, totals and what is
 * still to pay. Languages the printer's code page cannot print fall back to English, as receipts do.
 */
export function formatBillSummary(bill: CustomerBill, context: BillSummaryContext, width: number): FormattedReceipt {
  const language = labels[context.language] ? context.language : PAPER_FALLBACK_LANGUAGE;
  const layout = layoutIn(language, bill, context, width);
  return layout.lines.every((line) => canEncode(line.text)) ? layout : layoutIn(PAPER_FALLBACK_LANGUAGE, bill, context, width);
}

function layoutIn(language: Language, bill: CustomerBill, context: BillSummaryContext, width: number): FormattedReceipt {
  const l = labels[language] as Labels;
  const locale = receiptLocales[language];
  const money = (amountMinor: number) => formatMoney({ amountMinor, currency: bill.currency }, locale);
  const date = (d: string) => new Intl.DateTimeFormat(locale, { timeZone: 'UTC', day: '2-digit', month: '2-digit', year: 'numeric' }).format(new Date(`${d}T00:00:00Z`));
  const lines: ReceiptLine[] = [];
  const add = (texts: string[], style: ReceiptLine['style'] = 'normal') => texts.forEach((text) => lines.push({ text, style }));
  const rule = (char: string) => add([char.repeat(width)]);

  add(center(l.title, width), 'title');
  add(center(context.branchName, width));
  add(['']);
  add(row(l.account, context.accountNoMasked, width));
  add(row(l.bill, bill.billNo, width));
  add(row(l.date, date(bill.billDate), width));
  add(row(l.period, `${date(bill.billingPeriod.start)}-${date(bill.billingPeriod.end)}`, width));
  add(row(l.dueBy, date(bill.paymentDueDate), width));
  rule('-');
  for (const section of bill.services) add(row(`${l.kinds[section.kind]} ${section.kind === 'mobile' || section.kind === 'fixed' ? section.identifier : section.offeringName}`, money(section.subtotalMinor), width));
  // Account items one by one (a discount and a fee must not hide each other in a sum); their
  // descriptions are the catalog's names, printed as they are.
  for (const item of bill.accountItems) add(row(item.description, money(item.amountMinor), width));
  rule('-');
  add(row(l.subtotal, money(bill.taxExcludedAmountMinor), width));
  for (const tax of bill.taxItems) if (tax.taxMinor !== 0) add(row(tax.name, money(tax.taxMinor), width));
  rule('=');
  add(row(l.total, money(bill.taxIncludedAmountMinor), width), 'total');
  add(row(l.forward, money(bill.balanceForwardMinor), width));
  add(row(l.amountDue, money(bill.amountDueMinor), width), 'total');
  add(row(l.stillToPay, money(context.remainingMinor), width));
  const qrPayload = `onebill:bill?${new URLSearchParams({ v: '1', b: bill.billNo, a: String(bill.amountDueMinor), c: bill.currency }).toString()}`;
  return { language, width, lines, qrPayload };
}
