import { z } from 'zod';

/** What a usage record counts, and in what unit it is shown. */
export const UsageType = z.enum(['data', 'voice', 'sms']);
export type UsageType = z.infer<typeof UsageType>;
export const UsageUnit = z.enum(['MB', 'min', 'SMS']);
export type UsageUnit = z.infer<typeof UsageUnit>;
