import { auditProblems } from '../../../shared/audit.ts';
import type { AuditHead } from '../../../shared/sync/protocol.ts';
import type { Database } from '../ledger/db.ts';

/**
 * The head of the audit trail as the kiosk keeps it outside the chained table (audit_head,
 * migration 0017): moved by a trigger in the same statement as every append, and never back. The
 * chain alone cannot tell that events were cut off its end; compared with this head it can, and
 * the hub, which is sent it with every push, can compare it with the chain it holds.
 */
export function recordedHead(db: Database): AuditHead | null {
  // A ledger from before 0017 (audit:verify opens files read-only, without migrating them) has none.
  const table = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_head'`).get();
  if (!table) return null;
  const row = db
    .prepare(`SELECT h.count, h.seq, h.hash, COALESCE(o.device_seq, 0) AS deviceSeq FROM audit_head h LEFT JOIN outbox o ON o.event_id = h.event_id`)
    .get() as AuditHead | undefined;
  return row ?? null;
}

/** Why a chain that verified up to `end` is not the whole trail the head says was written; null when it is. */
export function headProblem(head: AuditHead, end: { count: number; seq: number; hash: string }): string | null {
  if (end.seq < head.seq) return auditProblems.missingTail(end.seq + 1, head.seq);
  if (end.seq !== head.seq || end.hash !== head.hash || end.count !== head.count) return auditProblems.notHead(head.seq, head.count);
  return null;
}
