import type { AuditActorKind, AuditEvent, JsonValue } from '../../shared/audit.ts';
import { CHAIN_START, chainProblems } from '../../shared/node/audit-chain.ts';
import { deviceAuditKey } from '../security/devices.ts';
import type { HubDb } from '../db/hub-db.ts';
import { headBreak } from './head-reports.ts';

/** A row of the hub's audit_events (migration 0006-audit); a type, not an interface, so it is a query's Row. */
export type AuditEventRow = {
  device_id: string;
  branch_id: string;
  seq: number;
  id: string;
  occurred_at: Date;
  actor_kind: AuditActorKind;
  actor_id: string;
  approved_by: string | null;
  action: string;
  account_id: string | null;
  before: JsonValue | null;
  after: JsonValue | null;
  reason: string | null;
  kiosk_id: string;
  prev_hash: string;
  hash: string;
  chain_ok: boolean;
  chain_problem: string | null;
};

/** The event as the kiosk hashed it. occurred_at comes back as the same text: the protocol only takes the kiosk's exact form (ms, Z). */
export function eventOfRow(row: AuditEventRow): AuditEvent {
  return {
    seq: row.seq,
    id: row.id,
    occurredAt: row.occurred_at.toISOString(),
    actorKind: row.actor_kind,
    actorId: row.actor_id,
    approvedBy: row.approved_by,
    action: row.action,
    accountId: row.account_id,
    before: row.before,
    after: row.after,
    reason: row.reason,
    kioskId: row.kiosk_id,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

export interface AuditChainReport {
  deviceId: string;
  branchId: string;
  deviceName: string;
  /** Audit events of this device the hub holds. */
  count: number;
  /** The hash of the highest-numbered one (null: none yet): compare with the kiosk's `npm run audit:verify`. */
  headHash: string | null;
  /**
   * The first broken link, or null when the chain verifies from event #1 to the head and agrees
   * with the heads the device reported. id is null when the hub holds no event at that seq (an end
   * missing at the hub).
   */
  broken: { seq: number; id: string | null; problem: string } | null;
}

const PAGE = 1000;

/**
 * Re-verifies every device's chain (or one device's) from the stored rows, whatever was flagged
 * when they arrived: an event whose predecessor came later, or a row edited at the hub behind the
 * triggers, is judged by what is there now. Reads a page at a time, so a year of events is never
 * held in memory. Null when `deviceId` names no device.
 */
export async function verifyAuditChains(db: HubDb, deviceId?: string): Promise<AuditChainReport[] | null> {
  const devices = await db.query<{ id: string; branch_id: string; name: string }>(
    `SELECT id, branch_id, name FROM devices WHERE $1::text IS NULL OR id = $1 ORDER BY branch_id, id`,
    [deviceId ?? null],
  );
  if (deviceId !== undefined && devices.length === 0) return null;
  const reports: AuditChainReport[] = [];
  for (const device of devices) {
    const chain = await deviceAuditKey(db, device.id);
    let previous: { seq: number; hash: string } = CHAIN_START;
    let count = 0;
    let broken: AuditChainReport['broken'] = null;
    for (;;) {
      const rows = await db.query<AuditEventRow>('SELECT * FROM audit_events WHERE device_id = $1 AND seq > $2 ORDER BY seq LIMIT $3', [device.id, previous.seq, PAGE]);
      for (const row of rows) {
        const event = eventOfRow(row);
        const problems = chainProblems(previous, event, chain);
        if (problems.length > 0 && broken === null) broken = { seq: event.seq, id: event.id, problem: problems.join('; ') };
        count++;
        previous = { seq: event.seq, hash: event.hash };
      }
      if (rows.length < PAGE) break;
    }
    broken ??= await headBreak(db, device.id);
    reports.push({ deviceId: device.id, branchId: device.branch_id, deviceName: device.name, count, headHash: count === 0 ? null : previous.hash, broken });
  }
  return reports;
}
