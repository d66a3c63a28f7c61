import type { CalendarDate } from '../../../shared/calendar.ts';
import { dateInZone } from '../../../shared/calendar.ts';
import { demoStaff } from '../../../shared/demo/staff.ts';
import { KioskError } from '../../../shared/errors.ts';
import type { PinVerifiers } from '../../../shared/node/pin.ts';
import { AccountAdjustments } from '../assist/adjustments.ts';
import { AuthorityCheck } from '../assist/authority.ts';
import { CreditReferrals } from '../assist/credit-referrals.ts';
import { CustomerLookup } from '../assist/customer-lookup.ts';
import { OrderReferrals } from '../assist/order-referrals.ts';
import { PinReset } from '../assist/pin-reset.ts';
import { addStaff, StaffSignIn, type StaffMember } from '../assist/staff-sign-in.ts';
import { StaffReconfirmation } from '../assist/step-up.ts';
import { AuditLog, type AuditChainKey } from '../audit/audit-log.ts';
import type { EventBus } from '../infra/events.ts';
import { AccountHistory } from '../ledger/account-history.ts';
import { BillingReader } from '../ledger/billing-reader.ts';
import type { Database } from '../ledger/db.ts';
import { LocalFacts } from '../ledger/local-facts.ts';
import type { Logger } from '../infra/log.ts';
import { AccountOverviewQuery } from './account-overview.ts';
import { BillQuery } from './bills.ts';
import { CreditDesk } from './credit.ts';
import { CycleUsage } from './cycle-usage.ts';
import { HelpDesk } from './help.ts';
import { IdleSession } from './idle-session.ts';
import { OfferDesk } from './offers.ts';
import { OrderDesk } from './orders.ts';
import { PaymentDesk } from './payments.ts';
import type { PaymentDevices } from '../devices/payment-devices.ts';
import { SessionManager } from './session.ts';
import { SignInService } from './sign-in.ts';
import { UsageDailyQuery } from './usage-daily.ts';
import type { Settings } from '../settings/schema.ts';

export interface ServicesOptions {
  db: Database;
  settings: Settings;
  pins: PinVerifiers;
  /** The audit trail's chain key (auditChainKey). */
  chain: AuditChainKey;
  devices: PaymentDevices;
  events: EventBus;
  log: Logger;
  now: () => Date;
}

/** Every service of the core, built once over one ledger; the channel modules (channels/) take what they need. */
export type CoreServices = Awaited<ReturnType<typeof composeServices>>;

/** Builds the services in dependency order; the one place that knows how they are wired together. */
export async function composeServices({ db, settings, pins, chain, devices, events, log, now }: ServicesOptions) {
  const today = (): CalendarDate => dateInZone(now(), settings.timeZone);
  const session = new SessionManager(settings.idle, events, now);
  if (settings.demo.enabled) await addStaff(db, pins, settings.branchId, demoStaff);
  const audit = new AuditLog(db, { kioskId: settings.kioskId, chain, now });
  const help = new HelpDesk(db, audit);
  // Wrong PINs for many accounts (or staff ids) at once: someone may be guessing, so staff are called.
  const watch = { audit, callStaff: () => help.call(null, 'pinGuessing', now()) };
  const staffSignIn = new StaffSignIn(db, pins, now, watch);
  const lookup = new CustomerLookup(db);
  const staff: IdleSession<StaffMember> = new IdleSession<StaffMember>(
    settings.assist.idle,
    {
      warned: (secondsLeft) => events.emit('assist.idleWarning', { secondsLeft }),
      resumed: () => events.emit('assist.resumed', {}),
      ended: (reason, member) => {
        // Leaving assist mode leaves nothing behind: the customer it served is signed out too, and no PIN given still counts.
        reconfirm.forget();
        session.end('signedOut');
        audit.record({ actorKind: member.role, actorId: member.staffId, action: 'staff.signedOut', after: { reason } });
        events.emit('assist.ended', { reason });
        log.info({ event: 'assistEnded', reason }, 'assist mode ended');
      },
    },
    now,
    () => new KioskError('FORBIDDEN', 'This needs a member of staff to sign in.'),
  );
  // The identity check, a PIN reset and money above a small amount ask for the staff PIN again after a minute; a lock-out ends assist mode.
  const reconfirm = new StaffReconfirmation(staffSignIn, settings.assist.reconfirm, now, () => staff.current, () => staff.end('signedOut'));
  const signIn = new SignInService(db, pins, settings.countryCallingCode, now, watch);
  const reader = new BillingReader(db);
  const cycleUsage = new CycleUsage(reader, settings.timeZone);
  const history = new AccountHistory(db);
  const overview = new AccountOverviewQuery(db, reader, cycleUsage, history);
  const bills = new BillQuery(history);
  const usageDaily = new UsageDailyQuery(cycleUsage, settings.timeZone);
  const credit = new CreditDesk(db, history, cycleUsage, { timeZone: settings.timeZone, offlineAllowanceMinor: settings.credit.offlineAllowanceMinor });
  const orders = new OrderDesk(db, cycleUsage, credit, settings.timeZone);
  const offers = new OfferDesk(reader, cycleUsage, credit, orders, settings.timeZone);
  const pinReset = new PinReset(db, pins, audit, now);
  const authority = new AuthorityCheck(db, { limits: settings.assist.authority, currency: settings.currency, timeZone: settings.timeZone }, staffSignIn, reconfirm, now);
  const referrals = new CreditReferrals(db, audit, authority, now);
  const orderReferrals = new OrderReferrals(db, reader, audit, authority, now);
  const facts = new LocalFacts(db);
  const adjustments = new AccountAdjustments(db, { history, facts, audit, authority, kioskId: settings.kioskId, now });
  const payments = new PaymentDesk(db, {
    history,
    facts,
    audit,
    authority,
    devices,
    events,
    settings: {
      kioskId: settings.kioskId,
      branchId: settings.branchId,
      branchName: settings.branchName,
      timeZone: settings.timeZone,
      currency: settings.currency,
      maxAmountMinor: settings.payments.maxAmountMinor,
    },
    log,
    now,
  });
  // Payments a crash left between the device and the ledger are settled before anyone is served.
  const reconciled = await payments.reconcileAll();
  if (reconciled.settled + reconciled.stillPending > 0) log.warn(reconciled, 'open payment intents reconciled with their devices');
  return {
    settings,
    log,
    now,
    today,
    devices,
    /** The signed-in customer's account (NOT_SIGNED_IN otherwise). */
    customer: () => session.require().accountId,
    /** Who a payment is made with: the member of staff in assist mode, if any. */
    attendedBy: () => (staff.current ? { staffId: staff.current.staffId, role: staff.current.role } : null),
    session,
    staff,
    reconfirm,
    audit,
    signIn,
    lookup,
    help,
    reader,
    overview,
    bills,
    usageDaily,
    credit,
    orders,
    offers,
    pinReset,
    referrals,
    orderReferrals,
    adjustments,
    payments,
  };
}
