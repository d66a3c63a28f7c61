import { keyLegacyVerifier } from '../../../shared/node/pin.ts';
import type { Database } from '../ledger/db.ts';

/**
 * PIN verifiers a ledger kept from before they were keyed (plain scrypt) are keyed in place at
 * start, without anyone's PIN (shared/node/pin.ts keyLegacyVerifier): after it, the ledger holds
 * no verifier a copy could be checked against. Nothing to do on every later start.
 */
export function keyLegacyVerifiers(db: Database, branchPinKey: Buffer): number {
  let keyed = 0;
  db.transaction(() => {
    for (const table of ['customers', 'staff'] as const) {
      const update = db.prepare(`UPDATE ${table} SET pin_hash = ? WHERE id = ?`);
      const legacy = db.prepare(`SELECT id, pin_hash FROM ${table} WHERE pin_hash LIKE 'scrypt$%'`).all() as { id: string; pin_hash: string }[];
      for (const row of legacy) {
        const verifier = keyLegacyVerifier(row.pin_hash, branchPinKey);
        if (verifier !== null) keyed += update.run(verifier, row.id).changes;
      }
    }
  })();
  return keyed;
}
