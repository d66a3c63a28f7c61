import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { HubDb } from '../db/hub-db.ts';
import { parseInput } from '../http/errors.ts';
import { allowanceReport, BranchAllowanceReport } from './allowance.ts';
import { applySuspense, ApplyInput, listSuspense, refundSuspense, Resolution, ResolutionInput, SuspenseLine } from './suspense.ts';

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

/** The operator API's call, as hub/runtime/operator-commands.ts makes it (it throws on an error answer other than 404). */
export type OperatorCall = <T>(method: 'GET' | 'POST', route: string, body?: unknown) => Promise<{ status: number; body: T }>;

const ErrorBody = z.object({ error: z.object({ message: z.string() }) });

/** Through the running hub's operator API; every answer is checked against its schema. */
export function httpDecisionCommands(call: OperatorCall): DecisionCommands {
  async function answer<T>(schema: z.ZodType<T>, method: 'GET' | 'POST', route: string, body?: unknown): Promise<T> {
    const response = await call<unknown>(method, route, body);
    if (response.status === 404) throw new Error(ErrorBody.safeParse(response.body).data?.error.message ?? `the hub has no ${route}`);
    return schema.parse(response.body);
  }
  const suspenseRoute = (paymentId: string, action: 'apply' | 'refund') => `/operator/v1/suspense/${encodeURIComponent(paymentId)}/${action}`;
  return {
    async suspense({ all }) {
      return (await answer(z.object({ payments: z.array(SuspenseLine) }), 'GET', `/operator/v1/suspense?status=${all ? 'all' : 'open'}`)).payments;
    },
    applySuspense: (paymentId, input) => answer(Resolution, 'POST', suspenseRoute(paymentId, 'apply'), input),
    refundSuspense: (paymentId, input) => answer(Resolution, 'POST', suspenseRoute(paymentId, 'refund'), input),
    async allowance(branchId) {
      const query = branchId === undefined ? '' : `?branch=${encodeURIComponent(branchId)}`;
      return (await answer(z.object({ branches: z.array(BranchAllowanceReport) }), 'GET', `/operator/v1/allowance${query}`)).branches;
    },
  };
}

const SuspenseQuery = z.object({ status: z.enum(['open', 'all']).default('open') });
const PaymentParams = z.object({ id: z.string().min(1).max(64) });
const AllowanceQuery = z.object({ branch: z.string().regex(/^[A-Z0-9-]{2,20}$/, 'a branch id such as MAD-01').optional() });

/** /operator/v1/suspense and /operator/v1/allowance, registered inside the operator routes (behind their token). */
export function decisionRoutes(app: FastifyInstance, { db, now }: { db: HubDb; now: () => Date }): void {
  app.get('/operator/v1/suspense', async (request) => {
    const { status } = parseInput(SuspenseQuery, request.query, 'query');
    return { payments: await listSuspense(db, { all: status === 'all' }) };
  });

  app.post('/operator/v1/suspense/:id/apply', async (request) => {
    const { id } = parseInput(PaymentParams, request.params, 'path');
    return applySuspense(db, id, parseInput(ApplyInput, request.body, 'body'), now());
  });

  app.post('/operator/v1/suspense/:id/refund', async (request) => {
    const { id } = parseInput(PaymentParams, request.params, 'path');
    return refundSuspense(db, id, parseInput(ResolutionInput, request.body, 'body'), now());
  });

  app.get('/operator/v1/allowance', async (request) => {
    const { branch } = parseInput(AllowanceQuery, request.query, 'query');
    return { branches: await allowanceReport(db, { branchId: branch, now: now() }) };
  });
}
