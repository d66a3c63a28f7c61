import { randomBytes } from 'node:crypto';
import type { HubQueryable } from '../db/hub-db.ts';

/**
 * A branch's PIN key (migration 0012), made the first time it is asked for: customers' PIN
 * verifiers of the branch are keyed with it, and its kiosks get it at enrolment.
 */
export async function branchPinKey(q: HubQueryable, branchId: string): Promise<Buffer> {
  await q.query('INSERT INTO branch_pin_keys (branch_id, pin_key) VALUES ($1, $2) ON CONFLICT (branch_id) DO NOTHING', [branchId, randomBytes(32).toString('hex')]);
  const [row] = await q.query<{ pin_key: string }>('SELECT pin_key FROM branch_pin_keys WHERE branch_id = $1', [branchId]);
  if (!row) throw new Error(`there is no branch ${branchId}`);
  return Buffer.from(row.pin_key, 'hex');
}
