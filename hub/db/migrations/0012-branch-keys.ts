import { randomBytes } from 'node:crypto';
import { keyLegacyVerifier } from '../../../shared/node/pin.ts';
import type { HubQueryable } from '../hub-db.ts';

/**
 * Keys that make what a kiosk holds useless without them (issue 14, point 3 and 5):
 * - each branch's PIN key: customers' PIN verifiers are HMAC-keyed with it (shared/node/pin.ts);
 *   the hub hands it to a kiosk of the branch at enrolment. Verifiers kept from before are keyed
 *   here, without anyone's PIN, so the hub and its kiosks key them alike.
 * - each device's audit key: the HMAC key of its audit chain, and the event number it keys from,
 *   sent by the kiosk at enrolment, so the hub can tell a chain edited and re-hashed onward. Null
 *   for devices enrolled before: their chains are plain SHA-256.
 */
export async function up(tx: HubQueryable): Promise<void> {
  await tx.exec(`
    CREATE TABLE branch_pin_keys (
      branch_id  TEXT PRIMARY KEY REFERENCES branches(id),
      pin_key    TEXT NOT NULL CHECK (pin_key ~ '^[0-9a-f]{64}$')
    );
    ALTER TABLE devices ADD COLUMN audit_key TEXT CHECK (audit_key ~ '^[0-9a-f]{64}$');
    ALTER TABLE devices ADD COLUMN audit_keyed_from BIGINT CHECK (audit_keyed_from >= 1);
    ALTER TABLE devices ADD CONSTRAINT devices_audit_key_whole CHECK ((audit_key IS NULL) = (audit_keyed_from IS NULL));
  `);
  const legacy = await tx.query<{ id: string; branch_id: string; pin_hash: string }>(`SELECT id, branch_id, pin_hash FROM customers WHERE pin_hash LIKE 'scrypt$%'`);
  const keys = new Map<string, Buffer>();
  for (const row of legacy) {
    let key = keys.get(row.branch_id);
    if (!key) {
      key = randomBytes(32);
      keys.set(row.branch_id, key);
      await tx.query('INSERT INTO branch_pin_keys (branch_id, pin_key) VALUES ($1, $2)', [row.branch_id, key.toString('hex')]);
    }
    const keyed = keyLegacyVerifier(row.pin_hash, key);
    if (keyed !== null) await tx.query('UPDATE customers SET pin_hash = $2 WHERE id = $1', [row.id, keyed]);
  }
}
