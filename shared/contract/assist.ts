import { z } from 'zod';
import { Language } from '../locales.ts';
import { Money } from '../money.ts';
import { StaffRole } from '../domain/staff-role.ts';
import { CalendarDate, Instant } from '../domain/time.ts';
import { IdleSettings } from './schemas.ts';


/** A staff id as typed or as a badge reader types it: letters, digits and dashes, any case (stored upper-case). */
export const StaffId = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9-]{2,24}$/, 'Enter your staff id.')
  .transform((id) => id.toUpperCase());

/** A staff PIN: 4 to 8 digits. */
export const StaffPin = z.string().regex(/^\d{4,8}$/, 'The PIN is 4 to 8 digits.');

export const StaffSignInInput = z
  .object({
    staffId: StaffId,
    pin: StaffPin,
  })
  .strict();

/**
 * The staff member's own PIN, given again for a sensitive step (the identity check, a PIN reset,
 * money above a small amount) when it was last given more than a minute ago. Checked against the
 * staff member in assist mode, never anyone else.
 */
const StepUp = { staffPin: StaffPin.optional() };

/** Who is in assist mode: the banner shows it on every screen. */
export const StaffSessionInfo = z.object({
  staffId: z.string(),
  name: z.string(),
  role: StaffRole,
  idle: IdleSettings,
});
export type StaffSessionInfo = z.infer<typeof StaffSessionInfo>;

/** Find a customer by account number, phone number or name (partial; accents and case do not matter). */
export const CustomerLookupInput = z
  .object({ query: z.string().trim().min(2, 'Type at least 2 characters.').max(80) })
  .strict();

export const CustomerMatch = z.object({
  accountId: z.string(),
  accountNo: z.string(),
  name: z.string(),
  /** The last digits of the customer's lines, enough to tell two namesakes apart without showing whole numbers. */
  phonesLast3: z.array(z.string()),
});
export const CustomerLookupResult = z.object({
  matches: z.array(CustomerMatch),
  /** More matched than are listed: type more. */
  more: z.boolean(),
});
export type CustomerMatch = z.infer<typeof CustomerMatch>;

/** How staff checked that the person at the kiosk is the customer, before anything of the account is shown. */
export const identityChecks = ['photoId', 'dateOfBirth', 'address', 'securityAnswer'] as const;
export const OpenAccountInput = z
  .object({
    accountId: z.string().min(1).max(64),
    checks: z.array(z.enum(identityChecks)).min(1, 'Record at least one identity check.').max(identityChecks.length),
    note: z.string().trim().max(200).optional(),
    ...StepUp,
  })
  .strict()
  .refine((i) => new Set(i.checks).size === i.checks.length, { path: ['checks'], message: 'Each check once.' });

/** A supervisor confirming an action above the staff member's authority, on the spot (dual control). */
export const SupervisorConfirmation = z.object({ staffId: StaffId, pin: StaffPin }).strict();

/** The kinds of staff authority, each limited per request and per staff member per day (settings `assist.authority`). */
export const authorityKinds = ['feeWaiverMinor', 'adjustmentMinor', 'creditLimitMinor', 'counterCashMinor'] as const;
export const AuthorityKind = z.enum(authorityKinds);
export type AuthorityKind = z.infer<typeof AuthorityKind>;

/**
 * Why the core refused a staff action (the `details` of its FORBIDDEN error), for the screens to
 * say and to answer: `staffPin`, give your own PIN again; `supervisor`, a supervisor other than you
 * confirms (`reason`: above your limit, the one given is not a supervisor, is you, or is above their
 * own limit); `headquarters`, nobody at this kiosk may. `limit` says which limit it is above, with
 * what it is, what this person (`staffId`) used of it today and the most they may still do in one
 * request now (`leftMinor`), in `currency`.
 */
export const AuthorityRefusal = z.object({
  needs: z.enum(['staffPin', 'supervisor', 'headquarters']),
  reason: z.enum(['overLimit', 'notSupervisor', 'ownAction', 'supervisorOverLimit']).optional(),
  kind: AuthorityKind.optional(),
  limit: z.enum(['perRequest', 'perDay']).optional(),
  staffId: z.string().optional(),
  limitMinor: z.number().int().optional(),
  usedTodayMinor: z.number().int().optional(),
  leftMinor: z.number().int().optional(),
  currency: z.string().optional(),
});
export type AuthorityRefusal = z.infer<typeof AuthorityRefusal>;

/** Why staff did what they did: the audit trail keeps it. */
const Reason = z.string().trim().min(3, 'Say why, in a few words.').max(300);

/** A credit-limit request the kiosk referred to staff, waiting for a decision. */
export const CreditReferral = z.object({
  requestId: z.string(),
  accountId: z.string(),
  accountNo: z.string(),
  customerName: z.string(),
  currentLimit: Money,
  /** The limit asked for: what an approval grants. */
  requestedLimit: Money,
  requestedAt: Instant,
});
export const CreditReferrals = z.object({ referrals: z.array(CreditReferral) });

/** Staff's decision on something referred to them: with a reason, and a supervisor's confirmation when above their authority. */
const StaffDecision = {
  decision: z.enum(['approve', 'decline']),
  reason: Reason,
  supervisor: SupervisorConfirmation.optional(),
  ...StepUp,
};

export const DecideCreditInput = z
  .object({ requestId: z.string().min(1).max(64), ...StaffDecision })
  .strict();
export const CreditReferralDecided = z.object({
  requestId: z.string(),
  decision: z.enum(['approve', 'decline']),
  creditLimit: Money,
  /** The supervisor who confirmed it, when it was above the staff member's authority. */
  approvedBy: z.string().nullable(),
});
export type CreditReferral = z.infer<typeof CreditReferral>;
export type CreditReferralDecided = z.infer<typeof CreditReferralDecided>;

const RequestId = z.uuid('Not a request id');
/** An amount staff type, in minor units: whole cents, above zero, and sane. */
const AmountMinor = z.number().int('Whole cents only').positive('Enter an amount above zero').max(10_000_000, 'That amount is too large');

/** An order the kiosk referred to staff (held), waiting for a decision. */
export const OrderReferral = z.object({
  orderId: z.string(),
  accountId: z.string(),
  accountNo: z.string(),
  customerName: z.string(),
  action: z.enum(['add', 'change', 'remove', 'suspend']),
  /** The offering added or changed to; for a removal or suspension, the service's current one. */
  offeringName: z.string(),
  /** A month's bill, tax included, before and after the order, and the difference. */
  monthlyBefore: Money,
  monthlyAfter: Money,
  monthlyChange: Money,
  requestedAt: Instant,
});
export const OrderReferrals = z.object({ referrals: z.array(OrderReferral) });
export type OrderReferral = z.infer<typeof OrderReferral>;

export const DecideOrderInput = z
  .object({ orderId: z.string().min(1).max(64), ...StaffDecision })
  .strict();
export const OrderReferralDecided = z.object({
  orderId: z.string(),
  decision: z.enum(['approve', 'decline']),
  /** acknowledged: on its way to headquarters to fulfil; cancelled: declined. */
  state: z.enum(['acknowledged', 'cancelled']),
  /** The supervisor who confirmed it, when it was above the staff member's authority. */
  approvedBy: z.string().nullable(),
});
export type OrderReferralDecided = z.infer<typeof OrderReferralDecided>;

/** Cash handed to staff at the counter for the open customer's account. */
export const CounterCashInput = z
  .object({
    requestId: RequestId,
    amountMinor: AmountMinor,
    billNo: z.string().trim().min(1).max(40).regex(/^[A-Z0-9-]+$/i, 'Not a bill number').nullable(),
    language: Language,
    /** Above the staff member's counter-cash authority, a supervisor confirms (dual control). */
    supervisor: SupervisorConfirmation.optional(),
    ...StepUp,
  })
  .strict();

/** A late payment fee charged on one of the open account's bills, as charged (tax included). */
export const LateFeeView = z.object({
  /** The bill that charged the fee (not the bill that was late). */
  billNo: z.string(),
  billDate: CalendarDate,
  amount: Money,
  waived: z.boolean(),
});
export type LateFeeView = z.infer<typeof LateFeeView>;
export const LateFees = z.object({ fees: z.array(LateFeeView) });

/** Waive the whole late fee of one of the open account's bills, once. */
export const WaiveFeeInput = z
  .object({
    requestId: RequestId,
    billNo: z.string().trim().min(1, 'Choose a bill').max(40).regex(/^[A-Z0-9-]+$/i, 'Not a bill number'),
    reason: Reason,
    supervisor: SupervisorConfirmation.optional(),
    ...StepUp,
  })
  .strict();

/** Credit (lowers what the customer owes) or debit (raises it) the open account. */
export const AdjustInput = z
  .object({
    requestId: RequestId,
    direction: z.enum(['credit', 'debit']),
    amountMinor: AmountMinor,
    reason: Reason,
    supervisor: SupervisorConfirmation.optional(),
    ...StepUp,
  })
  .strict();

export const adjustmentKinds = ['feeWaiver', 'adjustment'] as const;
export const AdjustmentResult = z.object({
  adjustmentId: z.string(),
  kind: z.enum(adjustmentKinds),
  /** Signed as it changes the balance: negative lowers what the customer owes (a waiver, a credit). */
  amount: Money,
  balanceAfter: Money,
  /** The supervisor who confirmed it, when it was above the staff member's authority. */
  approvedBy: z.string().nullable(),
});
export type AdjustmentResult = z.infer<typeof AdjustmentResult>;

/** A "Call staff" request still waiting: where the customer was, and who, when known. */
export const HelpCallView = z.object({
  id: z.string(),
  screen: z.string(),
  calledAt: Instant,
  accountNo: z.string().nullable(),
  customerName: z.string().nullable(),
});
export type HelpCallView = z.infer<typeof HelpCallView>;
export const HelpCalls = z.object({ calls: z.array(HelpCallView) });
export const CloseHelpInput = z.object({ id: z.string().min(1).max(64), note: z.string().trim().max(300).optional() }).strict();

/** Unlock the open customer's sign-in and set the new PIN they chose (after an identity check). */
export const PinResetInput = z
  .object({
    newPin: z.string().regex(/^\d{4}$/, 'The PIN is 4 digits'),
    reason: Reason,
    ...StepUp,
  })
  .strict();
