import { z } from 'zod';
import { AccountOverview, Empty, KioskInfo, SessionInfo, SignInInput } from './schemas.ts';
import { Instant } from '../domain/time.ts';
import { BillHistory, BillPrint, BillQuery, BillView, UsageDaily, UsageQuery } from './bills.ts';
import { CreditDecisionView, CreditLimitRequest, CreditStatus } from './credit.ts';
import { HelpCall, HelpCalled } from './help.ts';
import { OfferAccept, OfferList, OrderSubmit, ProductOrderView, ServicesCatalog } from './orders.ts';
import { OrderAction } from '../domain/order-action.ts';
import { OrderPreview } from '../billing/order-preview-schema.ts';
import { PaymentCancel, PaymentProgress, PaymentQuote, PaymentResult, PaymentStart } from './payments.ts';
import { SyncStatusView } from './sync.ts';
import {
  AdjustInput,
  AdjustmentResult,
  CloseHelpInput,
  CounterCashInput,
  CreditReferralDecided,
  CreditReferrals,
  CustomerLookupInput,
  CustomerLookupResult,
  DecideCreditInput,
  DecideOrderInput,
  HelpCalls,
  LateFees,
  OpenAccountInput,
  OrderReferralDecided,
  OrderReferrals,
  PinResetInput,
  StaffSessionInfo,
  StaffSignInInput,
  WaiveFeeInput,
} from './assist.ts';
import { resultSchema, type Result } from '../errors.ts';

/**
 * The one contract between the kiosk screens and the core. Each channel maps to zod input and
 * output schemas; the preload bridge, the browser host, the main-side registration and the
 * renderer's KioskApi type are all derived from this object. Adding a channel is one edit here
 * plus its handler in its domain's module (electron/core/channels/).
 */
export const channels = {
  'kiosk.info': { access: 'anyone', input: Empty, output: KioskInfo },
  'session.signIn': { access: 'anyone', input: SignInInput, output: SessionInfo, syncs: true },
  'session.signOut': { access: 'anyone', input: Empty, output: Empty },
  /** The customer touched the screen: pushes the idle deadline back. */
  'session.touch': { access: 'customer', input: Empty, output: z.object({ idleDeadline: Instant }) },
  'account.overview': { access: 'customer', input: Empty, output: AccountOverview },
  /** The newest bill, or the one named. */
  'bill.get': { access: 'customer', input: BillQuery, output: BillView },
  /** The last 12 bills, newest first. */
  'bill.history': { access: 'customer', input: Empty, output: BillHistory },
  'bill.print': { access: 'customer', input: BillPrint, output: z.object({ printed: z.literal(true) }) },
  'usage.daily': { access: 'customer', input: UsageQuery, output: UsageDaily },
  'credit.status': { access: 'customer', input: Empty, output: CreditStatus },
  'credit.request': { access: 'customer', input: CreditLimitRequest, output: CreditDecisionView, syncs: true },
  'payment.quote': { access: 'customer', input: Empty, output: PaymentQuote },
  /** Takes the payment on the card terminal or the cash acceptor and answers when it is settled. */
  'payment.start': { access: 'customer', input: PaymentStart, output: PaymentResult, syncs: true },
  'payment.cancel': { access: 'customer', input: PaymentCancel, output: Empty },
  /** What can be added: plans, and extras for the services held. */
  'services.catalog': { access: 'customer', input: Empty, output: ServicesCatalog },
  /** Add, change, remove or suspend a service: allowed or not, and what it does to the bills. */
  'order.preview': { access: 'customer', input: OrderAction, output: OrderPreview },
  'order.submit': { access: 'customer', input: OrderSubmit, output: ProductOrderView, syncs: true },
  'offers.list': { access: 'customer', input: Empty, output: OfferList },
  'offers.accept': { access: 'customer', input: OfferAccept, output: ProductOrderView, syncs: true },
  /** "Call staff", from any screen, signed in or not. */
  'help.call': { access: 'anyone', input: HelpCall, output: HelpCalled, syncs: true },
  /** The link to headquarters, for the badge; signed in or not. */
  'sync.status': { access: 'anyone', input: Empty, output: SyncStatusView },
  /** Assist mode: a member of staff signs in from any screen (staff id typed or by badge reader, and PIN). */
  'staff.signIn': { access: 'anyone', input: StaffSignInInput, output: StaffSessionInfo, syncs: true },
  /** Ends assist mode, and with it any customer session: the kiosk is back to its attract screen. */
  'staff.signOut': { access: 'staff', input: Empty, output: Empty, syncs: true },
  /** Who is in assist mode (null: nobody), for the banner after a reload. It only reports: asking keeps nobody's session alive. */
  'staff.session': { access: 'anyone', input: Empty, output: StaffSessionInfo.nullable() },
  /**
   * Staff working on an assist screen (typing a reason, an amount): pushes the staff idle deadline
   * back. Like every staff channel it counts as the staff member's own activity; customer channels do not.
   */
  'staff.touch': { access: 'staff', input: Empty, output: z.object({ idleDeadline: Instant }) },
  /** Staff find a customer by account number, phone number or name. */
  'assist.lookup': { access: 'staff', input: CustomerLookupInput, output: CustomerLookupResult },
  /** Staff record how they checked the customer's identity, and the customer's account opens for them. */
  'assist.openAccount': { access: 'staff', input: OpenAccountInput, output: SessionInfo, syncs: true },
  /** Credit-limit requests the kiosk referred to staff. */
  'assist.creditReferrals': { access: 'staff', input: Empty, output: CreditReferrals },
  /** Approve or decline one; above the staff member's authority a supervisor confirms with their PIN. */
  'assist.decideCredit': { access: 'staff', input: DecideCreditInput, output: CreditReferralDecided, syncs: true },
  /** Orders the kiosk referred to staff (held), oldest first. */
  'assist.orderReferrals': { access: 'staff', input: Empty, output: OrderReferrals },
  /** Approve (on to headquarters to fulfil) or decline (cancelled) one; approving a monthly increase above the staff member's authority needs a supervisor. */
  'assist.decideOrder': { access: 'staff', input: DecideOrderInput, output: OrderReferralDecided, syncs: true },
  /** Cash handed to staff at the counter, for the customer whose account is open: posted at once, receipted with the staff id. */
  'assist.takeCash': { access: 'staff', input: CounterCashInput, output: PaymentResult, syncs: true },
  /** The late payment fees charged on the open account's bills, newest first, and whether each was waived. */
  'assist.lateFees': { access: 'staff', input: Empty, output: LateFees },
  /** Waive one bill's whole late fee (tax included), once, with a reason; above the staff member's authority a supervisor confirms. */
  'assist.waiveFee': { access: 'staff', input: WaiveFeeInput, output: AdjustmentResult, syncs: true },
  /** Credit or debit the open account, with a reason, within authority (or with a supervisor's confirmation). */
  'assist.adjust': { access: 'staff', input: AdjustInput, output: AdjustmentResult, syncs: true },
  /** "Call staff" requests still waiting, and closing one once helped. */
  'assist.helpCalls': { access: 'staff', input: Empty, output: HelpCalls },
  'assist.closeHelp': { access: 'staff', input: CloseHelpInput, output: Empty, syncs: true },
  /** Unlock the open customer's sign-in and set a new PIN. */
  'assist.resetPin': { access: 'staff', input: PinResetInput, output: Empty, syncs: true },
} as const satisfies Record<string, ChannelSpec>;

/**
 * One channel: who may call it, its input and output, and `syncs` when a call can write an outbox
 * row for headquarters (an audit event counts: every one travels): the dispatcher wakes sync after
 * each such call, succeeded or failed, so the row does not wait for the next poll.
 */
export interface ChannelSpec {
  access: Access;
  input: z.ZodType;
  output: z.ZodType;
  syncs?: true;
}

/**
 * Who may call a channel, checked by the core before the input is read: `anyone`; `customer`, a
 * customer session (signed in, or opened by staff); `staff`, a member of staff in assist mode.
 */
export type Access = 'anyone' | 'customer' | 'staff';

export const events = {
  'session.idleWarning': z.object({ secondsLeft: z.number().int().nonnegative() }),
  'session.resumed': Empty,
  'session.ended': z.object({ reason: z.enum(['signedOut', 'idleTimeout']) }),
  'assist.idleWarning': z.object({ secondsLeft: z.number().int().nonnegative() }),
  'assist.resumed': Empty,
  /** Assist mode ended (signed out or idle): the screens go back to a clean state. */
  'assist.ended': z.object({ reason: z.enum(['signedOut', 'idleTimeout']) }),
  /** Where a payment is on the device: present the card, processing, take the card, cash inserted so far. */
  'payment.progress': PaymentProgress,
  /** The link to headquarters changed: online, offline, syncing, items waiting. */
  'sync.status': SyncStatusView,
} as const satisfies Record<string, z.ZodType>;

export type Channels = typeof channels;
export type ChannelName = keyof Channels;
export type ChannelInput<C extends ChannelName> = z.input<Channels[C]['input']>;
export type ParsedInput<C extends ChannelName> = z.output<Channels[C]['input']>;
export type ChannelOutput<C extends ChannelName> = z.output<Channels[C]['output']>;
export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

export const channelNames = Object.keys(channels) as ChannelName[];
export const eventNames = Object.keys(events) as EventName[];

export function isChannelName(name: unknown): name is ChannelName {
  return typeof name === 'string' && Object.hasOwn(channels, name);
}
export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(events, name);
}

/** What a host puts in front of the renderer: untyped, restricted to the contract's names. */
export interface KioskBridge {
  invoke(channel: string, input: unknown): Promise<unknown>;
  on(event: string, listener: (payload: unknown) => void): () => void;
}

/** The typed client the screens use. */
export interface KioskApi {
  invoke<C extends ChannelName>(channel: C, input: ChannelInput<C>): Promise<Result<ChannelOutput<C>>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

const resultSchemas = Object.fromEntries(
  channelNames.map((name) => [name, resultSchema(channels[name].output)]),
) as unknown as { [C in ChannelName]: z.ZodType<Result<ChannelOutput<C>>> };

/** Wraps a bridge into the typed API, checking every answer against the contract. */
export function createKioskApi(bridge: KioskBridge): KioskApi {
  return {
    async invoke(channel, input) {
      const raw = await bridge.invoke(channel, input);
      const parsed = resultSchemas[channel].safeParse(raw);
      if (parsed.success) return parsed.data;
      return { ok: false, error: { code: 'INTERNAL', message: `Malformed answer on ${channel}` } };
    },
    on(event, listener) {
      return bridge.on(event, (payload) => {
        const parsed = events[event].safeParse(payload);
        if (parsed.success) listener(parsed.data as EventPayload<typeof event>);
      });
    },
  };
}
