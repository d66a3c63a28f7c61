import type { CoreServices } from '../services/core-services.ts';
import type { HandlersFor } from '../ipc/dispatch.ts';

/** Assist mode: a member of staff signs in and out, who is in it, and their idle clock. */
export function staffChannels({
  settings,
  staff,
  reconfirm,
  audit,
  log,
}: Pick<CoreServices, 'settings' | 'staff' | 'reconfirm' | 'audit' | 'log'>): HandlersFor<'staff.signIn' | 'staff.signOut' | 'staff.session' | 'staff.touch'> {
  return {
    'staff.signIn': async ({ staffId, pin }) => {
      const member = await reconfirm.verify(staffId, pin);
      // Another member of staff taking over ends the first one's assist mode (and whatever it had open).
      if (staff.current && staff.current.staffId !== member.staffId) staff.end('signedOut');
      // The same member again (the idle warning's Continue) carries on, with the PIN just given; only a new one is a sign-in.
      if (staff.current?.staffId !== member.staffId) audit.record({ actorKind: member.role, actorId: member.staffId, action: 'staff.signedIn' });
      staff.start(member);
      reconfirm.given(member.staffId);
      log.info({ event: 'assistStarted', staffId: member.staffId, role: member.role }, 'assist mode started');
      return { ...member, idle: settings.assist.idle };
    },
    'staff.signOut': () => {
      staff.end('signedOut');
      return {};
    },
    // Open to anyone (the screens ask who is in assist mode): it only reports, and keeps nobody's session alive.
    'staff.session': () => (staff.current ? { ...staff.current, idle: settings.assist.idle } : null),
    // A staff channel: the dispatcher counted it as the staff member's activity already.
    'staff.touch': () => ({ idleDeadline: staff.touch().toISOString() }),
  };
}
