import { isAccountNumber, luhnCheckDigit } from '../identifiers.ts';

/**
 * What keeps PINs, card numbers (PANs) and phone numbers out of the kiosk's and the hub's logs.
 * Both loggers (shared/node/log.ts) pass every finished log line through `redactLogLine`, so it
 * holds for every field, nested field, message, error message and stack, child binding and
 * framework log (Fastify's request and error logs), whoever wrote the log call.
 *
 * Two rules, both applied everywhere:
 * - by key: the value of a sensitive key (pin, newPin, pinHash, identifier, phone, msisdn, e164,
 *   pan, cardNumber, credential, authorization, cookie, token, secret, password, …) becomes
 *   "[redacted]", whatever it is; so does a `code` that is not an error code (an enrolment code);
 * - by value: in every string (and key), digit runs that look like a card number (13 to 19
 *   digits, spaces or dashes allowed) keep only their last 4 digits, phone numbers (+ and 8 to 15
 *   digits, or 8 to 12 digits without +) their last 2, and a number after "PIN" becomes
 *   "[redacted]". Account numbers (10 digits ending in a Luhn check digit, shared/identifiers.ts)
 *   stay readable: they are what staff need to find a log line.
 */
export const REDACTED = '[redacted]';

/** Words (of a key split at camelCase, snake_case, kebab-case) whose value is never logged. */
const SENSITIVE_WORDS = new Set([
  'pin',
  'pins',
  'pincode',
  'pinhash',
  'newpin',
  'oldpin',
  'pan',
  'pans',
  'cardnumber',
  'cardno',
  'cvv',
  'cvc',
  'phone',
  'phones',
  'phonenumber',
  'msisdn',
  'msisdns',
  'e164',
  'identifier',
  'credential',
  'credentials',
  'authorization',
  'cookie',
  'cookies',
  'password',
  'passcode',
  'secret',
  'secrets',
  'token',
  'tokens',
  'apikey',
  'enrolmentcode',
  'enrollmentcode',
  'email',
]);

function keyWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
}

/** Whether a field's value must not be logged at all: `pin`, `newPin`, `card_number`, `x-api-key`, `Authorization`… */
export function isSensitiveKey(key: string): boolean {
  const words = keyWords(key);
  for (let i = 0; i < words.length; i++) {
    if (SENSITIVE_WORDS.has(words[i] as string)) return true;
    if (i + 1 < words.length && SENSITIVE_WORDS.has(`${words[i]}${words[i + 1]}`)) return true;
  }
  return false;
}

const UUID = String.raw`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`;
// A date (and time) is kept, unless more digits follow it: then it may be the start of a card number.
const ISO_DATE = String.raw`(?:19|20)\d{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?(?![ -]?\d)`;
// Hashes and ids: 24+ hex characters with at least one letter, standing alone.
const HEX_TOKEN = String.raw`(?<![0-9a-z])(?=[0-9a-f]*[a-f])[0-9a-f]{24,}(?![0-9a-z])`;
// A run of digits, optionally after +, with single spaces or dashes between digits.
const DIGIT_RUN = String.raw`\+?\d(?:[ \u00a0-]?\d)*`;
const TOKENS = new RegExp(`(${UUID})|(${ISO_DATE})|(${HEX_TOKEN})|(${DIGIT_RUN})`, 'gi');

// "PIN 1234", "pin=1234", "newPin: '1234'", "PIN is 1234", "\"pin\":\"1234\"".
const PIN_IN_TEXT = /(pins?|passcode|password)(?![a-z])((?:\s+(?:is|was|of|to)\b)?[\s"'`:=#([{]{0,6})(\d{4,12})(?!\d)/gi;

const phoneMask = (digits: string) => `[phone …${digits.slice(-2)}]`;
const panMask = (digits: string) => `[PAN …${digits.slice(-4)}]`;

function maskDigitRun(run: string): string {
  const digits = run.replace(/\D/g, '');
  const n = digits.length;
  const plus = run.startsWith('+');
  if (plus && n >= 8 && n <= 15) return phoneMask(digits);
  if (n >= 13) return digits.startsWith('00') && n <= 17 ? phoneMask(digits) : panMask(digits);
  if (n >= 8 && !plus) {
    if (n === 10 && run === digits && isAccountNumber(digits)) return run;
    return phoneMask(digits);
  }
  return run;
}

/** A string with every card number, phone number and labelled PIN in it masked. */
export function redactText(text: string): string {
  if (!/\d/.test(text)) return text;
  const masked = text.replace(TOKENS, (match: string, uuid?: string, date?: string, hex?: string) => (uuid || date || hex ? match : maskDigitRun(match)));
  return masked.replace(PIN_IN_TEXT, (_match: string, label: string, gap: string) => `${label}${gap}${REDACTED}`);
}

function isLuhnValid(digits: string): boolean {
  return luhnCheckDigit(digits.slice(0, -1)) === Number(digits.slice(-1));
}

/** A number logged as a number: a Luhn-valid 13 to 19 digit integer is taken for a card number. */
function redactNumber(value: number): number | string {
  if (!Number.isInteger(value)) return value;
  const digits = String(Math.abs(value));
  return digits.length >= 13 && digits.length <= 19 && isLuhnValid(digits) ? panMask(digits) : value;
}

const MAX_DEPTH = 24;

/** Any JSON-like value with sensitive keys redacted and every string scrubbed by `redactText`. */
export function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (typeof value === 'number') return redactNumber(value);
  if (typeof value === 'bigint') return redactText(String(value));
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[too deep]';
  if (value instanceof Error) return redactValue(errorRecord(value), depth);
  if (Array.isArray(value)) return value.map((item: unknown) => redactValue(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[redactText(key)] = redactField(key, item, depth + 1);
  return out;
}

/**
 * Whether a `code` field holds an error code (INTERNAL, FST_ERR_…, ECONNREFUSED, SQLSTATE 40001):
 * those are kept, as are exit codes (numbers); any other code (a hub enrolment code) is redacted.
 */
function isErrorCode(value: string): boolean {
  if (/^[0-9A-Z]{5}$/.test(value)) return true;
  return /^[A-Z][A-Z0-9_]*$/.test(value) && (value.includes('_') || !/\d/.test(value));
}

/** A field's value: redacted whole under a sensitive key (null and booleans say nothing), scrubbed otherwise. */
function redactField(key: string, value: unknown, depth: number): unknown {
  if (isSensitiveKey(key) && value !== null && value !== undefined && typeof value !== 'boolean') return REDACTED;
  if (key === 'code' && typeof value === 'string' && !isErrorCode(value)) return REDACTED;
  return redactValue(value, depth);
}

/** An error as a plain record (what pino's serializer gives), so its message and stack can be scrubbed. */
function errorRecord(error: Error): Record<string, unknown> {
  const record: Record<string, unknown> = { type: error.name, message: error.message, stack: error.stack };
  for (const [key, item] of Object.entries(error)) record[key] = item;
  if (error.cause !== undefined) record.cause = error.cause;
  return record;
}

/** pino's own fields, numbers it writes itself: left as they are. */
const LOGGER_FIELDS = new Set(['time', 'level', 'pid']);

/**
 * One finished log line (pino's newline-delimited JSON) with everything above applied. A line
 * that is not JSON is scrubbed as text.
 */
export function redactLogLine(line: string): string {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    return redactText(line);
  }
  if (record === null || typeof record !== 'object' || Array.isArray(record)) return `${JSON.stringify(redactValue(record))}\n`;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (LOGGER_FIELDS.has(key)) out[key] = value;
    else out[redactText(key)] = redactField(key, value, 1);
  }
  return `${JSON.stringify(out)}\n`;
}
