import type { AuditEvent } from '../../shared/audit.ts';
import { canonicalJson } from '../../shared/node/hash.ts';
import type { HubQueryable } from '../db/hub-db.ts';
import { deviceAuditKey, type DeviceIdentity } from '../security/devices.ts';
import { CHAIN_START, chainProblems } from '../../shared/node/audit-chain.ts';
import { eventOfRow, type AuditEventRow } from './chain.ts';

export type AuditOutcome = { outcome: 'accepted' } | { outcome: 'rejected'; reason: string };

/** An `audit.recorded` payload and the place in the device's outbox of the event that brought it. */
export interface ArrivingAuditEvent {
  event: AuditEvent;
  deviceSeq: number;
}

const accepted: AuditOutcome = { outcome: 'accepted' };
const rejected = (reason: string): AuditOutcome => ({ outcome: 'rejected', reason });
type Link = { seq: number; hash: string };

/**
 * Stores a push's audit events from one device, each once, inside the push's transaction, in three
 * statements however many there are (a week offline is thousands).
 *
 * - An id the hub holds from this device with the same content is accepted and nothing is written
 *   (a copy under another outbox event); with other content, or from another device, rejected.
 * - Another id at a (device, seq) the hub holds is rejected: the first one stays.
 * - A new event is checked against its chain as it arrives: its hash must be the one of its
 *   contents, and its prev_hash the hash of the device's event seq-1 (the genesis hash for #1).
 *   A broken link is stored all the same, flagged (chain_ok false, chain_problem), and accepted:
 *   it is a record of what happened, and staff must see it. `npm run hub -- audit-verify`
 *   re-checks the whole chain later.
 *
 * Nothing goes to the change feed: the trail is headquarters', not the branch's kiosks'.
 */
export async function receiveAuditEvents(tx: HubQueryable, arriving: readonly ArrivingAuditEvent[], device: DeviceIdentity, receivedAt: Date): Promise<AuditOutcome[]> {
  if (arriving.length === 0) return [];
  const seqs = JSON.stringify([...new Set(arriving.map((a) => a.event.seq))]);
  const held = await tx.query<AuditEventRow>(
    `SELECT * FROM audit_events
      WHERE id IN (SELECT jsonb_array_elements_text($2::jsonb)) OR (device_id = $1 AND seq IN (SELECT jsonb_array_elements_text($3::jsonb)::bigint))`,
    [device.id, JSON.stringify(arriving.map((a) => a.event.id)), seqs],
  );
  // For each seq, the closest earlier event of the device the hub holds: the link it must follow.
  const earlier = await tx.query<{ for_seq: number } & Link>(
    `SELECT x.s AS for_seq, p.seq, p.hash FROM (SELECT jsonb_array_elements_text($2::jsonb)::bigint AS s) AS x
       CROSS JOIN LATERAL (SELECT seq, hash FROM audit_events WHERE device_id = $1 AND seq < x.s ORDER BY seq DESC LIMIT 1) AS p`,
    [device.id, seqs],
  );
  const chain = await deviceAuditKey(tx, device.id);
  const byId = new Map(held.map((r) => [r.id, { deviceId: r.device_id, event: eventOfRow(r) }]));
  const bySeq = new Map(held.filter((r) => r.device_id === device.id).map((r) => [r.seq, r.id]));
  const heldBefore = new Map(earlier.map((r) => [r.for_seq, { seq: r.seq, hash: r.hash }]));
  const fresh: { index: number; event: AuditEvent; deviceSeq: number; problems: string[] }[] = [];

  const outcomes = arriving.map(({ event, deviceSeq }, index): AuditOutcome => {
    const known = byId.get(event.id);
    if (known) {
      if (known.deviceId !== device.id) return rejected(`Audit event ${event.id} was already received from another kiosk`);
      return canonicalJson(known.event) === canonicalJson(event) ? accepted : rejected(`Audit event ${event.id} is already at the hub with other content`);
    }
    const taken = bySeq.get(event.seq);
    if (taken !== undefined) return rejected(`This kiosk's audit event #${event.seq} is already at the hub as ${taken}`);
    const problems = chainProblems(closestBefore(event.seq, heldBefore.get(event.seq), fresh) ?? CHAIN_START, event, chain);
    fresh.push({ index, event, deviceSeq, problems });
    byId.set(event.id, { deviceId: device.id, event });
    bySeq.set(event.seq, event.id);
    return accepted;
  });
  if (fresh.length === 0) return outcomes;

  const rows = fresh.map(({ event: e, deviceSeq, problems }) => ({
    seq: e.seq,
    id: e.id,
    occurred_at: e.occurredAt,
    actor_kind: e.actorKind,
    actor_id: e.actorId,
    approved_by: e.approvedBy,
    action: e.action,
    account_id: e.accountId,
    before: e.before,
    after: e.after,
    reason: e.reason,
    kiosk_id: e.kioskId,
    prev_hash: e.prevHash,
    hash: e.hash,
    chain_ok: problems.length === 0,
    chain_problem: problems.length === 0 ? null : problems.join('; '),
    device_seq: deviceSeq,
  }));
  const stored = await tx.query<{ id: string }>(
    `INSERT INTO audit_events (device_id, branch_id, seq, id, occurred_at, actor_kind, actor_id, approved_by, action, account_id, before, after, reason,
         kiosk_id, prev_hash, hash, chain_ok, chain_problem, device_seq, received_at)
     SELECT $1, $2, seq, id, occurred_at, actor_kind, actor_id, approved_by, action, account_id, before, after, reason,
         kiosk_id, prev_hash, hash, chain_ok, chain_problem, device_seq, $4
       FROM jsonb_to_recordset($3::jsonb) AS x(seq bigint, id text, occurred_at timestamptz, actor_kind text, actor_id text, approved_by text, action text,
         account_id text, before jsonb, after jsonb, reason text, kiosk_id text, prev_hash text, hash text, chain_ok boolean, chain_problem text, device_seq bigint)
     ON CONFLICT DO NOTHING RETURNING id`,
    [device.id, device.branchId, JSON.stringify(rows), receivedAt],
  );
  // Only another kiosk's push, committed since the read above, can have taken an id (this device's pushes take turns).
  const written = new Set(stored.map((r) => r.id));
  for (const { index, event } of fresh) if (!written.has(event.id)) outcomes[index] = rejected(`Audit event ${event.id} was already received from another kiosk`);
  return outcomes;
}

/** The closer of the hub's earlier event and this push's new ones before `seq`. */
function closestBefore(seq: number, held: Link | undefined, fresh: readonly { event: AuditEvent }[]): Link | undefined {
  let best = held;
  for (const { event } of fresh) if (event.seq < seq && (best === undefined || event.seq > best.seq)) best = { seq: event.seq, hash: event.hash };
  return best;
}
