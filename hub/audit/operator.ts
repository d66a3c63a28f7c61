import { oneLine, say } from '../runtime/terminal.ts';
import type { HubDb } from '../db/hub-db.ts';
import { verifyAuditChains, type AuditChainReport } from './chain.ts';

/** What an operator does about the kiosks' audit trails, wherever the database is (hub/runtime/operator-commands.ts). */
export interface AuditCommands {
  /** Every device's chain re-verified (or one device's); null when that device does not exist. */
  auditVerify(deviceId: string | undefined): Promise<AuditChainReport[] | null>;
}

export function directAuditCommands(db: HubDb): AuditCommands {
  return { auditVerify: (deviceId) => verifyAuditChains(db, deviceId) };
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
