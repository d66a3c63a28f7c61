import type { CoreServices } from '../services/core-services.ts';
import type { HandlersFor } from '../ipc/dispatch.ts';

/** "Call staff": from any screen, and for staff the calls still waiting and closing one once helped. */
export function helpChannels({
  help,
  session,
  staff,
  customer,
  now,
  log,
}: Pick<CoreServices, 'help' | 'session' | 'staff' | 'customer' | 'now' | 'log'>): HandlersFor<'help.call' | 'assist.helpCalls' | 'assist.closeHelp'> {
  return {
    'help.call': ({ screen }) => {
      const called = help.call(session.active ? customer() : null, screen, now());
      log.info({ event: 'helpCall', screen }, 'customer called for staff');
      return called;
    },
    'assist.helpCalls': () => ({ calls: help.open() }),
    'assist.closeHelp': ({ id, note }) => {
      help.close(staff.require(), id, note ?? null, now());
      return {};
    },
  };
}
