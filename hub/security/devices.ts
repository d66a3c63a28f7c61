import { randomBytes } from 'node:crypto';
import type { HubDb, HubQueryable } from '../db/hub-db.ts';
import { bearerToken, hashSecret, sameDigest } from './secrets.ts';
import type { AuditChainKey } from '../../shared/node/audit-hash.ts';

/** A device's audit chain key as enrolment receives it: always a key. */
type AuditChainKeyOf = AuditChainKey & { key: Buffer };

/** The key a device's audit chain is verified with (migration 0012); unkeyed for devices enrolled before the hub kept one. */
export async function deviceAuditKey(q: HubQueryable, deviceId: string): Promise<AuditChainKey> {
  const [row] = await q.query<{ audit_key: string | null; audit_keyed_from: string | number | null }>('SELECT audit_key, audit_keyed_from FROM devices WHERE id = $1', [deviceId]);
  return row?.audit_key ? { key: Buffer.from(row.audit_key, 'hex'), keyedFrom: Number(row.audit_keyed_from) } : { key: null, keyedFrom: Number.POSITIVE_INFINITY };
}

/** Who is calling: an enrolled kiosk of one branch, which it may read and write only. */
export interface DeviceIdentity {
  id: string;
  branchId: string;
}

export interface DeviceRecord extends DeviceIdentity {
  name: string;
  createdAt: Date;
  revokedAt: Date | null;
}

export type AuthRefusal = 'missing' | 'malformed' | 'unknown' | 'revoked';
export type AuthResult = { ok: true; device: DeviceIdentity } | { ok: false; reason: AuthRefusal };

const SECRET_BYTES = 32;
/** Digest compared when the device id is unknown, so that case takes as long as a wrong secret. */
const NO_DEVICE_DIGEST = hashSecret('no such device');

/**
 * A device credential is `<deviceId>.<secret>`: the id finds the device row by its key, so the
 * only step that depends on the secret is a constant-time comparison of digests. The secret is 32
 * random bytes (base64url); the hub keeps only its SHA-256.
 */
export function newCredential(deviceId: string): { credential: string; credentialHash: string } {
  const secret = randomBytes(SECRET_BYTES).toString('base64url');
  return { credential: `${deviceId}.${secret}`, credentialHash: hashSecret(secret) };
}

export async function insertDevice(tx: HubQueryable, device: DeviceIdentity & { name: string; credentialHash: string; audit: AuditChainKeyOf; createdAt: Date }): Promise<void> {
  await tx.query('INSERT INTO devices (id, branch_id, name, credential_hash, audit_key, audit_keyed_from, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
    device.id,
    device.branchId,
    device.name,
    device.credentialHash,
    device.audit.key.toString('hex'),
    device.audit.keyedFrom,
    device.createdAt,
  ]);
}

/**
 * Checks a request's bearer credential against the database on every call (nothing is cached),
 * so a revocation holds from the next request on, on every hub process.
 */
export async function authenticateDevice(db: HubQueryable, authorization: string | undefined): Promise<AuthResult> {
  const token = bearerToken(authorization);
  if (token === null) return { ok: false, reason: 'missing' };
  const dot = token.indexOf('.');
  if (dot <= 0 || dot === token.length - 1) return { ok: false, reason: 'malformed' };
  const [row] = await db.query<{ branch_id: string; credential_hash: string; revoked_at: Date | null }>(
    'SELECT branch_id, credential_hash, revoked_at FROM devices WHERE id = $1',
    [token.slice(0, dot)],
  );
  const matches = sameDigest(hashSecret(token.slice(dot + 1)), row?.credential_hash ?? NO_DEVICE_DIGEST);
  if (!row || !matches) return { ok: false, reason: 'unknown' };
  if (row.revoked_at !== null) return { ok: false, reason: 'revoked' };
  return { ok: true, device: { id: token.slice(0, dot), branchId: row.branch_id } };
}

/** Revokes a device's credential; null when there is no such device. Revoking twice keeps the first time. */
export async function revokeDevice(db: HubDb, deviceId: string, now: Date): Promise<{ revokedAt: Date } | null> {
  const [row] = await db.query<{ revoked_at: Date }>(
    'UPDATE devices SET revoked_at = coalesce(revoked_at, $2) WHERE id = $1 RETURNING revoked_at',
    [deviceId, now],
  );
  return row ? { revokedAt: row.revoked_at } : null;
}

export async function listDevices(db: HubQueryable): Promise<DeviceRecord[]> {
  const rows = await db.query<{ id: string; branch_id: string; name: string; created_at: Date; revoked_at: Date | null }>(
    'SELECT id, branch_id, name, created_at, revoked_at FROM devices ORDER BY branch_id, created_at, id',
  );
  return rows.map((r) => ({ id: r.id, branchId: r.branch_id, name: r.name, createdAt: r.created_at, revokedAt: r.revoked_at }));
}
