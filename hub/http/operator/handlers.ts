import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { KioskError } from '../../../shared/errors.ts';
import type { HubDb } from '../../db/hub-db.ts';
import type { HubLimits } from '../../runtime/limits.ts';
import { verifyAuditChains } from '../../audit/chain.ts';
import { billRunReport, executeBillRun, startBillRun } from '../../billing/bill-run.ts';
import { importUsage } from '../../billing/usage-import.ts';
import { allowanceReport } from '../../decisions/allowance.ts';
import { applySuspense, listSuspense, refundSuspense } from '../../decisions/suspense.ts';
import { listDevices, revokeDevice } from '../../security/devices.ts';
import { issueEnrolmentCode } from '../../security/enrolment.ts';
import type { OperatorApi, OperatorRouteName, ParsedOperatorInput } from './contract.ts';

/** Each route's work: its parsed inputs in, its answer (checked against the contract's output by routes.ts) out. */
export type OperatorHandlers = {
  [N in OperatorRouteName]: (input: ParsedOperatorInput<N>, request: FastifyRequest) => Promise<z.input<OperatorApi[N]['output']>>;
};

/** What the handlers work with. */
export interface OperatorContext {
  db: HubDb;
  now: () => Date;
  limits: HubLimits;
}

async function reportOf(db: HubDb, runId: string) {
  const report = await billRunReport(db, runId);
  if (!report) throw new KioskError('NOT_FOUND', `There is no bill run ${runId}.`);
  return report;
}

export function operatorHandlers(app: FastifyInstance, { db, now, limits }: OperatorContext): OperatorHandlers {
  // Bill runs started here go on after their 202; closing the hub stops them at their next batch and waits for them.
  const running = new Set<{ controller: AbortController; done: Promise<unknown> }>();
  app.addHook('onClose', async () => {
    for (const run of running) run.controller.abort();
    await Promise.all([...running].map((run) => run.done));
  });

  return {
    async issueEnrolmentCode({ body }) {
      const issued = await issueEnrolmentCode(db, { branchId: body.branchId, now: now(), ...(body.ttlHours ? { ttlMs: body.ttlHours * 3_600_000 } : {}) });
      return { ...issued, expiresAt: issued.expiresAt.toISOString() };
    },
    async listDevices() {
      const devices = await listDevices(db);
      return { devices: devices.map((d) => ({ ...d, createdAt: d.createdAt.toISOString(), revokedAt: d.revokedAt?.toISOString() ?? null })) };
    },
    async revokeDevice({ params: { id } }) {
      const revoked = await revokeDevice(db, id, now());
      if (!revoked) throw new KioskError('NOT_FOUND', `There is no device ${id}.`);
      return { deviceId: id, revokedAt: revoked.revokedAt.toISOString() };
    },
    async importUsage({ query: { fileName }, upload }) {
      try {
        return await importUsage(db, upload, { fileName, now, maxAmounts: limits.maxAmounts });
      } finally {
        // A refused file is not read to its end: the rest is discarded, so the connection can serve the next request.
        if (!upload.readableEnded) upload.resume();
      }
    },
    async startBillRun({ body: { cycle } }, request) {
      const runId = await startBillRun(db, cycle, now());
      const controller = new AbortController();
      const run = {
        controller,
        done: executeBillRun(db, runId, { now, signal: controller.signal })
          .catch((err: unknown) => request.log.error({ err, runId }, 'bill run failed'))
          .finally(() => running.delete(run)),
      };
      running.add(run);
      return reportOf(db, runId);
    },
    billRun: ({ params: { id } }) => reportOf(db, id),
    async listSuspense({ query: { status } }) {
      return { payments: await listSuspense(db, { all: status === 'all' }) };
    },
    applySuspense: ({ params: { id }, body }) => applySuspense(db, id, body, now()),
    refundSuspense: ({ params: { id }, body }) => refundSuspense(db, id, body, now()),
    async allowance({ query: { branch } }) {
      return { branches: await allowanceReport(db, { branchId: branch, now: now() }) };
    },
    async verifyAudit({ query: { device } }) {
      const devices = await verifyAuditChains(db, device);
      if (devices === null) throw new KioskError('NOT_FOUND', `There is no device ${device ?? ''}.`);
      return { devices };
    },
  };
}
