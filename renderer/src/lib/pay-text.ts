import type { PaymentResult } from '../../../shared/contract/payments.ts';
import { money } from '../../../shared/money.ts';
import type { TextKey } from '../../../shared/i18n/types.ts';
import type { Translator } from '../../../shared/i18n/translator.ts';
import type { PayProblem, PayStage } from './state/pay.svelte.ts';

/** Why a payment was not started, in the customer's language. */
export function payProblemText(problem: PayProblem, currency: string, tr: Translator): string {
  switch (problem.kind) {
    case 'empty':
      return tr.t('payScreen.error.empty');
    case 'zero':
      return tr.t('payScreen.error.zero');
    case 'tooLarge':
      return tr.t('payScreen.error.tooLarge', { amount: tr.money(money(problem.maxMinor, currency)) });
    case 'nothingDue':
      return tr.t('payScreen.error.nothingDue');
    case 'rejected':
      return tr.t('payScreen.error.rejected');
    case 'device':
      return tr.t('payScreen.error.device');
    case 'failed':
      return tr.t('payScreen.error.failed');
  }
}

/** What the customer should do now, while the device works. */
export function stageText(stage: PayStage, method: PaymentResult['method'], tr: Translator): string {
  if (stage === 'starting') return tr.t(method === 'cash' ? 'payScreen.stage.startingCash' : 'payScreen.stage.startingCard');
  return tr.t(`payScreen.stage.${stage}`);
}

const declineKeys: Record<string, TextKey> = {
  insufficientFunds: 'payScreen.decline.insufficientFunds',
  doNotHonour: 'payScreen.decline.doNotHonour',
  expiredCard: 'payScreen.decline.expiredCard',
  wrongPin: 'payScreen.decline.wrongPin',
  cardNotSupported: 'payScreen.decline.cardNotSupported',
};

/** The outcome's headline and the sentence under it. */
export function outcomeText(result: PaymentResult, tr: Translator): { title: string; detail: string } {
  const taken = tr.money(result.amountTaken);
  const cash = result.method === 'cash';
  switch (result.status) {
    case 'approved':
      return { title: tr.t('payScreen.outcome.approved', { amount: taken }), detail: tr.t('payScreen.outcome.approvedDetail') };
    case 'declined': {
      const key = result.reason ? declineKeys[result.reason] : undefined;
      return { title: tr.t('payScreen.outcome.declined'), detail: `${tr.t(key ?? 'payScreen.decline.other')} ${tr.t('payScreen.outcome.nothingTaken')}` };
    }
    case 'timedOut':
      return result.amountTaken.amountMinor > 0
        ? { title: tr.t('payScreen.outcome.cashKept', { amount: taken }), detail: tr.t('payScreen.outcome.cashKeptDetail') }
        : { title: tr.t('payScreen.outcome.timedOut'), detail: tr.t(cash ? 'payScreen.outcome.timedOutCash' : 'payScreen.outcome.timedOutCard') };
    case 'cancelled':
      return result.amountTaken.amountMinor > 0
        ? { title: tr.t('payScreen.outcome.cashKept', { amount: taken }), detail: tr.t('payScreen.outcome.cashKeptDetail') }
        : { title: tr.t('payScreen.outcome.cancelled'), detail: tr.t(cash ? 'payScreen.outcome.cancelledCash' : 'payScreen.outcome.nothingTaken') };
    case 'failed':
      return result.amountTaken.amountMinor > 0
        ? { title: tr.t('payScreen.outcome.cashKept', { amount: taken }), detail: tr.t('payScreen.outcome.cashKeptDetail') }
        : { title: tr.t('payScreen.outcome.failed'), detail: tr.t('payScreen.outcome.nothingTaken') };
    case 'pending':
      return { title: tr.t('payScreen.outcome.pending'), detail: tr.t('payScreen.outcome.pendingDetail') };
  }
}
