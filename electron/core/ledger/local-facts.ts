import type { ChangeOf } from '../../../shared/sync/changes.ts';
import type { Database } from './db.ts';
import { ChangeApplier, type ApplyResult } from './apply-changes.ts';
import { Outbox } from './outbox.ts';

/**
 * Facts that happen at this kiosk (a payment taken, cash received, a fee staff waived): the fact,
 * its postings and its outbox row commit in one transaction, so the sync worker can never miss or
 * invent one. The outbox's device_seq numbers them without gaps.
 */
export type LocalFact = ChangeOf<'payment.recorded'> | ChangeOf<'adjustment.posted'>;

export class LocalFacts {
  readonly #applier: ChangeApplier;
  readonly #record;

  constructor(db: Database, applier = new ChangeApplier(db)) {
    this.#applier = applier;
    const outbox = new Outbox(db);
    this.#record = db.transaction((fact: LocalFact, now: Date): ApplyResult => {
      const result = this.#applier.apply([fact]);
      if (result.applied === 1) outbox.append(fact.id, fact.type, fact, now);
      return result;
    });
  }

  /** Records the fact once; recording the same fact again changes nothing. */
  record(fact: LocalFact, now: Date): ApplyResult {
    return this.#record(fact, now);
  }
}
