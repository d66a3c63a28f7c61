import { v7 as uuidv7 } from 'uuid';
import type { HelpCalled } from '../../../shared/contract/help.ts';
import type { Database } from '../ledger/db.ts';
import { Outbox } from '../ledger/outbox.ts';

/** "Call staff": a request staff see in assist mode, recorded with its outbox row. */
export class HelpDesk {
  readonly #call;

  constructor(db: Database) {
    const outbox = new Outbox(db);
    const insert = db.prepare(`INSERT INTO assist_requests (id, account_id, screen, status, created_at) VALUES (?, ?, ?, 'open', ?)`);
    const waiting = db.prepare(`SELECT COUNT(*) FROM assist_requests WHERE status = 'open'`).pluck();
    this.#call = db.transaction((accountId: string | null, screen: string, at: Date): HelpCalled => {
      const id = uuidv7({ msecs: at.getTime() });
      insert.run(id, accountId, screen, at.toISOString());
      outbox.append(id, 'assist.requested', { id, accountId, screen, createdAt: at.toISOString() }, at);
      return { requestId: id, position: waiting.get() as number };
    });
  }

  call(accountId: string | null, screen: string, at: Date): HelpCalled {
    return this.#call(accountId, screen, at);
  }
}
