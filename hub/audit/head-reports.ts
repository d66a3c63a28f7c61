import { auditProblems } from '../../shared/audit.ts';
import type { AuditHead } from '../../shared/sync/protocol.ts';
import type { HubQueryable } from '../db/hub-db.ts';

/**
 * The audit heads kiosks report with their pushes (audit_head_reports, migration 0011), against
 * the chain the hub holds for each: a chain cut short at the hub (it holds less than the device
 * said it had, though the push carrying the head was acknowledged), a chain that does not end in
 * the reported head, and a kiosk whose chain went backwards (it reported less than the hub
 * already held from it) are each a broken chain for `npm run hub -- audit-verify`.
 */

/** The highest audit seq the hub holds from the device (0: none). */
export async function auditHeldSeq(tx: HubQueryable, deviceId: string): Promise<number> {
  const [row] = await tx.query<{ held: number }>('SELECT COALESCE(max(seq), 0)::bigint AS held FROM audit_events WHERE device_id = $1', [deviceId]);
  return row?.held ?? 0;
}

/** Kept with the push that brought it; `heldSeq` is what the hub held before that push's events. */
export async function keepHeadReport(tx: HubQueryable, deviceId: string, head: AuditHead, heldSeq: number, at: Date): Promise<void> {
  await tx.query(
    `INSERT INTO audit_head_reports (device_id, count, head_seq, head_hash, device_seq, held_seq, reported_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [deviceId, head.count, head.seq, head.hash, head.deviceSeq, heldSeq, at],
  );
}

export interface HeadBreak {
  seq: number;
  /** The hub's event at `seq`, null when it holds none there. */
  id: string | null;
  problem: string;
}

type Report = { count: number; head_seq: number; head_hash: string; device_seq: number; held_seq: number };

/** What is wrong between the device's reported heads and the chain the hub holds for it; null when nothing (or nothing reported). */
export async function headBreak(tx: HubQueryable, deviceId: string): Promise<HeadBreak | null> {
  const eventAt = async (seq: number) =>
    (await tx.query<{ id: string; hash: string }>('SELECT id, hash FROM audit_events WHERE device_id = $1 AND seq = $2', [deviceId, seq]))[0];
  const [back] = await tx.query<Report>('SELECT * FROM audit_head_reports WHERE device_id = $1 AND head_seq < held_seq ORDER BY seq LIMIT 1', [deviceId]);
  if (back) return { seq: back.head_seq + 1, id: (await eventAt(back.head_seq + 1))?.id ?? null, problem: auditProblems.wentBack(back.head_seq, back.held_seq) };

  const [last] = await tx.query<Report>('SELECT * FROM audit_head_reports WHERE device_id = $1 ORDER BY seq DESC LIMIT 1', [deviceId]);
  if (!last || last.head_seq === 0) return null;
  const held = await eventAt(last.head_seq);
  if (!held) {
    // Not there yet is not missing: the device had more to push than the reporting push carried.
    const [mark] = await tx.query<{ acked_through: number }>('SELECT acked_through FROM device_watermarks WHERE device_id = $1', [deviceId]);
    if ((mark?.acked_through ?? 0) < last.device_seq) return null;
    const from = (await auditHeldSeq(tx, deviceId)) + 1;
    return { seq: from, id: null, problem: auditProblems.missingTail(from, last.head_seq) };
  }
  const [upTo] = await tx.query<{ n: number }>('SELECT count(*)::bigint AS n FROM audit_events WHERE device_id = $1 AND seq <= $2', [deviceId, last.head_seq]);
  if (held.hash !== last.head_hash || upTo?.n !== last.count) return { seq: last.head_seq, id: held.id, problem: auditProblems.notHead(last.head_seq, last.count) };
  return null;
}
