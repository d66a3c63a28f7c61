import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { KioskError } from '../../shared/errors.ts';
import { oneLine } from './terminal.ts';
import { DEFAULT_LIMITS, type HubLimits } from './limits.ts';
import { directAuditCommands, type AuditCommands } from '../audit/operator.ts';
import { directBillingCommands, type BillingCommands } from '../billing/operator.ts';
import type { HubDb } from '../db/hub-db.ts';
import { directDecisionCommands, type DecisionCommands } from '../decisions/operator.ts';
import { operatorClient } from '../http/operator/client.ts';
import type { DeviceLine, IssuedCode } from '../http/operator/contract.ts';
import { listDevices, revokeDevice } from '../security/devices.ts';
import { issueEnrolmentCode } from '../security/enrolment.ts';

/** What `devices` prints for one kiosk: id, branch, state and the name it enrolled with, tab-separated. */
export function deviceLine(d: DeviceLine): string {
  return [d.id, d.branchId, d.revokedAt ? `revoked ${d.revokedAt}` : 'active', oneLine(d.name)].join('\t');
}

/** What an operator does from the command line, wherever the database is. */
export interface OperatorCommands extends BillingCommands, DecisionCommands, AuditCommands {
  enrol(branchId: string): Promise<IssuedCode>;
  /** Null when there is no such device. */
  revoke(deviceId: string): Promise<{ revokedAt: string } | null>;
  devices(): Promise<DeviceLine[]>;
}

/** Straight on the database (a PostgreSQL server, or an embedded one no hub process is serving). */
export function directCommands(db: HubDb, limits: HubLimits = DEFAULT_LIMITS): OperatorCommands {
  return {
    ...directBillingCommands(db, limits),
    ...directDecisionCommands(db),
    ...directAuditCommands(db),
    async enrol(branchId) {
      const issued = await issueEnrolmentCode(db, { branchId, now: new Date() });
      return { ...issued, expiresAt: issued.expiresAt.toISOString() };
    },
    async revoke(deviceId) {
      const revoked = await revokeDevice(db, deviceId, new Date());
      return revoked && { revokedAt: revoked.revokedAt.toISOString() };
    },
    async devices() {
      return (await listDevices(db)).map((d) => ({ ...d, createdAt: d.createdAt.toISOString(), revokedAt: d.revokedAt?.toISOString() ?? null }));
    },
  };
}

/** How often a bill run started over HTTP is asked for its report until it is no longer running. */
const POLL_MS = 500;

/** Null for what the hub answers it does not have (404). */
async function orNull<T>(answer: Promise<T>): Promise<T | null> {
  try {
    return await answer;
  } catch (error) {
    if (error instanceof KioskError && error.code === 'NOT_FOUND') return null;
    throw error;
  }
}

/** Through the operator API of the hub process that serves the embedded database. */
export function httpCommands(baseUrl: string, operatorToken: string): OperatorCommands {
  const api = operatorClient(baseUrl, operatorToken);
  return {
    importUsage: async (file) => api.importUsage({ query: { fileName: path.basename(file) }, upload: await readFile(file) }),
    async billRun(cycle, onProgress) {
      let report = await api.startBillRun({ body: { cycle } });
      while (report.status === 'running') {
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        report = await api.billRun({ params: { id: report.runId } });
        onProgress?.(report);
      }
      return report;
    },
    suspense: async ({ all }) => (await api.listSuspense({ query: { status: all ? 'all' : 'open' } })).payments,
    applySuspense: (paymentId, body) => api.applySuspense({ params: { id: paymentId }, body }),
    refundSuspense: (paymentId, body) => api.refundSuspense({ params: { id: paymentId }, body }),
    allowance: async (branchId) => (await api.allowance({ query: { branch: branchId } })).branches,
    auditVerify: async (deviceId) => (await orNull(api.verifyAudit({ query: { device: deviceId } })))?.devices ?? null,
    enrol: (branchId) => api.issueEnrolmentCode({ body: { branchId } }),
    async revoke(deviceId) {
      const revoked = await orNull(api.revokeDevice({ params: { id: deviceId } }));
      return revoked && { revokedAt: revoked.revokedAt };
    },
    devices: async () => (await api.listDevices({})).devices,
  };
}
