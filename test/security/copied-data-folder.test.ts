import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEDGER_FILE, type KioskCore } from '../../electron/core/kiosk-core.ts';
import { openLedgerFile } from '../../electron/core/ledger/db.ts';
import { keyDirFor } from '../../electron/core/security/key-store.ts';
import { securePrivateFolder } from '../../electron/core/security/data-folder.ts';
import { demoCustomer } from '../../shared/demo/generator.ts';
import { pinVerifiers, type PinCost } from '../../shared/node/pin.ts';
import { startTestCore, TEST_DEMO } from '../helpers/demo-ledger.ts';
import { kioskKeys, openKioskLedger } from '../helpers/ledger-file.ts';
import { JAMES, ok } from '../helpers/signed-in.ts';

// What someone who copies a kiosk's data folder (a stolen disk, a backup, a support bundle) gets:
// nothing readable. The ledger is encrypted with a key kept outside the folder (a key store: the
// OS keychain or a 0600 file elsewhere), every file is the kiosk user's alone, and the PIN
// verifiers are keyed with the branch's PIN key, so even rows decrypted some other way check no
// guess. The copy here is taken while the kiosk runs, so its -wal and -shm are in it too.

const james = demoCustomer(TEST_DEMO.seed, 0, '34');
/** What must not be readable from a copy: James's name, e-mail, phone numbers (national and E.164), and the ledger's table names. */
const secrets = [james.name, `${james.name.toLowerCase().replace(/ /g, '.')}0@example.com`, ...james.phones, ...james.phones.map((p) => `+34${p}`), 'billing_accounts', 'customers', 'pin_hash', 'SQLite format 3'];

let core: KioskCore;
let dataDir: string;
let copy: string;
beforeAll(async () => {
  ({ core, dataDir } = await startTestCore());
  // Something of James's in the WAL and the devices' journals: a sign-in and a card payment with its receipt.
  await ok(core, 'session.signIn', JAMES);
  await ok(core, 'payment.start', { requestId: '0190a0b0-0000-7000-8000-000000000001', amountMinor: 1_000, billNo: null, method: 'card', language: 'en' });
  copy = path.join(mkdtempSync(path.join(os.tmpdir(), 'onebill-stolen-')), 'kiosk-data');
  cpSync(dataDir, copy, { recursive: true });
}, 60_000);
afterAll(() => core.close());

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
const foldersUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? [path.join(dir, e.name), ...foldersUnder(path.join(dir, e.name))] : []));

/** scrypt as an attacker runs it: the PIN against the salt and cost a verifier carries. */
const derive = (pin: string, salt: Buffer, cost: PinCost) =>
  new Promise<Buffer>((resolve, reject) => scrypt(pin, salt, 32, { ...cost, maxmem: 256 * 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key))));
/** `scrypt-hmac$<key id>$N$r$p$salt$tag`, or an unkeyed one from before, `scrypt$N$r$p$salt$hash`. */
const parse = (verifier: string) => {
  const parts = verifier.split('$');
  const [n, r, p, salt, tag] = parts.slice(parts[0] === 'scrypt' ? 1 : 2) as [string, string, string, string, string];
  return { cost: { N: Number(n), r: Number(r), p: Number(p) }, salt: Buffer.from(salt, 'base64'), tag: Buffer.from(tag, 'base64') };
};
/** The offline crack that broke a 4-digit PIN in 205 s: every PIN through scrypt, compared with the stored value. */
async function crack(verifier: string, pins: string[]): Promise<string[]> {
  const { cost, salt, tag } = parse(verifier);
  const found: string[] = [];
  for (const pin of pins) if (timingSafeEqual(await derive(pin, salt, cost), tag)) found.push(pin);
  return found;
}
const ALL_PINS = Array.from({ length: 10_000 }, (_, i) => String(i).padStart(4, '0'));

describe('a copy of the data folder alone', () => {
  it('holds the ledger, its -wal and -shm, and no keys: the key folder is beside the data folder, not in it', () => {
    expect(readdirSync(copy)).toEqual(expect.arrayContaining([LEDGER_FILE, `${LEDGER_FILE}-wal`, `${LEDGER_FILE}-shm`]));
    expect(filesUnder(copy).map((f) => path.basename(f))).not.toContain('kiosk-keys.json');
    expect(path.dirname(keyDirFor(dataDir))).toBe(path.dirname(dataDir));
    expect(existsSync(path.join(keyDirFor(dataDir), 'kiosk-keys.json'))).toBe(true);
  });

  it('was made for the kiosk user only: the folders 0700, every file 0600, the key folder too', () => {
    for (const dir of [dataDir, ...foldersUnder(dataDir), keyDirFor(dataDir)]) expect({ dir, mode: statSync(dir).mode & 0o777 }).toEqual({ dir, mode: 0o700 });
    const files = [...filesUnder(dataDir), ...filesUnder(keyDirFor(dataDir))];
    expect(files.length).toBeGreaterThan(3);
    for (const file of files) expect({ file, mode: statSync(file).mode & 0o777 }).toEqual({ file, mode: 0o600 });
  });

  it('is refused by a kiosk started with a umask that would leave new files readable to others', () => {
    const loose = process.umask(0o022);
    try {
      expect(() => securePrivateFolder(mkdtempSync(path.join(os.tmpdir(), 'onebill-umask-')))).toThrow(/would be readable by other users \(mode 644\): start the kiosk with umask 077/);
    } finally {
      process.umask(loose);
    }
  });

  it('shows no name, e-mail, phone number or table name in any of its bytes (ledger, -wal, -shm, device journals)', () => {
    // The original, read back with the key, does hold them: the search below looks for what is there.
    const db = openLedgerFile(path.join(dataDir, LEDGER_FILE), kioskKeys(dataDir).ledger, { readonly: true });
    expect(db.prepare('SELECT name, phone FROM customers WHERE name = ?').get(james.name)).toEqual({ name: james.name, phone: james.phones[0] });
    db.close();
    for (const file of filesUnder(copy)) {
      const bytes = readFileSync(file);
      for (const secret of secrets) expect({ file: path.relative(copy, file), secret, found: bytes.includes(secret) }).toMatchObject({ found: false });
    }
  });

  it('cannot be opened by SQLite without the key, nor with a key of its own', () => {
    const file = path.join(copy, LEDGER_FILE);
    const plain = new BetterSqlite3(file, { readonly: true });
    expect(() => plain.prepare('SELECT name FROM sqlite_master').all()).toThrow(expect.objectContaining({ code: 'SQLITE_NOTADB' }));
    plain.close();
    expect(() => openLedgerFile(file, randomBytes(32), { readonly: true })).toThrow(`the ledger at ${file} cannot be opened with this kiosk's key (wrong key, or not a ledger)`);
  });
});

describe('PIN verifiers out of a decrypted ledger', () => {
  /** As if the rows had come out some other way: read here with the kiosk's key. */
  const verifierOf = (accountNo: string) => {
    const db = openLedgerFile(path.join(copy, LEDGER_FILE), kioskKeys(dataDir).ledger, { readonly: true });
    try {
      return db.prepare('SELECT c.pin_hash FROM customers c JOIN billing_accounts a ON a.customer_id = c.id WHERE a.account_no = ?').pluck().get(accountNo) as string;
    } finally {
      db.close();
    }
  };

  it('James’s verifier does not recognise even his right PIN without the branch key; with it, it does', async () => {
    const verifier = verifierOf(JAMES.identifier);
    expect(await crack(verifier, [JAMES.pin, '0000', '9999'])).toEqual([]);
    expect(await pinVerifiers(randomBytes(32)).verify(JAMES.pin, verifier)).toBe(false);
    expect(await pinVerifiers(kioskKeys(dataDir).branchPin).verify(JAMES.pin, verifier)).toBe(true);
  });

  it('a plain scrypt verifier kept from before is keyed at the next start: the PIN still signs in, the stored value checks no guess', async () => {
    const { core: before, dataDir: older } = await startTestCore();
    before.close();
    const salt = randomBytes(16);
    const legacy = ['scrypt', 16384, 8, 1, salt.toString('base64'), (await derive(JAMES.pin, salt, { N: 16384, r: 8, p: 1 })).toString('base64')].join('$');
    const setPin = openKioskLedger(older);
    setPin.prepare('UPDATE customers SET pin_hash = ? WHERE id = (SELECT customer_id FROM billing_accounts WHERE account_no = ?)').run(legacy, JAMES.identifier);
    setPin.close();
    expect(await crack(legacy, [JAMES.pin])).toEqual([JAMES.pin]);

    const { core: after } = await startTestCore({}, older);
    try {
      expect((await after.dispatch('session.signIn', JAMES)).ok).toBe(true);
    } finally {
      after.close();
    }
    const read = openKioskLedger(older, { readonly: true });
    const keyed = read.prepare('SELECT c.pin_hash FROM customers c JOIN billing_accounts a ON a.customer_id = c.id WHERE a.account_no = ?').pluck().get(JAMES.identifier) as string;
    read.close();
    expect(keyed).toMatch(/^scrypt-hmac\$/);
    expect(await crack(keyed, [JAMES.pin])).toEqual([]);
  }, 60_000);

  it('all 10,000 PINs against a verifier without the branch key match nothing; with the key, only the right one', async () => {
    // A verifier made as the kiosk makes them, with its branch key, at scrypt's cheapest cost (the
    // cost travels in the verifier): the whole PIN space three times in seconds instead of minutes.
    const cheap: PinCost = { N: 16, r: 1, p: 1 };
    const kiosk = pinVerifiers(kioskKeys(dataDir).branchPin);
    const verifier = await kiosk.hash('4821', cheap);
    const guessed = pinVerifiers(randomBytes(32));
    expect(await crack(verifier, ALL_PINS)).toEqual([]);
    const withAnotherKey: string[] = [];
    for (const pin of ALL_PINS) if (await guessed.verify(pin, verifier)) withAnotherKey.push(pin);
    expect(withAnotherKey).toEqual([]);
    const withTheKey: string[] = [];
    for (const pin of ALL_PINS) if (await kiosk.verify(pin, verifier)) withTheKey.push(pin);
    expect(withTheKey).toEqual(['4821']);
  }, 60_000);
});
