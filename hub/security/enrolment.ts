import { randomInt } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { KioskError } from '../../shared/errors.ts';
import type { HubDb } from '../db/hub-db.ts';
import { insertDevice, newCredential, type DeviceIdentity } from './devices.ts';
import { hashSecret } from './secrets.ts';
import { branchPinKey } from './pin-keys.ts';
import type { AuditChainKey } from '../../shared/node/audit-hash.ts';

/** Crockford's base32: no I, L, O or U, so a code read aloud or typed on a kiosk's keypad is hard to get wrong. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const GROUPS = 4;
const GROUP_LENGTH = 4;
/** 16 characters of 5 bits: 80 random bits, single use, for a day. */
export const ENROLMENT_TTL_MS = 24 * 60 * 60 * 1000;

export function newEnrolmentCode(): string {
  const chars = Array.from({ length: GROUPS * GROUP_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]);
  return Array.from({ length: GROUPS }, (_, g) => chars.slice(g * GROUP_LENGTH, (g + 1) * GROUP_LENGTH).join('')).join('-');
}

/** The code as typed (any case, spaces or dashes, O for 0, I or L for 1) in its one stored form, or null if it cannot be one. */
export function normaliseCode(typed: string): string | null {
  const code = typed
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  return code.length === GROUPS * GROUP_LENGTH && [...code].every((c) => ALPHABET.includes(c)) ? code : null;
}

export async function issueEnrolmentCode(db: HubDb, options: { branchId: string; now: Date; ttlMs?: number }): Promise<{ code: string; branchId: string; expiresAt: Date }> {
  const code = newEnrolmentCode();
  const expiresAt = new Date(options.now.getTime() + (options.ttlMs ?? ENROLMENT_TTL_MS));
  const [branch] = await db.query(
    `INSERT INTO enrolment_codes (code_hash, branch_id, created_at, expires_at)
     SELECT $1, id, $3, $4 FROM branches WHERE id = $2 RETURNING branch_id`,
    [hashSecret(normaliseCode(code) as string), options.branchId, options.now, expiresAt],
  );
  if (!branch) throw new KioskError('NOT_FOUND', `There is no branch ${options.branchId}.`);
  return { code, branchId: options.branchId, expiresAt };
}

export type EnrolmentRefusal = 'unknown' | 'used' | 'expired';
export type EnrolmentResult = { ok: true; device: DeviceIdentity; credential: string; branchPinKey: Buffer } | { ok: false; reason: EnrolmentRefusal };

/**
 * Trades a one-time code for a new device of the code's branch, that device's credential and the
 * branch's PIN key (the device's audit key is kept to verify its chain), in one transaction: the code is spent exactly when the device exists. A refused code changes
 * nothing.
 */
export async function redeemEnrolmentCode(db: HubDb, options: { code: string; deviceName: string; audit: AuditChainKey & { key: Buffer }; now: Date }): Promise<EnrolmentResult> {
  const code = normaliseCode(options.code);
  if (code === null) return { ok: false, reason: 'unknown' };
  return db.transaction(async (tx): Promise<EnrolmentResult> => {
    const [row] = await tx.query<{ branch_id: string; expires_at: Date; used_at: Date | null }>(
      'SELECT branch_id, expires_at, used_at FROM enrolment_codes WHERE code_hash = $1 FOR UPDATE',
      [hashSecret(code)],
    );
    if (!row) return { ok: false, reason: 'unknown' };
    if (row.used_at !== null) return { ok: false, reason: 'used' };
    if (row.expires_at.getTime() <= options.now.getTime()) return { ok: false, reason: 'expired' };
    const device = { id: uuidv7({ msecs: options.now.getTime() }), branchId: row.branch_id };
    const { credential, credentialHash } = newCredential(device.id);
    await insertDevice(tx, { ...device, name: options.deviceName, credentialHash, audit: options.audit, createdAt: options.now });
    await tx.query('UPDATE enrolment_codes SET used_at = $2, used_by_device = $3 WHERE code_hash = $1', [hashSecret(code), options.now, device.id]);
    return { ok: true, device, credential, branchPinKey: await branchPinKey(tx, device.branchId) };
  });
}
