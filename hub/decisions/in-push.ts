import type { DecisionReason } from '../../shared/sync/changes.ts';
import { KioskError } from '../../shared/errors.ts';
import { sqlState, type HubQueryable } from '../db/hub-db.ts';
import { decideCreditRequest, referCreditRequest, type CreditRequested, type RequestOrigin } from './credit.ts';
import { decideOrderRequest, recordOrderDecision, type OrderSubmitted } from './orders.ts';

/**
 * The central decisions as steps of a push (hub/sync/kiosk-events.ts), after the request is
 * stored: they commit with it, so a kiosk's request is decided exactly once. A decision that fails
 * (data the engine refuses, a bug) must not lose the push: the step is undone to its savepoint and
 * the request is left to staff with the reason. A failure of the transaction itself (a
 * serialisation conflict, a lost connection) is not the decision's and aborts the push as usual.
 */
export async function decideCreditInPush(tx: HubQueryable, request: CreditRequested, origin: RequestOrigin): Promise<void> {
  await stepOrRefer(
    tx,
    () => decideCreditRequest(tx, request, origin),
    (why) => referCreditRequest(tx, request, origin, why),
  );
}

export async function decideOrderInPush(tx: HubQueryable, order: OrderSubmitted, origin: RequestOrigin): Promise<void> {
  await stepOrRefer(
    tx,
    () => decideOrderRequest(tx, order, origin),
    (why) => recordOrderDecision(tx, order.id, order.accountId, { decision: 'invalid', state: 'held', reasons: [why], products: [] }, origin.receivedAt),
  );
}

async function stepOrRefer(tx: HubQueryable, step: () => Promise<void>, refer: (why: DecisionReason) => Promise<void>): Promise<void> {
  await tx.query('SAVEPOINT central_decision');
  try {
    await step();
    await tx.query('RELEASE SAVEPOINT central_decision');
  } catch (error) {
    if (!isDecisionsOwn(error)) throw error;
    await tx.query('ROLLBACK TO SAVEPOINT central_decision');
    const message = error instanceof Error ? error.message : String(error);
    await refer({ code: 'DECISION_FAILED', text: `Headquarters could not decide this automatically (${message}); staff will.`, params: {} });
  }
}

/** An error in deciding (the engine, the rules, the change writer's refusals; 22/23: data the database refused), not in the transaction. */
function isDecisionsOwn(error: unknown): boolean {
  if (error instanceof KioskError) return true;
  const state = sqlState(error);
  return state === undefined || state.startsWith('22') || state.startsWith('23');
}
