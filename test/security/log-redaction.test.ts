import { TEST_LEDGER_KEY } from '../helpers/ledger-file.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createDispatcher, type Handlers } from '../../electron/core/ipc/dispatch.ts';
import { openLedger } from '../../electron/core/ledger/db.ts';
import { createLogger, type Logger } from '../../electron/core/infra/log.ts';
import { startSyncWorker } from '../../electron/core/sync/sync-worker-host.ts';
import type { HubDb, HubQueryable, Row } from '../../hub/db/hub-db.ts';
import { createHubLogger } from '../../hub/runtime/config.ts';
import { buildHub } from '../../hub/server.ts';
import { luhnCheckDigit, makeAccountNumber } from '../../shared/identifiers.ts';
import { isSensitiveKey, redactText } from '../../shared/node/redact.ts';
import { until } from '../helpers/until.ts';

// What must never reach a log: a PIN, a full card number (PAN) and a full phone number, in the
// ways people write them.
const PIN = '7391';
const PAN_SPACED = '4111 1111 1111 1111';
const PAN = '4111111111111111';
const PAN_DASHED = '4111-1111-1111-1111';
const PHONE_SPACED = '+34 600 123 456';
const PHONE = '+34600123456';
const NATIONAL = '600123456';
const ACCOUNT_NO = '4000000002';
const DEVICE_SECRET = 'Zx9-device-secret-that-must-stay-out-of-logs';

const FORBIDDEN = [PAN_SPACED, PAN, PAN_DASHED, PAN.slice(0, -4), PHONE_SPACED, PHONE, PHONE.slice(1), NATIONAL, '600 123 456', DEVICE_SECRET];
// Line:column numbers in stack traces sit between colons; a PIN never does.
const PIN_PATTERN = new RegExp(`(?<![\\d:])${PIN}(?![\\d:])`);

/** A pino destination that keeps what is written, one JSON line per call. */
class Capture {
  readonly chunks: string[] = [];
  write(chunk: string): void {
    this.chunks.push(chunk);
  }
  get text(): string {
    return this.chunks.join('');
  }
  records(): Record<string, unknown>[] {
    return this.text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }
  /** Every record without pino's own numbers (time, pid), whose digits could match a PIN by chance. */
  scanned(): string {
    return this.records()
      .map(({ time: _time, pid: _pid, hostname: _hostname, ...rest }) => JSON.stringify(rest))
      .join('\n');
  }
  messages(): unknown[] {
    return this.records().map((r) => r.msg);
  }
}

function leaksIn(capture: Capture): string[] {
  const scanned = capture.scanned();
  const found = FORBIDDEN.filter((secret) => scanned.includes(secret));
  if (PIN_PATTERN.test(scanned)) found.push(`PIN ${PIN}`);
  return found;
}

const kioskLogger = (capture: Capture, level = 'info'): Logger => createLogger({ level, destination: capture });

describe('logs never carry a PIN, a card number or a phone number', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('the kiosk logger: fields, nested fields, messages, interpolation, errors, child bindings', () => {
    const capture = new Capture();
    const log = kioskLogger(capture, 'trace');

    log.info({ pin: PIN, newPin: PIN, pinHash: `scrypt$${PIN}`, identifier: PHONE, phone: PHONE_SPACED, msisdn: PHONE, pan: PAN, cardNumber: PAN_SPACED }, 'sign-in attempt');
    log.info({ input: { identifier: NATIONAL, pin: PIN }, card: { number: PAN_DASHED, last4: '1111' }, lines: [{ e164: PHONE }] }, 'nested fields');
    log.warn({ note: `customer at ${PHONE_SPACED} paid with ${PAN_SPACED}`, accountNo: ACCOUNT_NO }, 'free text in a field');
    log.warn(`wrong PIN ${PIN} for ${PHONE} with card ${PAN}`);
    log.error({ event: 'payment' }, 'card %s declined for %s (pin=%s)', PAN_SPACED, PHONE_SPACED, PIN);
    log.error(new Error(`card ${PAN} of ${PHONE_SPACED} declined; PIN: ${PIN}`));
    log.error({ err: new Error(`lookup ${NATIONAL} failed`, { cause: new Error(`card ${PAN_DASHED}`) }) }, 'lookup failed');
    log.error({ error: new Error(`phone ${PHONE} unknown`) }, 'an error under another key');
    log.child({ phone: PHONE, session: `card ${PAN}` }).info({ accountNo: ACCOUNT_NO }, `bound ${PHONE_SPACED}`);
    log.debug({ headers: { authorization: `Bearer dev-1.${DEVICE_SECRET}`, cookie: `kiosk_token=${DEVICE_SECRET}` } }, 'headers');

    const records = capture.records();
    expect(records).toHaveLength(10);
    expect(leaksIn(capture)).toEqual([]);
    // Still useful: what was redacted says so, the last digits and the account number stay readable.
    expect(records[0]).toMatchObject({ pin: '[redacted]', newPin: '[redacted]', pinHash: '[redacted]', identifier: '[redacted]', pan: '[redacted]', msg: 'sign-in attempt' });
    expect(records[1]).toMatchObject({ input: { identifier: '[redacted]', pin: '[redacted]' }, card: { number: '[PAN …1111]', last4: '1111' } });
    expect(records[2]).toMatchObject({ note: 'customer at [phone …56] paid with [PAN …1111]', accountNo: ACCOUNT_NO });
    expect(records[3]?.msg).toBe('wrong PIN [redacted] for [phone …56] with card [PAN …1111]');
    expect(records[5]?.msg).toBe('card [PAN …1111] of [phone …56] declined; PIN: [redacted]');
    expect(records[8]).toMatchObject({ phone: '[redacted]', accountNo: ACCOUNT_NO, msg: 'bound [phone …56]' });
  });

  it('the dispatcher’s handler-failed path', async () => {
    const capture = new Capture();
    const handlers = {
      'session.signIn': ({ identifier, pin }: { identifier: string; pin: string }) => {
        throw new Error(`no customer for ${identifier} with PIN ${pin}; last card ${PAN_SPACED}`);
      },
    } as unknown as Handlers;
    const dispatch = createDispatcher(handlers, kioskLogger(capture), () => true, () => {});

    const result = await dispatch('session.signIn', { identifier: PHONE_SPACED, pin: PIN });

    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(capture.messages()).toEqual(['handler failed']);
    expect(leaksIn(capture)).toEqual([]);
    expect(JSON.stringify(capture.records()[0]?.err)).toContain('no customer for [phone …56] with PIN [redacted]');
  });

  it('the sync worker’s logs, forwarded by its host from the worker thread', async () => {
    const capture = new Capture();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'onebill-redaction-'));
    const ledgerFile = path.join(dir, 'ledger.sqlite');
    const db = await openLedger(ledgerFile, TEST_LEDGER_KEY);
    cleanup.push(() => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const host = startSyncWorker({
      db,
      ledgerFile,
      ledgerKey: TEST_LEDGER_KEY,
      credential: { hubUrl: 'http://127.0.0.1:9', deviceId: 'dev-1', branchId: 'MAD-01', credential: `dev-1.${DEVICE_SECRET}` },
      log: kioskLogger(capture),
      onStatus: () => undefined,
      intervalMs: 60_000,
      timeoutMs: 1_000,
      restartMs: 60_000,
      script: { file: new URL('../fixtures/sync-worker-that-logs-secrets.mjs', import.meta.url) },
    });
    cleanup.push(() => host.stop());

    await until(() => capture.records().length >= 3);

    expect(capture.messages()).toEqual(['sync with headquarters failed for [phone …56]', 'PIN [redacted] refused for card [PAN …1111]', 'worker error forwarded']);
    expect(capture.records().every((r) => r.thread === 'sync')).toBe(true);
    expect(leaksIn(capture)).toEqual([]);
    expect(capture.records()[1]).toMatchObject({ nested: { pin: '[redacted]' }, identifier: '[redacted]', accountNo: ACCOUNT_NO });
  });

  describe('the hub', () => {
    /** A database that is down, and whose errors echo the query's parameters (as PostgreSQL's do). */
    function brokenDb(): HubDb {
      const fail = async (sql: string, params?: readonly unknown[]): Promise<never> => {
        throw new Error(`could not run ${sql.slice(0, 20)} with ${JSON.stringify(params ?? [])}: connection to ${PHONE} lost after card ${PAN}`);
      };
      const queryable: HubQueryable = {
        query: <R extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<R[]> => fail(sql, params),
        exec: (script: string) => fail(script),
      };
      return { ...queryable, engine: 'pglite', transaction: (fn) => fn(queryable), close: async () => undefined };
    }

    async function hubLogging(): Promise<{ app: FastifyInstance; capture: Capture }> {
      const capture = new Capture();
      const app = await buildHub({ db: brokenDb(), logger: createHubLogger('info', capture), operatorToken: 'operator-token-for-tests' });
      cleanup.push(() => app.close());
      return { app, capture };
    }

    it('request logging (URL with a query, Authorization header), the error handler and the health check', async () => {
      const { app, capture } = await hubLogging();
      // A route that logs what it should not (the headers): key redaction still holds.
      app.get('/test/headers', async (request) => {
        request.log.info({ headers: request.headers }, 'headers seen');
        return { ok: true };
      });
      app.get('/test/boom', async () => {
        throw new Error(`card ${PAN_SPACED} of ${PHONE} failed with PIN ${PIN}`);
      });
      const auth = { authorization: `Bearer dev-1.${DEVICE_SECRET}` };

      expect((await app.inject({ method: 'GET', url: `/test/headers?msisdn=${encodeURIComponent(PHONE)}&pan=${PAN}`, headers: auth })).statusCode).toBe(200);
      expect((await app.inject({ method: 'GET', url: `/test/boom?phone=${PHONE}`, headers: auth })).statusCode).toBe(500);
      expect((await app.inject({ method: 'GET', url: '/sync/v1/whoami', headers: auth })).statusCode).toBe(500);
      expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(503);

      const messages = capture.messages();
      expect(messages).toEqual(expect.arrayContaining(['incoming request', 'request completed', 'headers seen', 'request failed', 'health check: database unreachable']));
      expect(leaksIn(capture)).toEqual([]);
      const seen = capture.records().find((r) => r.msg === 'headers seen') as { headers: Record<string, unknown> };
      expect(seen.headers.authorization).toBe('[redacted]');
      const incoming = capture.records().find((r) => r.msg === 'incoming request') as { req: { url: string } };
      expect(incoming.req.url).toBe('/test/headers?msisdn=%2B[phone …56]&pan=[PAN …1111]');
    });

    it('Fastify’s own logs: an error after the reply was sent, a reply sent twice (its message names the URL)', async () => {
      const { app, capture } = await hubLogging();
      app.get('/test/after-reply', async (_request, reply) => {
        await reply.send({ ok: true });
        throw new Error(`phone ${PHONE_SPACED}, card ${PAN}, PIN ${PIN}`);
      });
      app.get('/test/twice', async (_request, reply) => {
        await reply.send({ ok: true });
        return { again: true };
      });

      expect((await app.inject({ method: 'GET', url: `/test/after-reply?identifier=${NATIONAL}` })).statusCode).toBe(200);
      expect((await app.inject({ method: 'GET', url: `/test/twice?msisdn=${PHONE}&card=${PAN_DASHED}` })).statusCode).toBe(200);

      const records = capture.records();
      const afterReply = records.find((r) => r.msg === 'Promise errored, but reply.sent = true was set') as { level: number; err: { message: string } } | undefined;
      expect(afterReply?.level).toBe(50);
      expect(afterReply?.err.message).toBe('phone [phone …56], card [PAN …1111], PIN [redacted]');
      const twice = records.find((r) => JSON.stringify(r).includes('Reply was already sent'));
      expect(JSON.stringify(twice)).toContain('/test/twice?msisdn=[phone …56]&card=[PAN …1111]');
      expect(leaksIn(capture)).toEqual([]);
    });
  });

  describe('the rules, one by one', () => {
    it('redact by key, whatever the spelling', () => {
      for (const key of ['pin', 'PIN', 'newPin', 'supervisorPin', 'pin_code', 'pinHash', 'pan', 'cardNumber', 'card_number', 'msisdn', 'phone', 'phoneE164', 'e164', 'identifier', 'credential', 'authorization', 'Proxy-Authorization', 'cookie', 'set-cookie', 'x-api-key', 'launchToken', 'enrolmentCode', 'password']) {
        expect(isSensitiveKey(key), key).toBe(true);
      }
      for (const key of ['accountNo', 'shipping', 'mapping', 'spinner', 'pinned', 'code', 'channel', 'deviceId', 'amountMinor', 'paymentId']) {
        expect(isSensitiveKey(key), key).toBe(false);
      }
    });

    it('keep error codes and exit codes under `code`, and redact any other code (a hub enrolment code)', () => {
      const capture = new Capture();
      const log = kioskLogger(capture);
      for (const code of ['INTERNAL', 'FST_ERR_CTP_INVALID_MEDIA_TYPE', 'ECONNREFUSED', '40001', '40P01', 3]) log.info({ code }, 'kept');
      for (const code of ['K7QM-3X9D-PA2T-8HWN', 'k7qm 3x9d pa2t 8hwn', 'K7QM3X9DPA2T8HWN']) log.info({ code }, 'redacted');
      expect(capture.records().map((r) => r.code)).toEqual(['INTERNAL', 'FST_ERR_CTP_INVALID_MEDIA_TYPE', 'ECONNREFUSED', '40001', '40P01', 3, '[redacted]', '[redacted]', '[redacted]']);
    });

    it('mask card numbers (last 4 kept), phone numbers (last 2 kept) and labelled PINs in text', () => {
      expect(redactText('card 4111 1111 1111 1111, 4111-1111-1111-1111 or 4111111111111111')).toBe('card [PAN …1111], [PAN …1111] or [PAN …1111]');
      expect(redactText('amex 3782 822463 10005')).toBe('amex [PAN …0005]');
      expect(redactText('call +34 600 123 456, +34600123456, 0034600123456 or 600 123 456')).toBe('call [phone …56], [phone …56], [phone …56] or [phone …56]');
      expect(redactText('PIN 7391; pin=7391; newPin: "7391"; the PIN is 7391')).toBe('PIN [redacted]; pin=[redacted]; newPin: "[redacted]"; the PIN is [redacted]');
    });

    it('keep what is not personal: account numbers, ids, hashes, dates, times and small numbers', () => {
      const kept = [
        'account 4000000002',
        'payment 2f1c9a7e-5b7d-4e0f-9a51-0c1d2e3f4a5b',
        'sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
        'at 2026-11-26T09:00:00.000Z, cycle 2026-11, due 2026-12-05',
        'amount 1234567 minor units, 5 tries, 3 of 12 bills',
      ];
      for (const text of kept) expect(redactText(text)).toBe(text);
      // A 10-digit number failing the account number's check digit is taken for a phone number.
      expect(redactText('account 4000000003')).toBe('account [phone …03]');
    });
  });

  describe('random PINs, card numbers and phone numbers in random text', () => {
    const digits = (min: number, max: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: min, maxLength: max }).map((d) => d.join(''));
    /** A Luhn-valid card number of 13 to 19 digits, written compact, in groups of 4 with spaces or dashes, or 4-6-5. */
    const pan = fc.tuple(fc.integer({ min: 2, max: 6 }), digits(11, 17), fc.constantFrom('', ' ', '-'), fc.boolean()).map(([first, rest, sep, amex]) => {
      const payload = `${first}${rest}`;
      const compact = payload + String(luhnCheckDigit(payload));
      const groups = amex && compact.length === 15 ? [compact.slice(0, 4), compact.slice(4, 10), compact.slice(10)] : compact.match(/.{1,4}/g) ?? [compact];
      return { written: groups.join(sep), compact };
    });
    /** E.164 (+, country code, subscriber number; 8 to 15 digits in all) or a Spanish national number, grouped or not. */
    const phone = fc.oneof(
      fc.tuple(fc.integer({ min: 1, max: 999 }), digits(7, 12), fc.constantFrom('', ' ', '-')).map(([cc, subscriber, sep]) => {
        const all = `${cc}${subscriber}`.slice(0, 15);
        const national = all.slice(String(cc).length);
        return { written: `+${cc}${sep}${national.match(/.{1,3}/g)?.join(sep) ?? national}`, compact: all };
      }),
      fc.tuple(fc.constantFrom('6', '7', '9'), digits(8, 8), fc.constantFrom('', ' ')).map(([first, rest, sep]) => {
        const compact = `${first}${rest}`;
        return { written: [compact.slice(0, 3), compact.slice(3, 6), compact.slice(6)].join(sep), compact };
      }),
    );
    const pin = digits(4, 8);
    const text = fc.string({ unit: 'grapheme-ascii', maxLength: 24 });
    const delimiter = fc.constantFrom(' ', ', ', ': ', ' = ', '\n', ' (', ') ', '"', '; ', ' / ');

    it('are redacted wherever they sit in a record, through the kiosk’s and the hub’s logger', () => {
      fc.assert(
        fc.property(fc.constantFrom('kiosk', 'hub'), text, pan, text, phone, text, pin, delimiter, delimiter, (which, a, card, b, tel, c, code, d1, d2) => {
          const capture = new Capture();
          const log: Logger = which === 'kiosk' ? kioskLogger(capture) : createHubLogger('info', capture);
          const sentence = `${a}${d1}${card.written}${d2}${b}${d1}${tel.written}${d2}${c}`;
          log.info({ detail: sentence, nested: { list: [sentence] }, pin: code }, sentence);
          log.warn(`${a}${d1}PIN ${code}${d2}${b}`);
          log.error({ err: new Error(sentence) }, 'failed');

          const out = capture.scanned();
          expect(capture.records()).toHaveLength(3);
          for (const secret of [card.written, card.compact, card.compact.slice(0, -4), tel.written, tel.compact, tel.compact.slice(0, -2)]) {
            expect(out).not.toContain(secret);
          }
          expect(out).not.toContain(`PIN ${code}`);
          expect(capture.records()[0]?.pin).toBe('[redacted]');
        }),
        { numRuns: 150 },
      );
    });

    it('leave account numbers (10 digits with a Luhn check digit) readable', () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 999_999_999 }), text, (serial, a) => {
          const capture = new Capture();
          const accountNo = makeAccountNumber(serial);
          kioskLogger(capture).info({ accountNo }, `${a}; account ${accountNo} paid`);
          const [record] = capture.records();
          expect(record?.accountNo).toBe(accountNo);
          expect(record?.msg).toContain(`account ${accountNo} paid`);
        }),
      );
    });
  });
});
