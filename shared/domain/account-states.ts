import { z } from 'zod';

/** A bill's state (TMF678 customer bill). */
export const BillState = z.enum(['new', 'onHold', 'validated', 'sent', 'settled', 'partiallyPaid']);
export type BillState = z.infer<typeof BillState>;

/** Where the account stands with its payments. */
export const PaymentStatus = z.enum(['paidUp', 'due', 'overdue', 'inCredit']);
export type PaymentStatus = z.infer<typeof PaymentStatus>;
