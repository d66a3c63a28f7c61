import type { CoreServices } from '../services/core-services.ts';
import type { HandlersFor } from '../ipc/dispatch.ts';

/** What the kiosk referred to staff: credit-limit requests and held orders, and staff's decision on each. */
export function assistReferralChannels({
  staff,
  referrals,
  orderReferrals,
  log,
}: Pick<CoreServices, 'staff' | 'referrals' | 'orderReferrals' | 'log'>): HandlersFor<
  'assist.creditReferrals' | 'assist.decideCredit' | 'assist.orderReferrals' | 'assist.decideOrder'
> {
  return {
    'assist.creditReferrals': () => ({ referrals: referrals.list() }),
    'assist.decideCredit': async (input) => {
      const member = staff.require();
      const decided = await referrals.decide(member, input);
      log.info({ event: 'staffCreditDecision', staffId: member.staffId, decision: decided.decision, approvedBy: decided.approvedBy }, 'staff decided a referred credit request');
      return decided;
    },
    'assist.orderReferrals': () => ({ referrals: orderReferrals.list() }),
    'assist.decideOrder': async (input) => {
      const member = staff.require();
      const decided = await orderReferrals.decide(member, input);
      log.info({ event: 'staffOrderDecision', staffId: member.staffId, decision: decided.decision, approvedBy: decided.approvedBy }, 'staff decided a referred order');
      return decided;
    },
  };
}
