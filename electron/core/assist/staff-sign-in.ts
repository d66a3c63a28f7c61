import type { StaffRole } from '../../../shared/domain/staff-role.ts';
import type { PinVerifiers } from '../../../shared/node/pin.ts';
import type { Database } from '../ledger/db.ts';
import { PinAttempts, pinRefusal } from '../services/pin-attempts.ts';
import { recordFailure, type SignInWatch } from '../services/sign-in.ts';

export interface StaffMember {
  staffId: string;
  name: string;
  role: StaffRole;
}

interface StaffRow {
  id: string;
  name: string;
  role: StaffRole;
  pin_hash: string;
}

/**
 * Store staff sign in with their staff id (typed, or typed by a badge reader) and PIN. Wrong PINs
 * lock the staff id as they lock an account, counted before the PIN is hashed; an unknown or
 * inactive id fails exactly like a wrong PIN, in the same time, so the answer never tells which
 * ids exist. Every failure and lock-out is on the trail, never the PIN.
 */
export class StaffSignIn {
  readonly #byId;
  readonly #attempts: PinAttempts;

  constructor(
    db: Database,
    private readonly pins: PinVerifiers,
    now: () => Date,
    private readonly watch: SignInWatch,
  ) {
    this.#byId = db.prepare(`SELECT id, name, role, pin_hash FROM staff WHERE id = ? AND active = 1`);
    this.#attempts = new PinAttempts(db, 'staff', now);
  }

  /** `staffId` as the contract parsed it (upper-case). Also how a supervisor's on-the-spot confirmation is checked. */
  async verify(staffId: string, pin: string): Promise<StaffMember> {
    const row = this.#byId.get(staffId) as StaffRow | undefined;
    const outcome = await this.#attempts.check(`staff:${staffId}`, async () => (row ? this.pins.verify(pin, row.pin_hash) : (await this.pins.burn(pin), false)));
    if (!outcome.ok) {
      recordFailure(this.watch, 'staff', outcome, { accountId: null, after: { staffId } });
      throw pinRefusal(outcome, "That staff id and PIN don't match.");
    }
    // Only a known, active id's PIN can be right.
    const { id, name, role } = row as StaffRow;
    return { staffId: id, name, role };
  }
}

/**
 * Adds staff that are not there yet (the demo's, on first start), and sets again the PINs of those
 * whose verifier was keyed with another branch key (made before this kiosk enrolled and took the
 * hub's key); other existing staff are left as they are.
 */
export async function addStaff(db: Database, pins: PinVerifiers, branchId: string, staff: readonly { id: string; name: string; role: StaffRole; pin: string }[]): Promise<number> {
  const current = db.prepare(`SELECT 1 FROM staff WHERE id = ? AND pin_hash LIKE ?`).pluck();
  const upsert = db.prepare(`INSERT INTO staff (id, name, role, branch_id, pin_hash) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET pin_hash = excluded.pin_hash`);
  // Hashing is slow on purpose: only for those to add.
  const missing = staff.filter((s) => current.get(s.id, `scrypt-hmac$${pins.keyId}$%`) === undefined);
  const rows = await Promise.all(missing.map(async (s) => [s.id, s.name, s.role, branchId, await pins.hash(s.pin)] as const));
  return db.transaction(() => rows.reduce((added, row) => added + upsert.run(...row).changes, 0))();
}
