import { z } from 'zod';
import { IdleSettings } from './schemas.ts';

export const staffRoles = ['agent', 'supervisor'] as const;
export const StaffRole = z.enum(staffRoles);
export type StaffRole = z.infer<typeof StaffRole>;

/** A staff id as typed or as a badge reader types it: letters, digits and dashes, any case (stored upper-case). */
export const StaffId = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9-]{2,32}$/, 'Enter your staff id.')
  .transform((id) => id.toUpperCase());

export const StaffSignInInput = z
  .object({
    staffId: StaffId,
    pin: z.string().regex(/^\d{4,8}$/, 'The PIN is 4 to 8 digits.'),
  })
  .strict();

/** Who is in assist mode: the banner shows it on every screen. */
export const StaffSessionInfo = z.object({
  staffId: z.string(),
  name: z.string(),
  role: StaffRole,
  idle: IdleSettings,
});
export type StaffSessionInfo = z.infer<typeof StaffSessionInfo>;
