import type { FastifyInstance } from 'fastify';
import { oneLine, say } from '../runtime/terminal.ts';
import { z } from 'zod';
import { KioskError } from '../../shared/errors.ts';
import type { HubDb } from '../db/hub-db.ts';
import type { OperatorCall } from '../decisions/operator.ts';
import { parseInput } from '../http/errors.ts';
import { verifyAuditChains, type AuditChainReport } from './chain.ts';

/** What an operator does about the kiosks' audit trails, wherever the database is (hub/runtime/operator-commands.ts). */
export interface AuditCommands {
  /** Every device's chain re-verified (or one device's); null when that device does not exist. */
  auditVerify(deviceId: string | undefined): Promise<AuditChainReport[] | null>;
}

export function directAuditCommands(db: HubDb): AuditCommands {
  return { auditVerify: (deviceId) => verifyAuditChains(db, deviceId) };
}

const Report = z
  .object({
    deviceId: z.string(),
    branchId: z.string(),
    deviceName: z.string(),
    count: z.number().int().nonnegative(),
    headHash: z.string().nullable(),
    broken: z.object({ seq: z.number().int().positive(), id: z.string().nullable(), problem: z.string() }).nullable(),
  })
  .strict() satisfies z.ZodType<AuditChainReport>;

/** Through the running hub's operator API; the answer is checked against its schema. */
export function httpAuditCommands(call: OperatorCall): AuditCommands {
  return {
    async auditVerify(deviceId) {
      const query = deviceId === undefined ? '' : `?device=${encodeURIComponent(deviceId)}`;
      const response = await call<unknown>('GET', `/operator/v1/audit-verification${query}`);
      if (response.status === 404) return null;
      return z.object({ devices: z.array(Report) }).parse(response.body).devices;
    },
  };
}

const VerifyQuery = z.object({ device: z.string().min(1).max(64).optional() });

/** /operator/v1/audit-verification, registered inside the operator routes (behind their token). */
export function auditRoutes(app: FastifyInstance, { db }: { db: HubDb }): void {
  app.get('/operator/v1/audit-verification', async (request) => {
    const { device } = parseInput(VerifyQuery, request.query, 'query');
    const devices = await verifyAuditChains(db, device);
    if (devices === null) throw new KioskError('NOT_FOUND', `There is no device ${device ?? ''}.`);
    return { devices };
  });
}

export const AUDIT_USAGE = `  audit-verify [--device <id>]
                           re-verify each kiosk's audit chain at the hub; exit 1 if one is broken`;

/** `audit-verify [--device <id>]`: per device, its count, head hash and OK or the first broken link. Exit 1 if any is broken or the device is unknown. */
export async function auditVerifyCommand(deviceId: string | undefined, withCommands: <T>(run: (commands: AuditCommands) => Promise<T>) => Promise<T>): Promise<number> {
  const reports = await withCommands((c) => c.auditVerify(deviceId));
  if (reports === null) {
    say(`There is no device ${deviceId ?? ''}.`);
    return 1;
  }
  if (reports.length === 0) say('No kiosks enrolled yet.');
  for (const r of reports) say(auditChainLine(r));
  return reports.some((r) => r.broken !== null) ? 1 : 0;
}

/** `<device> (MAD-01, Kiosk 1): 1,234 audit events, head 3f2a…: OK` or `…: BROKEN at event #57 (id …): hash does not match its contents`. */
export function auditChainLine(r: AuditChainReport): string {
  const who = `${r.deviceId} (${r.branchId}, ${oneLine(r.deviceName)})`;
  if (r.count === 0 && r.broken === null) return `${who}: no audit events yet`;
  const held = `${r.count.toLocaleString('en-US')} audit event${r.count === 1 ? '' : 's'}, head ${r.headHash ?? ''}`;
  if (r.broken === null) return `${who}: ${held}: OK`;
  return `${who}: ${held}: BROKEN at event #${r.broken.seq}${r.broken.id === null ? '' : ` (id ${r.broken.id})`}: ${r.broken.problem}`;
}
