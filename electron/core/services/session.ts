import { KioskError } from '../../../shared/errors.ts';
import type { IdleSettings } from '../../../shared/contract/schemas.ts';
import type { EventBus } from '../infra/events.ts';
import { IdleSession } from './idle-session.ts';
import type { SignedIn } from './sign-in.ts';

/**
 * The one customer session a kiosk can hold (signed in by the customer, or opened by staff in
 * assist mode). When it ends, the screens are told to wipe themselves.
 */
export class SessionManager extends IdleSession<SignedIn> {
  constructor(idle: IdleSettings, events: EventBus, now: () => Date) {
    super(
      idle,
      {
        warned: (secondsLeft) => events.emit('session.idleWarning', { secondsLeft }),
        resumed: () => events.emit('session.resumed', {}),
        ended: (reason) => events.emit('session.ended', { reason }),
      },
      now,
      () => new KioskError('NOT_SIGNED_IN', 'Please sign in first.'),
    );
  }
}
