import { z } from 'zod';
import { HubUrl } from '../../../shared/hub-url.ts';
import { Language } from '../../../shared/locales.ts';
import { IdleSettings } from '../../../shared/contract/schemas.ts';
import { demoBranch } from '../../../shared/demo/branch.ts';
import type { AuthorityKind } from '../../../shared/contract/assist.ts';

const minor = (max: number) => z.number().int().min(0).max(max);

/** One kind of authority: the most in one request, and the most in one day (what the member did today, in the branch's time zone, adds up; for credit, the increases granted). */
export interface Limit {
  perRequestMinor: number;
  perDayMinor: number;
}
/** What one staff member may do alone, per kind (minor units): fee waivers, adjustments, credit limits, counter cash. */
export type Authority = Record<AuthorityKind, Limit>;
/** The largest setting each kind takes (minor units, per request; a day takes ten times that). */
const KIND_MAX: Record<AuthorityKind, number> = { feeWaiverMinor: 1_000_000, adjustmentMinor: 10_000_000, creditLimitMinor: 100_000_000, counterCashMinor: 10_000_000 };
const AGENT_AUTHORITY: Authority = {
  feeWaiverMinor: { perRequestMinor: 2_000, perDayMinor: 6_000 },
  adjustmentMinor: { perRequestMinor: 5_000, perDayMinor: 15_000 },
  creditLimitMinor: { perRequestMinor: 60_000, perDayMinor: 100_000 },
  counterCashMinor: { perRequestMinor: 30_000, perDayMinor: 150_000 },
};
const SUPERVISOR_AUTHORITY: Authority = {
  feeWaiverMinor: { perRequestMinor: 20_000, perDayMinor: 60_000 },
  adjustmentMinor: { perRequestMinor: 50_000, perDayMinor: 150_000 },
  creditLimitMinor: { perRequestMinor: 500_000, perDayMinor: 1_000_000 },
  counterCashMinor: { perRequestMinor: 200_000, perDayMinor: 1_000_000 },
};

/**
 * One role's authority. Each kind is `{ perRequestMinor, perDayMinor }`; a plain number is the
 * settings files' older per-request form and stays valid, with the role's default day (never
 * below the number). A kind left out takes its default. For credit the two measure different
 * things (the highest limit granted in one decision; the increases granted in a day), so only the
 * other kinds need a day to hold at least one request.
 */
function authority(defaults: Authority) {
  const kind = (k: AuthorityKind) => {
    const sameMeasure = k !== 'creditLimitMinor';
    const perDay = (perRequestMinor: number) => (sameMeasure ? Math.max(perRequestMinor, defaults[k].perDayMinor) : defaults[k].perDayMinor);
    return z
      .union([
        minor(KIND_MAX[k]).transform((perRequestMinor): Limit => ({ perRequestMinor, perDayMinor: perDay(perRequestMinor) })),
        z
          .object({ perRequestMinor: minor(KIND_MAX[k]), perDayMinor: minor(KIND_MAX[k] * 10) })
          .strict()
          .refine((l) => !sameMeasure || l.perDayMinor >= l.perRequestMinor, { message: 'perDayMinor must be at least perRequestMinor: a day holds at least one request' }),
      ])
      .default(defaults[k]);
  };
  return z
    .object({ feeWaiverMinor: kind('feeWaiverMinor'), adjustmentMinor: kind('adjustmentMinor'), creditLimitMinor: kind('creditLimitMinor'), counterCashMinor: kind('counterCashMinor') })
    .strict()
    .prefault({});
}

/** One schema for the kiosk's settings, whichever store (electron-store or conf) holds them. */
export const Settings = z
  .object({
    kioskId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{1,39}$/, 'letters, digits, - and _ only').default('KIOSK-001'),
    branchId: z.string().regex(/^[A-Z0-9-]{2,20}$/, 'upper-case letters, digits and - only').default(demoBranch.id),
    branchName: z.string().min(1).max(80).default(demoBranch.name),
    language: Language.default('en'),
    currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR').default(demoBranch.currency),
    countryCallingCode: z.string().regex(/^\d{1,3}$/, 'digits only, such as 34').default(demoBranch.countryCallingCode),
    timeZone: z
      .string()
      .refine((tz) => {
        try {
          new Intl.DateTimeFormat('en', { timeZone: tz });
          return true;
        } catch {
          return false;
        }
      }, 'an IANA time zone such as Europe/Madrid')
      .default(demoBranch.timeZone),
    idle: IdleSettings.default({ timeoutSeconds: 60, warningSeconds: 15 }),
    hubUrl: HubUrl.nullable().default(null),
    payments: z
      .object({
        /** The most one payment at this kiosk may be (minor units): a typing slip cannot take a fortune. */
        maxAmountMinor: z.number().int().min(100).max(10_000_000).default(200_000),
      })
      .strict()
      .default({ maxAmountMinor: 200_000 }),
    credit: z
      .object({
        /** How far this kiosk may raise a credit limit on its own while headquarters cannot decide (minor units). */
        offlineAllowanceMinor: z.number().int().min(0).max(1_000_000).default(10_000),
      })
      .strict()
      .default({ offlineAllowanceMinor: 10_000 }),
    assist: z
      .object({
        /**
         * Staff sessions end sooner than customers': an unattended kiosk in assist mode is staff's
         * power in anyone's hands. Unset: 40 s + 10 s, or shorter to stay below the customer's.
         */
        idle: IdleSettings.optional(),
        /**
         * The most each role may do alone, per request and per day (minor units); above either, a
         * supervisor other than them confirms with their PIN, within the supervisor's own limits.
         */
        authority: z.object({ agent: authority(AGENT_AUTHORITY), supervisor: authority(SUPERVISOR_AUTHORITY) }).strict().prefault({}),
        /**
         * The sensitive steps (the identity check, a PIN reset or unlock, and money above
         * `aboveMinor`, small amounts adding up) ask for the staff member's PIN again when it was last
         * given more than `afterSeconds` ago. 20.00 is the agent's fee-waiver authority, the smallest
         * sum the kiosk already holds someone to: waiving a late fee passes, a bill's worth of cash does not.
         */
        reconfirm: z
          .object({
            afterSeconds: z.number().int().min(10).max(3600).default(60),
            aboveMinor: minor(1_000_000).default(2_000),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    demo: z
      .object({
        enabled: z.boolean().default(true),
        seed: z.number().int().default(demoBranch.seed),
        customers: z.number().int().min(1).max(200_000).default(demoBranch.customers),
      })
      .default({ enabled: true, seed: demoBranch.seed, customers: demoBranch.customers }),
  })
  .strict()
  .transform((s) => ({ ...s, assist: { ...s.assist, idle: s.assist.idle ?? staffIdle(s.idle) } }))
  .refine((s) => s.assist.idle.timeoutSeconds + s.assist.idle.warningSeconds < s.idle.timeoutSeconds + s.idle.warningSeconds, {
    path: ['assist', 'idle'],
    message: 'staff sessions must time out sooner than customer sessions',
  });
export type Settings = z.infer<typeof Settings>;

/** The staff clock when none is set: 40 s + 10 s, or a third less than the customer's (never under the schema's minimum) when theirs is short. */
function staffIdle(customer: IdleSettings): IdleSettings {
  return {
    timeoutSeconds: Math.max(5, Math.min(40, Math.floor((customer.timeoutSeconds * 2) / 3))),
    warningSeconds: Math.max(3, Math.min(10, Math.floor((customer.warningSeconds * 2) / 3))),
  };
}

export class SettingsError extends Error {
  override name = 'SettingsError';
}

/** Parses raw settings, or throws one clear message naming every bad field. */
export function parseSettings(raw: unknown, where: string): Settings {
  const result = Settings.safeParse(raw ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `  - ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n');
  throw new SettingsError(`The kiosk settings in ${where} are not valid:\n${problems}`);
}

/** Whatever holds the settings on this host. */
export interface SettingsStore {
  readonly path: string;
  read(): Settings;
}
