import { GENESIS_HASH, auditProblems, type AuditEvent } from '../audit.ts';
import { auditEventHash, type AuditChainKey } from './audit-hash.ts';

/** Where a device's chain starts: nothing before event #1 but the genesis hash. */
export const CHAIN_START = { seq: 0, hash: GENESIS_HASH } as const;

/** Why `event` does not follow `previous` (the closest earlier event held): events missing between them, or a prev_hash that is not its hash; null when it follows. */
export function linkProblem(previous: { seq: number; hash: string }, event: Pick<AuditEvent, 'seq' | 'prevHash'>): string | null {
  if (previous.seq !== event.seq - 1) return auditProblems.missing(previous.seq + 1, event.seq - 1);
  return event.prevHash === previous.hash ? null : auditProblems.link(previous.seq);
}

/**
 * What is wrong with `event` after `previous` (CHAIN_START when none): its link (see linkProblem)
 * and a hash that is not the one of its contents (HMAC'd with the device's audit key, so a chain
 * edited and re-hashed onward without it fails). Empty: sound. The one check the kiosk's
 * `npm run audit:verify` and the hub (on arrival and in audit-verify) both make.
 */
export function chainProblems(previous: { seq: number; hash: string }, event: AuditEvent, chain: AuditChainKey): string[] {
  const link = linkProblem(previous, event);
  const { hash, ...contents } = event;
  return [...(link === null ? [] : [link]), ...(auditEventHash(contents, chain) === hash ? [] : [auditProblems.contents])];
}
