import type { HubDb } from '../db/hub-db.ts';
import { allowanceReport, type BranchAllowanceReport } from './allowance.ts';
import { applySuspense, listSuspense, refundSuspense, type ApplyInput, type Resolution, type ResolutionInput, type SuspenseLine } from './suspense.ts';

/** What an operator does about central decisions, wherever the database is (hub/runtime/operator-commands.ts). */
export interface DecisionCommands {
  suspense(options: { all: boolean }): Promise<SuspenseLine[]>;
  applySuspense(paymentId: string, input: ApplyInput): Promise<Resolution>;
  refundSuspense(paymentId: string, input: ResolutionInput): Promise<Resolution>;
  allowance(branchId: string | undefined): Promise<BranchAllowanceReport[]>;
}

export function directDecisionCommands(db: HubDb): DecisionCommands {
  return {
    suspense: (options) => listSuspense(db, options),
    applySuspense: (paymentId, input) => applySuspense(db, paymentId, input, new Date()),
    refundSuspense: (paymentId, input) => refundSuspense(db, paymentId, input, new Date()),
    allowance: (branchId) => allowanceReport(db, { branchId, now: new Date() }),
  };
}
