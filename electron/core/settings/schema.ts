import { z } from 'zod';
import { Language } from '../../../shared/locales.ts';
import { IdleSettings } from '../../../shared/contract/schemas.ts';
import { demoBranch } from '../../../shared/demo/branch.ts';

const minor = (max: number) => z.number().int().min(0).max(max);
/** What one staff member may do alone: the largest fee waiver, adjustment and credit limit they may grant (minor units). */
const Authority = z.object({ feeWaiverMinor: minor(1_000_000), adjustmentMinor: minor(10_000_000), creditLimitMinor: minor(100_000_000) }).strict();
export type Authority = z.infer<typeof Authority>;
const AGENT_AUTHORITY: Authority = { feeWaiverMinor: 2_000, adjustmentMinor: 5_000, creditLimitMinor: 60_000 };
const SUPERVISOR_AUTHORITY: Authority = { feeWaiverMinor: 20_000, adjustmentMinor: 50_000, creditLimitMinor: 500_000 };

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
    hubUrl: z.url({ protocol: /^https?$/ }).nullable().default(null),
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
        /** The most each role may do alone (minor units); above it, a supervisor confirms with their PIN. */
        authority: z
          .object({ agent: Authority.default(AGENT_AUTHORITY), supervisor: Authority.default(SUPERVISOR_AUTHORITY) })
          .strict()
          .default({ agent: AGENT_AUTHORITY, supervisor: SUPERVISOR_AUTHORITY }),
      })
      .strict()
      .default({ authority: { agent: AGENT_AUTHORITY, supervisor: SUPERVISOR_AUTHORITY } }),
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
