import type { CreditDecisionView } from '../../../shared/contract/credit.ts';
import { money } from '../../../shared/money.ts';
import type { Translator } from '../../../shared/i18n/translator.ts';

type Reason = CreditDecisionView['reasons'][number];

function minor(params: Reason['params'], name: string): number | undefined {
  const value = params[name];
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : undefined;
}

function word(params: Reason['params'], name: string): string | undefined {
  const value = params[name];
  return typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : undefined;
}

/**
 * A decision reason in the customer's language, from its code and params (amounts there are
 * minor units of the decision's currency). A code this screen does not know, or one missing a
 * param, falls back to the core's English text.
 */
export function reasonText(reason: Reason, currency: string, tr: Translator): string {
  const p = reason.params;
  const amount = (name: string): string | undefined => {
    const value = minor(p, name);
    return value === undefined ? undefined : tr.money(money(value, currency));
  };
  switch (reason.code) {
    case 'WITHIN_BAND_LIMIT': {
      const band = word(p, 'band');
      const ceiling = amount('bandCeilingMinor');
      if (band && ceiling) return tr.t('creditScreen.reason.WITHIN_BAND_LIMIT', { band, amount: ceiling });
      break;
    }
    case 'ABOVE_AUTO_APPROVAL_CEILING': {
      const ceiling = amount('autoCeilingMinor');
      if (ceiling) return tr.t('creditScreen.reason.ABOVE_AUTO_APPROVAL_CEILING', { amount: ceiling });
      break;
    }
    case 'ABOVE_BAND_LIMIT': {
      const band = word(p, 'band');
      const ceiling = amount('bandCeilingMinor');
      if (band && ceiling) return tr.t('creditScreen.reason.ABOVE_BAND_LIMIT', { band, amount: ceiling });
      break;
    }
    case 'PARTIAL_APPROVAL': {
      const approved = amount('approvedMinor');
      if (approved) return tr.t('creditScreen.reason.PARTIAL_APPROVAL', { amount: approved });
      break;
    }
    case 'OFFLINE_ALLOWANCE': {
      const allowance = amount('allowanceMinor');
      const referred = amount('referredMinor');
      if (allowance && referred) return tr.t('creditScreen.reason.OFFLINE_ALLOWANCE', { amount: allowance, referred });
      break;
    }
    case 'RISK_BAND_D':
    case 'RISK_BAND_E': {
      const score = minor(p, 'score');
      if (score !== undefined) return tr.t(`creditScreen.reason.${reason.code}`, { score: tr.number(score) });
      break;
    }
    case 'OVERDUE_OVER_30_DAYS': {
      const days = minor(p, 'days');
      if (days !== undefined) return tr.plural('creditScreen.reason.OVERDUE_OVER_30_DAYS', days);
      break;
    }
    case 'REQUEST_BELOW_EXPOSURE': {
      const requested = amount('requestedMinor');
      const exposure = amount('exposureMinor');
      if (requested && exposure) return tr.t('creditScreen.reason.REQUEST_BELOW_EXPOSURE', { amount: requested, exposure });
      break;
    }
  }
  return reason.text;
}
