import type { AuditEvent } from '../audit.ts';
import { canonicalJson, sha256Hex } from './hash.ts';

/**
 * The one definition of an audit event's hash, shared by the kiosk (record, verify) and the hub
 * (checking each event as it arrives, audit-verify): sha256 of the canonical JSON of everything the
 * row says, its prev_hash included. Canonical, so a snapshot that went through JSONB (keys in
 * another order) hashes the same.
 */
export function auditEventHash(event: Omit<AuditEvent, 'hash'>): string {
  return sha256Hex(
    canonicalJson({
      prevHash: event.prevHash,
      seq: event.seq,
      id: event.id,
      occurredAt: event.occurredAt,
      actorKind: event.actorKind,
      actorId: event.actorId,
      approvedBy: event.approvedBy,
      action: event.action,
      accountId: event.accountId,
      before: event.before,
      after: event.after,
      reason: event.reason,
      kioskId: event.kioskId,
    }),
  );
}
