import type { z } from 'zod';

/**
 * The audit trail's shape, shared by the kiosk that records it (electron/core/audit/) and the hub
 * that receives it (`audit.recorded`, hub/audit/): one definition, so both read a chain the same way.
 * The hash itself needs Node's crypto: shared/node/audit-hash.ts.
 */

/** prev_hash of the first event: there is no link before it. */
export const GENESIS_HASH = '0'.repeat(64);

export const auditActorKinds = ['customer', 'agent', 'supervisor', 'system'] as const;
export type AuditActorKind = (typeof auditActorKinds)[number];

export type JsonValue = z.output<ReturnType<typeof z.json>>;

/** One event as stored (and as it travels to the hub). */
export interface AuditEvent {
  seq: number;
  id: string;
  occurredAt: string;
  actorKind: AuditActorKind;
  actorId: string;
  approvedBy: string | null;
  action: string;
  accountId: string | null;
  before: JsonValue | null;
  after: JsonValue | null;
  reason: string | null;
  kioskId: string;
  prevHash: string;
  hash: string;
}

/** How a broken link is named, on the kiosk (npm run audit:verify) and at the hub (npm run hub -- audit-verify). */
export const auditProblems = {
  contents: 'hash does not match its contents',
  link: (seq: number) => (seq === 0 ? 'prev_hash is not the genesis hash' : `prev_hash does not match the hash of event #${seq}`),
  missing: (from: number, to: number) => (from === to ? `event #${from} before it is missing` : `events #${from}–#${to} before it are missing`),
  missingTail: (from: number, to: number) => (from === to ? `event #${from} is missing at the end` : `events #${from}–#${to} are missing at the end`),
  json: (column: string) => `${column} is not valid JSON`,
  /** The chain ends elsewhere than the head kept beside it (on the kiosk) or last reported by the device (at the hub). */
  notHead: (seq: number, count: number) => `the chain does not end in its head: event #${seq} of ${count}`,
  /** The device reported a head behind what the hub already held from it: events were cut off its chain. */
  wentBack: (reported: number, held: number) => `the device reported event #${reported} as its head while the hub already held #${held}: its chain went backwards`,
} as const;
