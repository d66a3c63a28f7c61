import { languages } from '../../../shared/locales.ts';
import type { CoreServices } from '../services/core-services.ts';
import type { HandlersFor } from '../ipc/dispatch.ts';

/** The kiosk itself and a customer's session: what the attract screen asks, signing in and out, the idle clock. */
export function kioskSessionChannels({
  settings,
  signIn,
  session,
  log,
}: Pick<CoreServices, 'settings' | 'signIn' | 'session' | 'log'>): HandlersFor<'kiosk.info' | 'session.signIn' | 'session.signOut' | 'session.touch'> {
  return {
    'kiosk.info': () => ({
      kioskId: settings.kioskId,
      branchId: settings.branchId,
      branchName: settings.branchName,
      defaultLanguage: settings.language,
      languages: [...languages],
      currency: settings.currency,
      idle: settings.idle,
    }),
    // Every sign-in attempt is on the audit trail, which travels to headquarters.
    'session.signIn': async ({ identifier, pin }) => {
      const who = await signIn.signIn(identifier, pin);
      session.start(who);
      log.info({ event: 'signIn' }, 'customer signed in');
      return { customerName: who.customerName, language: who.language, idle: settings.idle };
    },
    'session.signOut': () => {
      session.end('signedOut');
      return {};
    },
    'session.touch': () => ({ idleDeadline: session.touch().toISOString() }),
  };
}
