import type { StaffRole } from '../../../shared/contract/assist.ts';
import { hashPin, burnPinCheck, verifyPin } from '../../../shared/node/pin.ts';
import type { Database } from '../ledger/db.ts';
import { PinAttempts } from '../services/pin-attempts.ts';

export interface StaffMember {
  staffId: string;
  name: string;
  role: StaffRole;
}

/**
 * Store staff sign in with their staff id (typed, or typed by a badge reader) and PIN. Wrong PINs
 * lock the staff id as they lock an account; an unknown or inactive id fails exactly like a wrong
 * PIN, in the same time, so the answer never tells which ids exist.
 */
export class StaffSignIn {
  readonly #byId;
  readonly #attempts: PinAttempts;

  constructor(db: Database, now: () => Date) {
    this.#byId = db.prepare(`SELECT id, name, role, pin_hash FROM staff WHERE id = ? AND active = 1`);
    this.#attempts = new PinAttempts(db, now);
  }

  /** `staffId` as the contract parsed it (upper-case). Also how a supervisor's on-the-spot confirmation is checked. */
  async verify(staffId: string, pin: string): Promise<StaffMember> {
    const row = this.#byId.get(staffId) as { id: string; name: string; role: StaffRole; pin_hash: string } | undefined;
    const subject = `staff:${staffId}`;
    this.#attempts.assertOpen(subject);
    const ok = row ? await verifyPin(pin, row.pin_hash) : (await burnPinCheck(pin), false);
    if (!ok || !row) return this.#attempts.failed(subject, "That staff id and PIN don't match.");
    this.#attempts.succeeded(subject);
    return { staffId: row.id, name: row.name, role: row.role };
  }
}

/** Adds staff that are not there yet (the demo's, on first start); existing staff are left as they are. */
export async function addStaff(db: Database, branchId: string, staff: readonly { id: string; name: string; role: StaffRole; pin: string }[]): Promise<number> {
  const known = db.prepare(`SELECT 1 FROM staff WHERE id = ?`).pluck();
  const insert = db.prepare(`INSERT OR IGNORE INTO staff (id, name, role, branch_id, pin_hash) VALUES (?, ?, ?, ?, ?)`);
  // Hashing is slow on purpose: only for those to add.
  const missing = staff.filter((s) => known.get(s.id) === undefined);
  const rows = await Promise.all(missing.map(async (s) => [s.id, s.name, s.role, branchId, await hashPin(s.pin)] as const));
  return db.transaction(() => rows.reduce((added, row) => added + insert.run(...row).changes, 0))();
}
