import { v7 as uuidv7 } from 'uuid';
import type { PinVerifiers } from '../../../shared/node/pin.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Database } from '../ledger/db.ts';
import { Outbox } from '../ledger/outbox.ts';
import type { StaffMember } from './staff-sign-in.ts';

/**
 * Staff unlock a customer's sign-in and set the PIN the customer chose, for the account opened
 * after an identity check. The failure count is cleared, the new PIN stored as a keyed verifier, the
 * audit trail says who and why, and headquarters is told (outbox) so the next customer record
 * it sends carries the new PIN.
 */
export class PinReset {
  readonly #reset;

  constructor(
    db: Database,
    private readonly pins: PinVerifiers,
    private readonly audit: AuditLog,
    private readonly now: () => Date,
  ) {
    const customerOf = db.prepare(`SELECT customer_id FROM billing_accounts WHERE id = ?`).pluck();
    const locked = db.prepare(`SELECT locked_until FROM sign_in_attempts WHERE subject = ?`).pluck();
    const clear = db.prepare(`DELETE FROM sign_in_attempts WHERE subject = ?`);
    const setPin = db.prepare(`UPDATE customers SET pin_hash = ? WHERE id = ?`);
    const outbox = new Outbox(db);
    this.#reset = db.transaction((member: StaffMember, accountId: string, pinHash: string, reason: string) => {
      const at = this.now();
      const customerId = customerOf.get(accountId) as string;
      const subject = `account:${accountId}`;
      const wasLocked = ((locked.get(subject) as string | null | undefined) ?? null) !== null;
      clear.run(subject);
      setPin.run(pinHash, customerId);
      outbox.append(uuidv7({ msecs: at.getTime() }), 'customer.pinReset', { customerId, pinHash, resetAt: at.toISOString(), staffId: member.staffId }, at);
      this.audit.record({
        actorKind: member.role,
        actorId: member.staffId,
        action: 'customer.unlocked',
        accountId,
        // The PIN itself is never on the trail: only that it changed.
        before: { locked: wasLocked },
        after: { locked: false, pinChanged: true },
        reason,
      });
    });
  }

  async reset(member: StaffMember, accountId: string, newPin: string, reason: string): Promise<void> {
    this.#reset(member, accountId, await this.pins.hash(newPin), reason);
  }
}
