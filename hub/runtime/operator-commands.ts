import { oneLine } from './terminal.ts';
import { DEFAULT_LIMITS, type HubLimits } from './limits.ts';
import { directAuditCommands, httpAuditCommands, type AuditCommands } from '../audit/operator.ts';
import { directBillingCommands, httpBillingCommands, type BillingCommands } from '../billing/operator-api.ts';
import type { HubDb } from '../db/hub-db.ts';
import { directDecisionCommands, httpDecisionCommands, type DecisionCommands } from '../decisions/operator.ts';
import { listDevices, revokeDevice } from '../security/devices.ts';
import { issueEnrolmentCode } from '../security/enrolment.ts';

export interface IssuedCode {
  code: string;
  branchId: string;
  expiresAt: string;
}
export interface DeviceLine {
  id: string;
  branchId: string;
  name: string;
  createdAt: string;
  revokedAt: string | null;
}

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

/** Through the operator API of the hub process that serves the embedded database. */
export function httpCommands(baseUrl: string, operatorToken: string): OperatorCommands {
  async function call<T>(method: 'GET' | 'POST', route: string, body?: unknown): Promise<{ status: number; body: T }> {
    const response = await fetch(new URL(route, baseUrl), {
      method,
      headers: { authorization: `Bearer ${operatorToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = (await response.json()) as T & { error?: { message: string } };
    if (!response.ok && response.status !== 404) throw new Error(json.error?.message ?? `the hub answered ${response.status}`);
    return { status: response.status, body: json };
  }
  return {
    ...httpBillingCommands(baseUrl, operatorToken),
    ...httpDecisionCommands(call),
    ...httpAuditCommands(call),
    async enrol(branchId) {
      const { status, body } = await call<IssuedCode & { error?: { message: string } }>('POST', '/operator/v1/enrolment-codes', { branchId });
      if (status === 404) throw new Error(body.error?.message ?? `There is no branch ${branchId}.`);
      return body;
    },
    async revoke(deviceId) {
      const { status, body } = await call<{ revokedAt: string }>('POST', `/operator/v1/devices/${encodeURIComponent(deviceId)}/revoke`);
      return status === 404 ? null : { revokedAt: body.revokedAt };
    },
    async devices() {
      return (await call<{ devices: DeviceLine[] }>('GET', '/operator/v1/devices')).body.devices;
    },
  };
}
