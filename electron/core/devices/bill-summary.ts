import type { CustomerBill } from '../../../shared/billing/bill.ts';
import type { Language } from '../../../shared/locales.ts';
import { canEncode } from './escpos.ts';
import { center, row } from './paper.ts';
import { paperTranslator, type FormattedReceipt, type ReceiptLine } from './receipt.ts';
import { PAPER_FALLBACK_LANGUAGE } from './receipt-printer.ts';

export interface BillSummaryContext {
  accountNoMasked: string;
  branchName: string;
  /** What is still to pay on this bill now (payments since it was issued). */
  remainingMinor: number;
  language: Language;
}

/**
 * A bill's summary on receipt paper: a line per service, account items, tax, totals and what is
 * still to pay. Languages the printer's code page cannot print fall back to English, as receipts do.
 */
export function formatBillSummary(bill: CustomerBill, context: BillSummaryContext, width: number): FormattedReceipt {
  const layout = layoutIn(context.language, bill, context, width);
  return layout.lines.every((line) => canEncode(line.text)) ? layout : layoutIn(PAPER_FALLBACK_LANGUAGE, bill, context, width);
}

function layoutIn(language: Language, bill: CustomerBill, context: BillSummaryContext, width: number): FormattedReceipt {
  const tr = paperTranslator(language);
  const money = (amountMinor: number) => tr.money({ amountMinor, currency: bill.currency });
  const date = (d: string) => new Intl.DateTimeFormat(tr.locale, { timeZone: 'UTC', day: '2-digit', month: '2-digit', year: 'numeric' }).format(new Date(`${d}T00:00:00Z`));
  const lines: ReceiptLine[] = [];
  const add = (texts: string[], style: ReceiptLine['style'] = 'normal') => texts.forEach((text) => lines.push({ text, style }));
  const rule = (char: string) => add([char.repeat(width)]);

  add(center(tr.t('billSummary.title'), width), 'title');
  add(center(context.branchName, width));
  add(['']);
  add(row(tr.t('billSummary.account'), context.accountNoMasked, width));
  add(row(tr.t('billSummary.bill'), bill.billNo, width));
  add(row(tr.t('billSummary.date'), date(bill.billDate), width));
  add(row(tr.t('billSummary.period'), `${date(bill.billingPeriod.start)}-${date(bill.billingPeriod.end)}`, width));
  add(row(tr.t('billSummary.dueBy'), date(bill.paymentDueDate), width));
  rule('-');
  for (const section of bill.services) add(row(`${tr.t(`billSummary.kind.${section.kind}`)} ${section.kind === 'mobile' || section.kind === 'fixed' ? section.identifier : section.offeringName}`, money(section.subtotalMinor), width));
  // Account items one by one (a discount and a fee must not hide each other in a sum); their
  // descriptions are the catalog's names, printed as they are.
  for (const item of bill.accountItems) add(row(item.description, money(item.amountMinor), width));
  rule('-');
  add(row(tr.t('billSummary.subtotal'), money(bill.taxExcludedAmountMinor), width));
  for (const tax of bill.taxItems) if (tax.taxMinor !== 0) add(row(tax.name, money(tax.taxMinor), width));
  rule('=');
  add(row(tr.t('billSummary.total'), money(bill.taxIncludedAmountMinor), width), 'total');
  add(row(tr.t('billSummary.forward'), money(bill.balanceForwardMinor), width));
  add(row(tr.t('billSummary.amountDue'), money(bill.amountDueMinor), width), 'total');
  add(row(tr.t('billSummary.stillToPay'), money(context.remainingMinor), width));
  const qrPayload = `onebill:bill?${new URLSearchParams({ v: '1', b: bill.billNo, a: String(bill.amountDueMinor), c: bill.currency }).toString()}`;
  return { language, width, lines, qrPayload };
}
