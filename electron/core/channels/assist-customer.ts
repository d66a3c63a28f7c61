import type { CoreServices } from '../services/core-services.ts';
import type { HandlersFor } from '../ipc/dispatch.ts';

/** Staff serving a customer: finding them, opening their account after an identity check, resetting their PIN. */
export function assistCustomerChannels({
  settings,
  staff,
  reconfirm,
  lookup,
  audit,
  session,
  pinReset,
  customer,
  log,
}: Pick<CoreServices, 'settings' | 'staff' | 'reconfirm' | 'lookup' | 'audit' | 'session' | 'pinReset' | 'customer' | 'log'>): HandlersFor<
  'assist.lookup' | 'assist.openAccount' | 'assist.resetPin'
> {
  return {
    'assist.lookup': ({ query }) => lookup.find(query),
    'assist.openAccount': async ({ accountId, checks, note, staffPin }) => {
      const member = staff.require();
      await reconfirm.confirm(member, staffPin);
      const holder = lookup.holder(accountId);
      // What was checked and by whom is on the audit trail before anything of the account is shown.
      audit.record({ actorKind: member.role, actorId: member.staffId, action: 'customer.identityChecked', accountId, after: { checks }, reason: note ?? null });
      session.start(holder);
      log.info({ event: 'assistOpenedAccount', staffId: member.staffId, checks }, 'staff opened a customer account');
      return { customerName: holder.customerName, language: holder.language, idle: settings.idle };
    },
    'assist.resetPin': async ({ newPin, reason, staffPin }) => {
      const member = staff.require();
      const accountId = customer();
      await reconfirm.confirm(member, staffPin);
      await pinReset.reset(member, accountId, newPin, reason);
      log.info({ event: 'pinReset', staffId: member.staffId }, 'staff unlocked a customer and set a new PIN');
      return {};
    },
  };
}
