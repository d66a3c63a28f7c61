import type { CoreServices } from '../services/core-services.ts';
import type { HandlersFor } from '../ipc/dispatch.ts';

/** Money staff move on the open account: cash at the counter, late fees and their waiver, adjustments. */
export function assistMoneyChannels({
  staff,
  payments,
  adjustments,
  customer,
  log,
}: Pick<CoreServices, 'staff' | 'payments' | 'adjustments' | 'customer' | 'log'>): HandlersFor<'assist.takeCash' | 'assist.lateFees' | 'assist.waiveFee' | 'assist.adjust'> {
  return {
    'assist.takeCash': async ({ language, ...input }) => {
      const member = staff.require();
      const taken = await payments.takeAtCounter(customer(), language, input, member);
      log.info({ event: 'counterCash', staffId: member.staffId, amountMinor: input.amountMinor }, 'staff took cash at the counter');
      return taken;
    },
    'assist.lateFees': () => ({ fees: adjustments.lateFees(customer()) }),
    'assist.waiveFee': async (input) => {
      const member = staff.require();
      const waived = await adjustments.waiveFee(member, customer(), input);
      log.info({ event: 'feeWaived', staffId: member.staffId, amountMinor: waived.amount.amountMinor, approvedBy: waived.approvedBy }, 'staff waived a late fee');
      return waived;
    },
    'assist.adjust': async (input) => {
      const member = staff.require();
      const adjusted = await adjustments.adjust(member, customer(), input);
      log.info({ event: 'accountAdjusted', staffId: member.staffId, amountMinor: adjusted.amount.amountMinor, approvedBy: adjusted.approvedBy }, 'staff adjusted an account');
      return adjusted;
    },
  };
}
