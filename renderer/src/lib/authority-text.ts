import type { AuthorityRefusal } from '../../../shared/contract/assist.ts';
import { money } from '../../../shared/money.ts';
import type { Translator } from '../../../shared/i18n/translator.ts';
import type { AuthorityProblem, ConfirmSubject } from './authority.ts';

/** What a PIN dialog is asked for, in words. */
export function confirmSubjectText(subject: ConfirmSubject, tr: Translator): string {
  switch (subject.kind) {
    case 'creditApprove':
      return tr.t('assist.confirm.creditApprove', { amount: tr.money(subject.limit), name: subject.customerName });
    case 'creditDecline':
      return tr.t('assist.confirm.creditDecline', { name: subject.customerName });
    case 'orderApprove':
      return tr.t('assist.confirm.orderApprove', { name: subject.customerName, offering: subject.offeringName, change: tr.money(subject.monthlyChange) });
    case 'orderDecline':
      return tr.t('assist.confirm.orderDecline', { name: subject.customerName });
    case 'feeWaiver':
      return tr.t('assist.confirm.feeWaiver', { amount: tr.money(subject.amount), billNo: subject.billNo });
    case 'adjustment':
      return tr.t(subject.direction === 'credit' ? 'assist.confirm.adjustCredit' : 'assist.confirm.adjustDebit', { amount: tr.money(subject.amount) });
    case 'counterCash':
      return tr.t('assist.confirm.counterCash', { amount: tr.money(subject.amount) });
    case 'openAccount':
      return tr.t('assist.confirm.openAccount', { name: subject.customerName });
    case 'resetPin':
      return tr.t('assist.confirm.resetPin');
  }
}

/**
 * Which limit a refusal is about, what it is, what was used of it today and what is left, in
 * words ('' when the refusal names no limit): the staff member's own, a supervisor's, or the
 * kiosk's (headquarters decides).
 */
export function limitText(refusal: AuthorityRefusal, tr: Translator): string {
  const { kind, limit, currency } = refusal;
  if (kind === undefined || limit === undefined || currency === undefined) return '';
  const amount = (minor: number | undefined) => tr.money(money(minor ?? 0, currency));
  const params = {
    kind: tr.t(`assist.limit.kind.${kind}`),
    limit: amount(refusal.limitMinor),
    used: amount(refusal.usedTodayMinor),
    left: amount(refusal.leftMinor),
    staffId: refusal.staffId ?? '',
  };
  if (refusal.needs === 'headquarters') return tr.t('assist.limit.headquarters', params);
  return tr.t(`assist.limit.${refusal.reason === 'supervisorOverLimit' ? 'supervisor' : 'own'}.${limit}`, params);
}

/** A staff request that went no further: beyond the kiosk's authority (with the limit), or a PIN dialog cancelled. */
export function authorityProblemText(problem: AuthorityProblem, tr: Translator): string {
  if (problem.kind === 'cancelled') return tr.t(problem.by === 'supervisor' ? 'assist.desk.error.cancelled' : 'assist.stepUp.cancelled');
  return (problem.refusal && limitText(problem.refusal, tr)) || tr.t('assist.desk.error.beyondAuthority');
}
