import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { auditVerifyCommand, directAuditCommands } from '../../hub/audit/operator.ts';
import { directBillingCommands } from '../../hub/billing/operator.ts';
import { importUsageCommand } from '../../hub/billing/cli-commands.ts';
import { allowanceCommand } from '../../hub/decisions/cli.ts';
import { directDecisionCommands } from '../../hub/decisions/operator.ts';
import { DEFAULT_LIMITS } from '../../hub/runtime/limits.ts';
import { deviceLine } from '../../hub/runtime/operator-commands.ts';
import { say } from '../../hub/runtime/terminal.ts';
import { issueEnrolmentCode } from '../../hub/security/enrolment.ts';
import { demoBranch } from '../../shared/demo/branch.ts';
import { engines, freshDatabases } from '../hub/databases.ts';
import { seedWorld } from '../hub/fixtures/billing-world.ts';
import { NOW, seededHub } from '../hub/push-fixture.ts';

// Whoever names a kiosk at enrolment, a branch, or writes a line of a mediation file, writes into
// the operator's terminal when the CLI lists them. Before, a kiosk named with ESC sequences
// retitled the operator's window, cleared the screen and hid what followed; a CR overwrote the
// line, a bidi override made the name read backwards. Now the CLI prints no control character but
// its own line breaks and tabs (hub/runtime/terminal.ts), and enrolment refuses such names.

const HOSTILE = 'Kiosk 1\u001b]0;you are pwned\u0007\u001b[2J\rhidden\u009b31m\u202eevil\ttab\nforged line';
// What a terminal would act on instead of showing: C0 but the CLI's own layout, DEL, C1, bidi controls.
// eslint-disable-next-line no-control-regex -- looking for exactly these
const STEERING = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

let printed: string[] = [];
const capture = () => {
  printed = [];
  vi.spyOn(console, 'log').mockImplementation((text: unknown) => void printed.push(String(text)));
  vi.spyOn(console, 'error').mockImplementation((text: unknown) => void printed.push(String(text)));
};
afterEach(() => vi.restoreAllMocks());

describe('the operator CLI’s output', () => {
  it('drops every control character but its own layout', () => {
    capture();
    say(`devices:\n${deviceLine({ id: 'dev-1', branchId: 'MAD-01', name: HOSTILE, createdAt: NOW.toISOString(), revokedAt: null })}`);
    expect(printed).toEqual(['devices:\ndev-1\tMAD-01\tactive\tKiosk 1]0;you are pwned[2Jhidden31meviltabforged line']);
    expect(printed.join('')).not.toMatch(STEERING);
    // Text the CLI quotes without naming it a value (an id in a reason, a database's message) is cleaned too.
    say('usage u-1\u001b[2J: refused\tline\r\u009b31m\nnext');
    expect(printed.at(-1)).toBe('usage u-1[2J: refused\tline31m\nnext');
  });
});

describe.each(engines)('names in the operator’s terminal on %s', (engine) => {
  const databases = freshDatabases(engine);

  it('refuses a kiosk name with control characters at enrolment', async () => {
    const { db } = await databases.fresh();
    const app = await seededHub(db);
    const { code } = await issueEnrolmentCode(db, { branchId: demoBranch.id, now: NOW });
    const refused = await app.inject({ method: 'POST', url: '/sync/v1/enrol', payload: { code, deviceName: HOSTILE.slice(0, 60) } });
    expect(refused.statusCode, refused.body).toBe(400);
    expect(refused.json().error.message).toMatch(/deviceName: a name without control characters/);
    expect(await db.query('SELECT id FROM devices')).toEqual([]);
  });

  it('prints a hostile kiosk or branch name already stored on one line, without the sequences', async () => {
    const { db } = await databases.fresh();
    await seededHub(db);
    await db.query(`UPDATE branches SET name = $2 WHERE id = $1`, [demoBranch.id, HOSTILE]);
    await db.query(`INSERT INTO devices (id, branch_id, name, credential_hash, created_at) VALUES ('dev-hostile', $1, $2, $3, $4)`, [demoBranch.id, HOSTILE, '0'.repeat(64), NOW]);
    capture();
    expect(await auditVerifyCommand(undefined, (run) => run(directAuditCommands(db)))).toBe(0);
    expect(await allowanceCommand({ branch: demoBranch.id }, (run) => run(directDecisionCommands(db)))).toBe(0);
    const output = printed.join('\n');
    expect(output).not.toMatch(STEERING);
    expect(printed[0]).toBe('dev-hostile (MAD-01, Kiosk 1]0;you are pwned[2Jhidden31meviltabforged line): no audit events yet');
    expect(output).toContain(`${demoBranch.id} Kiosk 1]0;you are pwned[2Jhidden31meviltabforged line: offline allowance`);
    expect(output).not.toMatch(/^forged line/m);
  });

  it('prints the rejected lines of a mediation file without their sequences', async () => {
    const { db } = await databases.fresh();
    await seedWorld(db);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'terminal-injection-'));
    try {
      const file = path.join(dir, 'usage.csv');
      writeFileSync(file, ['usage_id,product_id,usage_type,usage_date,quantity,unit', 'u-1,prod-mob-a,data,2026-10-03T08:00:00Z,1\u001b[2J\u001b]0;pwned\u0007,MB'].join('\n'));
      capture();
      await importUsageCommand(file, (run) => run({ ...directBillingCommands(db, DEFAULT_LIMITS) }));
      const output = printed.join('\n');
      expect(output).toContain('u-1,prod-mob-a,data,2026-10-03T08:00:00Z,1[2J]0;pwned,MB');
      expect(output).not.toMatch(STEERING);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
