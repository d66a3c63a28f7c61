import { z } from 'zod';
import { CalendarDate } from './time.ts';

const Id = z.string().trim().min(1).max(64);

/** What a customer can ask for on their services (TMF622 ProductOrder items). */
export const OrderAction = z.discriminatedUnion('action', [
  /** A new service, or an add-on riding on one of theirs (`parentProductId`). */
  z.object({ action: z.literal('add'), offeringId: Id, parentProductId: Id.nullable() }).strict(),
  z.object({ action: z.literal('change'), productId: Id, offeringId: Id }).strict(),
  /** Ends the service after `effectiveDate`'s day before: the last day in service is the day before. */
  z.object({ action: z.literal('remove'), productId: Id, effectiveDate: CalendarDate }).strict(),
  /** Stops the service from `effectiveDate` (a lost phone): the monthly fee still applies. */
  z.object({ action: z.literal('suspend'), productId: Id, effectiveDate: CalendarDate }).strict(),
]);
export type OrderAction = z.infer<typeof OrderAction>;
