import { createHmac } from 'node:crypto';
import type { AuditEvent } from '../audit.ts';
import { canonicalJson, sha256Hex } from './hash.ts';

/**
 * How one device's chain is hashed. From event #keyedFrom on, HMAC-SHA256 with the kiosk's audit
 * key (its key store; the hub got it at enrolment): an edited row re-hashed onward no longer
 * verifies without that key. Events before keyedFrom were recorded before the chain was keyed
 * (plain SHA-256); a ledger made since keys every event (keyedFrom 1). No key: every event plain
 * (a device enrolled before the hub kept audit keys).
 */
export interface AuditChainKey {
  key: Buffer | null;
  keyedFrom: number;
}

/**
 * The one definition of an audit event's hash, shared by the kiosk (record, verify) and the hub
 * (checking each event as it arrives, audit-verify), over the canonical JSON of everything the row
 * says, its prev_hash included. Canonical, so a snapshot that went through JSONB (keys in another
 * order) hashes the same.
 */
export function auditEventHash(event: Omit<AuditEvent, 'hash'>, chain: AuditChainKey): string {
  const contents = canonicalJson({
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
  });
  return chain.key !== null && event.seq >= chain.keyedFrom ? createHmac('sha256', chain.key).update(contents).digest('hex') : sha256Hex(contents);
}
