import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import { GENESIS_HASH, auditActorKinds, auditProblems, type AuditActorKind, type AuditEvent, type JsonValue } from '../../../shared/audit.ts';
import { KioskError } from '../../../shared/errors.ts';
import { canonicalJson } from '../../../shared/node/hash.ts';
import { chainProblems, linkProblem } from '../../../shared/node/audit-chain.ts';
import { auditEventHash, type AuditChainKey } from '../../../shared/node/audit-hash.ts';
import { AUDIT_KEYED_FROM } from '../ledger/migrations/0016-keyed-audit-chain.ts';
import type { KioskEventType } from '../../../shared/sync/protocol.ts';
import type { Database } from '../ledger/db.ts';
import { Outbox } from '../ledger/outbox.ts';
import { headProblem, recordedHead } from './audit-head.ts';

// The event's shape and hash live in shared/, where the hub reads them too.
export { GENESIS_HASH, auditActorKinds, auditProblems, auditEventHash };
export type { AuditActorKind, AuditEvent, JsonValue } from '../../../shared/audit.ts';
export type { AuditChainKey } from '../../../shared/node/audit-hash.ts';

/** This ledger's chain key: the audit key from the key store, keyed from the event number migration 0016 recorded. */
export function auditChainKey(db: Database, key: Buffer): AuditChainKey {
  const keyedFrom = db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(AUDIT_KEYED_FROM);
  // No number recorded (someone removed it): every event must be keyed, never the other way round.
  return { key, keyedFrom: Number(keyedFrom ?? 1) };
}

/** The outbox event each audit event travels to the hub as (shared/sync/protocol.ts). */
export const AUDIT_EVENT_TYPE = 'audit.recorded' satisfies KioskEventType;

/**
 * Actions whose last word is one of these change what a customer owes or may do on someone's
 * say-so, so the trail must say why (`fee.waived`, `account.adjusted`, `credit.approved`,
 * `order.declined`, `customer.unlocked`, …).
 */
export const reasonRequiredVerbs: ReadonlySet<string> = new Set(['adjusted', 'waived', 'approved', 'declined', 'unlocked']);

/** `credit.approved`, `payment.cashTaken`: two to four dotted camelCase words. */
const ACTION = /^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*){1,3}$/;
// A lone surrogate cannot be stored as UTF-8: SQLite would keep another text than the one hashed.
const LONE_SURROGATE = /\p{Cs}/u;

const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !LONE_SURROGATE.test(s), 'must be valid Unicode text');
/** Absent, null and '' all mean "none" (a screen's empty optional field sends ''). */
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .refine((s) => !LONE_SURROGATE.test(s), 'must be valid Unicode text')
    .nullish()
    .transform((s) => (s ? s : null));
const snapshot = z.json().nullish().transform((v) => v ?? null);

/** What a caller records; the log adds seq, id, time, kiosk and the hashes. */
export const AuditEntry = z
  .strictObject({
    actorKind: z.enum(auditActorKinds),
    actorId: text(64),
    approvedBy: optionalText(64),
    action: z.string().max(64).regex(ACTION, 'must be a short dotted name like credit.approved'),
    accountId: optionalText(64),
    before: snapshot,
    after: snapshot,
    reason: optionalText(500),
  })
  .superRefine((entry, ctx) => {
    const verb = entry.action.slice(entry.action.lastIndexOf('.') + 1);
    if (reasonRequiredVerbs.has(verb) && entry.reason === null) {
      ctx.addIssue({ code: 'custom', path: ['reason'], message: `${entry.action} needs a reason` });
    }
    // Dual control means two people: nobody confirms their own action.
    if (entry.approvedBy !== null && entry.approvedBy === entry.actorId) {
      ctx.addIssue({ code: 'custom', path: ['approvedBy'], message: 'the approver must be someone other than the actor' });
    }
  });
export type AuditEntryInput = z.input<typeof AuditEntry>;
export type AuditEntry = z.output<typeof AuditEntry>;

export type AuditVerification =
  | { ok: true; count: number; headHash: string }
  /**
   * count: events that verified before the broken link. id is null when the broken link is
   * events missing at the end (sqlite_sequence remembers numbers the table no longer has).
   */
  | { ok: false; count: number; brokenAt: number; id: string | null; problem: string };

export interface AuditRow {
  seq: number;
  id: string;
  occurred_at: string;
  actor_kind: AuditActorKind;
  actor_id: string;
  approved_by: string | null;
  action: string;
  account_id: string | null;
  before_json: string | null;
  after_json: string | null;
  reason: string | null;
  kiosk_id: string;
  prev_hash: string;
  hash: string;
}

export interface AuditLogOptions {
  kioskId: string;
  /** The chain's key (auditChainKey): every event from keyedFrom on is HMAC'd with it. */
  chain: AuditChainKey;
  now?: () => Date;
  /**
   * Where each event is queued for the hub (`audit.recorded`). One on the same database by
   * default: an audit event never exists without its outbox row, whoever builds the log.
   */
  outbox?: Outbox;
}

/**
 * The kiosk's append-only, hash-chained audit trail. record() runs inside the caller's
 * transaction when there is one (better-sqlite3 nests it as a savepoint), so an action, its
 * audit event and the event's outbox row commit together or not at all.
 */
export class AuditLog {
  readonly #db: Database;
  readonly #chain: AuditChainKey;
  readonly #append;

  constructor(db: Database, options: AuditLogOptions) {
    this.#db = db;
    this.#chain = options.chain;
    const now = options.now ?? (() => new Date());
    const outbox = options.outbox ?? new Outbox(db);
    const head = db.prepare(`SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1`);
    const highest = db.prepare(`SELECT seq FROM sqlite_sequence WHERE name = 'audit_events'`).pluck();
    const insert = db.prepare(`INSERT INTO audit_events
        (seq, id, occurred_at, actor_kind, actor_id, approved_by, action, account_id, before_json, after_json, reason, kiosk_id, prev_hash, hash)
      VALUES (@seq, @id, @occurredAt, @actorKind, @actorId, @approvedBy, @action, @accountId, @beforeJson, @afterJson, @reason, @kioskId, @prevHash, @hash)`);
    // Reading the head and appending after it must be one unit, or two writers could fork the chain.
    this.#append = db.transaction((entry: AuditEntry): AuditEvent => {
      const last = head.get() as { seq: number; hash: string } | undefined;
      // Past the highest number ever used, so events removed from the end leave a visible gap.
      const seq = Math.max((highest.get() as number | undefined) ?? 0, last?.seq ?? 0) + 1;
      const at = now();
      const unhashed: Omit<AuditEvent, 'hash'> = {
        seq,
        id: uuidv7({ msecs: at.getTime() }),
        occurredAt: at.toISOString(),
        ...entry,
        kioskId: options.kioskId,
        prevHash: last?.hash ?? GENESIS_HASH,
      };
      const event: AuditEvent = { ...unhashed, hash: auditEventHash(unhashed, options.chain) };
      insert.run({ ...event, beforeJson: jsonColumn(event.before), afterJson: jsonColumn(event.after) });
      // In the same savepoint as the row: a rollback takes both, so the hub never hears of an event that did not happen.
      outbox.append(event.id, AUDIT_EVENT_TYPE, event, at);
      return event;
    });
  }

  /** Validates and appends one event; an invalid entry throws VALIDATION and writes nothing. */
  record(entry: AuditEntryInput): AuditEvent {
    const parsed = AuditEntry.safeParse(entry);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.join('.');
      throw new KioskError('VALIDATION', `Audit entry is not valid: ${where ? `${where}: ` : ''}${issue?.message ?? 'unknown problem'}`, {
        path: where,
      });
    }
    return this.#append(parsed.data);
  }

  verify(): AuditVerification {
    return verifyAuditChain(this.#db, this.#chain);
  }
}

// Stored canonical, so the column reads the same however the snapshot's keys were ordered.
const jsonColumn = (value: JsonValue | null): string | null => (value === null ? null : canonicalJson(value));

/**
 * Walks the chain from the first event and names the first broken link: a missing seq, a
 * prev_hash that is not the hash of the event before, or a hash that does not match the row (with
 * the chain's key: a row edited and re-hashed onward without it is caught). Streams the rows, so a
 * year of events is never held in memory. Read-only.
 */
export function verifyAuditChain(db: Database, chain: AuditChainKey): AuditVerification {
  let count = 0;
  let prevSeq = 0;
  let prevHash = GENESIS_HASH;
  const rows = db.prepare(`SELECT * FROM audit_events ORDER BY seq`).iterate() as IterableIterator<AuditRow>;
  for (const row of rows) {
    const broken = (problem: string): AuditVerification => ({ ok: false, count, brokenAt: row.seq, id: row.id, problem });
    // Returning from the loop ends the iterator, which releases the statement.
    const link = linkProblem({ seq: prevSeq, hash: prevHash }, { seq: row.seq, prevHash: row.prev_hash });
    if (link !== null) return broken(link);
    const read = eventOfRow(row);
    if ('problem' in read) return broken(read.problem);
    const [problem] = chainProblems({ seq: prevSeq, hash: prevHash }, read.event, chain);
    if (problem !== undefined) return broken(problem);
    count++;
    prevSeq = row.seq;
    prevHash = row.hash;
  }
  const highest = (db.prepare(`SELECT seq FROM sqlite_sequence WHERE name = 'audit_events'`).pluck().get() as number | undefined) ?? 0;
  if (highest > prevSeq) return { ok: false, count, brokenAt: prevSeq + 1, id: null, problem: auditProblems.missingTail(prevSeq + 1, highest) };
  // sqlite_sequence is one UPDATE away from forgetting a cut-off end; the head kept beside the chain is guarded.
  const head = recordedHead(db);
  const cut = head && headProblem(head, { count, seq: prevSeq, hash: prevHash });
  if (cut) return { ok: false, count, brokenAt: prevSeq + 1, id: null, problem: cut };
  return { ok: true, count, headHash: prevHash };
}

/** The event a stored row holds, or why it cannot be read back (a snapshot column that is not JSON). */
export function eventOfRow(row: AuditRow): { event: AuditEvent } | { problem: string } {
  const before = parseColumn(row.before_json);
  if (before === undefined) return { problem: auditProblems.json('before_json') };
  const after = parseColumn(row.after_json);
  if (after === undefined) return { problem: auditProblems.json('after_json') };
  return {
    event: {
      seq: row.seq,
      id: row.id,
      occurredAt: row.occurred_at,
      actorKind: row.actor_kind,
      actorId: row.actor_id,
      approvedBy: row.approved_by,
      action: row.action,
      accountId: row.account_id,
      before,
      after,
      reason: row.reason,
      kioskId: row.kiosk_id,
      prevHash: row.prev_hash,
      hash: row.hash,
    },
  };
}

/** The stored snapshot, or undefined when the column is not JSON (someone edited it). */
function parseColumn(text: string | null): JsonValue | null | undefined {
  if (text === null) return null;
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return undefined;
  }
}
