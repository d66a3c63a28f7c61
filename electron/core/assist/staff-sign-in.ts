import type { StaffRole } from '../../../shared/contract/assist.ts';
import { hashPin, burnPinCheck, verifyPin } from '../../../shared/node/pin.ts';
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
    now: () => Date,
    private readonly watch: SignInWatch,
  ) {
    this.#byId = db.prepare(`SELECT id, name, role, pin_hash FROM staff WHERE id = ? AND active = 1`);
    this.#attempts = new PinAttempts(db, 'staff', now);
  }

  /** `staffId` as the contract parsed it (upper-case). Also how a supervisor's on-the-spot confirmation is checked. */
  async verify(staffId: string, pin: string): Promise<StaffMember> {
    const row = this.#byId.get(staffId) as StaffRow | undefined;
    const outcome = await this.#attempts.check(`staff:${staffId}`, async () => (row ? verifyPin(pin, row.pin_hash) : (await burnPinCheck(pin), false)));
    if (!outcome.ok) {
      recordFailure(this.watch, 'staff', outcome, { accountId: null, after: { staffId } });
      throw pinRefusal(outcome, "That staff id and PIN don't match.");
    }
    // Only a known, active id's PIN can be right.
    const { id, name, role } = row as StaffRow;
    return { staffId: id, name, role };
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
