import { v7 as uuidv7 } from 'uuid';
import type { HelpCallView } from '../../../shared/contract/assist.ts';
import type { HelpCalled } from '../../../shared/contract/help.ts';
import { KioskError } from '../../../shared/errors.ts';
import type { StaffMember } from '../assist/staff-sign-in.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Database } from '../ledger/db.ts';
import { Outbox } from '../ledger/outbox.ts';

/** "Call staff": a request staff see in assist mode, recorded with its outbox row; staff close it once they have helped. */
export class HelpDesk {
  readonly #call;
  readonly #open;
  readonly #close;

  constructor(
    db: Database,
    private readonly audit: AuditLog,
  ) {
    const outbox = new Outbox(db);
    const insert = db.prepare(`INSERT INTO assist_requests (id, account_id, screen, status, created_at) VALUES (?, ?, ?, 'open', ?)`);
    const waiting = db.prepare(`SELECT COUNT(*) FROM assist_requests WHERE status = 'open'`).pluck();
    this.#call = db.transaction((accountId: string | null, screen: string, at: Date): HelpCalled => {
      const id = uuidv7({ msecs: at.getTime() });
      insert.run(id, accountId, screen, at.toISOString());
      outbox.append(id, 'assist.requested', { id, accountId, screen, createdAt: at.toISOString() }, at);
      return { requestId: id, position: waiting.get() as number };
    });
    this.#open = db.prepare(
      `SELECT r.id, r.screen, r.created_at AS calledAt, a.account_no AS accountNo, c.name AS customerName
         FROM assist_requests r LEFT JOIN billing_accounts a ON a.id = r.account_id LEFT JOIN customers c ON c.id = a.customer_id
        WHERE r.status = 'open' ORDER BY r.created_at, r.rowid`,
    );
    const close = db.prepare(`UPDATE assist_requests SET status = 'closed', closed_at = ? WHERE id = ? AND status = 'open'`);
    const accountOf = db.prepare(`SELECT account_id FROM assist_requests WHERE id = ?`).pluck();
    this.#close = db.transaction((member: StaffMember, id: string, note: string | null, at: Date) => {
      if (close.run(at.toISOString(), id).changes !== 1) throw new KioskError('NOT_FOUND', 'No such call for staff is open.');
      this.audit.record({ actorKind: member.role, actorId: member.staffId, action: 'help.closed', accountId: accountOf.get(id) as string | null, after: { requestId: id }, reason: note });
    });
  }

  /** Calls still waiting for staff, oldest first. */
  open(): HelpCallView[] {
    return this.#open.all() as HelpCallView[];
  }

  close(member: StaffMember, id: string, note: string | null, at: Date): void {
    this.#close(member, id, note, at);
  }

  call(accountId: string | null, screen: string, at: Date): HelpCalled {
    return this.#call(accountId, screen, at);
  }
}
