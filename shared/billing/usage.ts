import { z } from 'zod';
import { Instant } from '../domain/time.ts';
import { UsageType } from '../domain/usage.ts';
import { DestinationClass } from './catalog.ts';

/**
 * A usage record as mediation hands it over (TMF635 Usage): what happened on which product, when
 * and how much. Quantities are whole units of `unit`; rating checks every field and rejects what
 * it cannot rate with a reason instead of dropping it.
 */
export const UsageRecordUnit = z.enum(['KB', 'MB', 's', 'min', 'SMS']);
export type UsageRecordUnit = z.infer<typeof UsageRecordUnit>;

export const UsageRecord = z
  .object({
    id: z.string().min(1).max(64),
    productId: z.string().min(1).max(64),
    usageType: UsageType,
    usageDate: Instant,
    quantity: z.number(),
    unit: UsageRecordUnit,
    /** Roaming zone id from the catalog; absent means at home. */
    zone: z.string().min(1).max(16).optional(),
    destination: DestinationClass.optional(),
    /** Service tag for zero-rating (e.g. 'messaging'). */
    service: z.string().min(1).max(32).optional(),
  })
  .strict();
export type UsageRecord = z.infer<typeof UsageRecord>;

/** Base units that rating counts in: KB of data, seconds of voice, single SMS. */
export const baseUnitsPer: Record<UsageRecordUnit, number> = { KB: 1, MB: 1024, s: 1, min: 60, SMS: 1 };
export const unitsFor: Record<z.infer<typeof UsageType>, readonly UsageRecordUnit[]> = { data: ['KB', 'MB'], voice: ['s', 'min'], sms: ['SMS'] };
/** Base units in one billing unit (rates are per MB, per minute, per SMS). */
export const basePerBillingUnit: Record<z.infer<typeof UsageType>, number> = { data: 1024, voice: 60, sms: 1 };

export type UsageTag = 'included' | 'overage' | 'roaming' | 'destination' | 'zeroRated';

export type RejectionCode =
  | 'DUPLICATE_ID'
  | 'UNKNOWN_PRODUCT'
  | 'NEGATIVE_QUANTITY'
  | 'INVALID_QUANTITY'
  | 'UNIT_MISMATCH'
  | 'OUTSIDE_PERIOD'
  | 'OUTSIDE_ACTIVE_PRODUCT'
  | 'NOT_RATEABLE'
  | 'UNKNOWN_ZONE'
  | 'NO_ROAMING';

export interface RejectedUsage {
  record: UsageRecord;
  code: RejectionCode;
  reason: string;
}

/** One rated record (TMF635 status `rated`; `billed` once a bill carries it). */
export interface RatedUsage {
  id: string;
  productId: string;
  offeringId: string;
  usageType: z.infer<typeof UsageType>;
  usageDate: string;
  /** After the plan's rounding, in base units. */
  ratedQuantity: number;
  /** Of which taken from the allowance. */
  fromAllowance: number;
  tag: UsageTag;
  zone: string | null;
  destination: z.infer<typeof DestinationClass> | null;
  /** Tax excluded, rounded half-up once per record. */
  amountMinor: number;
  status: 'rated' | 'billed';
}
