import path from 'node:path';
import { languages } from '../../shared/locales.ts';
import { dateInZone } from '../../shared/calendar.ts';
import type { Settings } from './settings/schema.ts';
import { createDispatcher, type Dispatch, type Handlers } from './ipc/dispatch.ts';
import { EventBus } from './events.ts';
import { createLogger, type Logger } from './log.ts';
import { LEDGER_FILE, openLedger } from './ledger/db.ts';
import { seedDemoIfEmpty } from './demo/seed.ts';
import { pinVerifiers } from '../../shared/node/pin.ts';
import { keyLegacyVerifiers } from './security/legacy-verifiers.ts';
import { SignInService } from './services/sign-in.ts';
import { SessionManager } from './services/session.ts';
import { IdleSession } from './services/idle-session.ts';
import { addStaff, StaffSignIn, type StaffMember } from './assist/staff-sign-in.ts';
import { CustomerLookup } from './assist/customer-lookup.ts';
import { AuthorityCheck } from './assist/authority.ts';
import { StaffReconfirmation } from './assist/step-up.ts';
import { CreditReferrals } from './assist/credit-referrals.ts';
import { PinReset } from './assist/pin-reset.ts';
import { AccountAdjustments } from './assist/adjustments.ts';
import { OrderReferrals } from './assist/order-referrals.ts';
import { demoStaff } from '../../shared/demo/staff.ts';
import { KioskError } from '../../shared/errors.ts';
import { BillingReader } from './ledger/billing-reader.ts';
import { AccountOverviewQuery } from './services/account-overview.ts';
import { AccountHistory } from './ledger/account-history.ts';
import { BillQuery } from './services/bills.ts';
import { CreditDesk } from './services/credit.ts';
import { CycleUsage } from './services/cycle-usage.ts';
import { HelpDesk } from './services/help.ts';
import { UsageDailyQuery } from './services/usage-daily.ts';
import { PaymentDesk, type PaymentDevices } from './services/payments.ts';
import { LocalFacts } from './ledger/local-facts.ts';
import { AuditLog, auditChainKey } from './audit/audit-log.ts';
import { OrderDesk } from './services/orders.ts';
import { OfferDesk } from './services/offers.ts';
import { simulatedDevices } from './devices/simulated-devices.ts';
import { formatBillSummary } from './devices/bill-summary.ts';
import { isDeviceError } from './devices/errors.ts';
import { maskAccountNo } from './devices/receipt.ts';
import { FileCredentialStore, type CredentialStore, type HubCredential } from './sync/enrolment.ts';
import { startSync } from './sync/sync-service.ts';
import { keyDirFor, fileKeyStore, type KeyStore } from './security/key-store.ts';
import { securePrivateFolder } from './security/data-folder.ts';
import type { SyncTransport } from './sync/transport.ts';

export interface KioskCore {
  readonly settings: Settings;
  /** Validates and runs one contract call; never throws. */
  readonly dispatch: Dispatch;
  /** Core events (idle warning, session ended) for the host to forward to the screens. */
  readonly events: EventBus;
  close(): void;
}

export interface CoreOptions {
  /** Folder for the ledger database. */
  dataDir: string;
  settings: Settings;
  logger?: Logger;
  now?: () => Date;
  /** The card terminal, cash acceptor and receipt printer; simulators under dataDir by default. */
  devices?: PaymentDevices;
  /** Where the hub credential from enrolment is kept (a 0600 file in the key folder by default, never in dataDir: it reads the branch's customers from the hub; the OS keychain in Electron). */
  credentials?: CredentialStore;
  /** The ledger, audit and PIN keys, outside dataDir (a 0600 file in `<dataDir>-keys` by default; the OS keychain in Electron). */
  keys?: KeyStore;
  /** The hub for a credential (HTTP by default). */
  hubTransport?: (credential: HubCredential) => SyncTransport;
}

export { LEDGER_FILE };

/** Composes the core: ledger, services and the contract's handlers. Hosts only add transport. */
export async function startCore(options: CoreOptions): Promise<KioskCore> {
  const { settings } = options;
  const now = options.now ?? (() => new Date());
  const log = options.logger ?? createLogger();
  // 0700, its files 0600, and no start at all if new files (SQLite's -wal and -shm) would be readable by others.
  securePrivateFolder(options.dataDir);
  const keys = (options.keys ?? fileKeyStore(keyDirFor(options.dataDir))).keys();
  const ledgerFile = path.join(options.dataDir, LEDGER_FILE);
  const db = await openLedger(ledgerFile, keys.ledger);
  // Every PIN is checked with the branch's key: a verifier copied out of the ledger checks no guess.
  const pins = pinVerifiers(keys.branchPin);
  keyLegacyVerifiers(db, keys.branchPin);
  const today = () => dateInZone(now(), settings.timeZone);

  if (settings.demo.enabled) {
    const started = performance.now();
    const { seeded } = await seedDemoIfEmpty(db, {
      seed: settings.demo.seed,
      customers: settings.demo.customers,
      now: now(),
      branchId: settings.branchId,
      currency: settings.currency,
      countryCallingCode: settings.countryCallingCode,
      timeZone: settings.timeZone,
    }, pins);
    if (seeded) log.info({ customers: settings.demo.customers, ms: Math.round(performance.now() - started) }, 'demo branch loaded');
  }

  const events = new EventBus();
  const session = new SessionManager(settings.idle, events, now);
  if (settings.demo.enabled) await addStaff(db, pins, settings.branchId, demoStaff);
  const audit = new AuditLog(db, { kioskId: settings.kioskId, chain: auditChainKey(db, keys.audit), now });
  const help = new HelpDesk(db, audit);
  // Wrong PINs for many accounts (or staff ids) at once: someone may be guessing, so staff are called.
  const watch = { audit, callStaff: () => help.call(null, 'pinGuessing', now()) };
  const staffSignIn = new StaffSignIn(db, pins, now, watch);
  const lookup = new CustomerLookup(db);
  const staff = new IdleSession<StaffMember>(
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
  const devices = options.devices ?? simulatedDevices(options.dataDir);
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
  const customer = () => session.require().accountId;
  /** Who a payment is made with: the member of staff in assist mode, if any. */
  const attendedBy = () => (staff.current ? { staffId: staff.current.staffId, role: staff.current.role } : null);
  const sync = startSync({
    db,
    ledgerFile,
    ledgerKey: keys.ledger,
    store: options.credentials ?? new FileCredentialStore(keyDirFor(options.dataDir)),
    log,
    now,
    onStatus: (status) => events.emit('sync.status', status),
    ...(options.hubTransport ? { transport: options.hubTransport } : {}),
  });
  /** Runs a handler that writes to the outbox, then lets the sync loop know. */
  const thenSync =
    <I, O>(handler: (input: I) => O | Promise<O>) =>
    async (input: I): Promise<O> => {
      try {
        return await handler(input);
      } finally {
        sync.wake();
      }
    };

  const handlers: Handlers = {
    'kiosk.info': () => ({
      kioskId: settings.kioskId,
      branchId: settings.branchId,
      branchName: settings.branchName,
      defaultLanguage: settings.language,
      languages: [...languages],
      currency: settings.currency,
      idle: settings.idle,
    }),
    // Every sign-in attempt is on the audit trail, which travels to headquarters.
    'session.signIn': thenSync(async ({ identifier, pin }) => {
      const who = await signIn.signIn(identifier, pin);
      session.start(who);
      log.info({ event: 'signIn' }, 'customer signed in');
      return { customerName: who.customerName, language: who.language, idle: settings.idle };
    }),
    'session.signOut': () => {
      session.end('signedOut');
      return {};
    },
    'session.touch': () => ({ idleDeadline: session.touch().toISOString() }),
    'account.overview': () => overview.get(customer(), today()),
    'bill.get': ({ billNo }) => bills.get(customer(), billNo),
    'bill.history': () => bills.list(customer()),
    'bill.print': async ({ billNo, language }) => {
      const accountId = customer();
      const view = bills.get(accountId, billNo);
      const summary = formatBillSummary(
        view.bill,
        { accountNoMasked: maskAccountNo(reader.account(accountId).accountNo), branchName: settings.branchName, remainingMinor: view.remainingAmount.amountMinor, language },
        devices.printer.width,
      );
      try {
        await devices.printer.printDocument(summary);
      } catch (err) {
        if (isDeviceError(err)) throw err.toKioskError();
        throw err;
      }
      return { printed: true as const };
    },
    'usage.daily': ({ productId }) => usageDaily.get(customer(), productId, today()),
    'credit.status': () => credit.status(customer(), today()),
    'credit.request': thenSync((input) => {
      const decision = credit.request(customer(), input, today(), now());
      log.info({ event: 'creditRequest', decision: decision.decision }, 'credit limit request decided');
      return decision;
    }),
    'payment.quote': () => payments.quote(customer()),
    'payment.start': thenSync(async ({ language, ...input }) => {
      const accountId = customer();
      // The device may take a minute: the customer is busy with it, not idle.
      const keepAlive = setInterval(() => session.active && session.touch(), 5_000);
      try {
        return await payments.start(accountId, language, input, attendedBy());
      } finally {
        clearInterval(keepAlive);
      }
    }),
    'payment.cancel': async ({ intentId }) => {
      await payments.cancel(customer(), intentId);
      return {};
    },
    'services.catalog': () => ({ offerings: orders.catalog(customer(), today()) }),
    'order.preview': (order) => orders.preview(customer(), order, today()),
    'order.submit': thenSync(({ requestId, order }) => {
      const placed = orders.submit(customer(), requestId, order, today(), now());
      log.info({ event: 'order', action: order.action, state: placed.state }, 'product order placed');
      return placed;
    }),
    'offers.list': () => ({ offers: offers.list(customer(), today()) }),
    'offers.accept': thenSync(({ requestId, offerId }) => offers.accept(customer(), requestId, offerId, today(), now())),
    'help.call': thenSync(({ screen }) => {
      const called = help.call(session.active ? customer() : null, screen, now());
      log.info({ event: 'helpCall', screen }, 'customer called for staff');
      return called;
    }),
    'sync.status': () => sync.status(),
    'staff.signIn': thenSync(async ({ staffId, pin }) => {
      const member = await reconfirm.verify(staffId, pin);
      // Another member of staff taking over ends the first one's assist mode (and whatever it had open).
      if (staff.current && staff.current.staffId !== member.staffId) staff.end('signedOut');
      // The same member again (the idle warning's Continue) carries on, with the PIN just given; only a new one is a sign-in.
      if (staff.current?.staffId !== member.staffId) audit.record({ actorKind: member.role, actorId: member.staffId, action: 'staff.signedIn' });
      staff.start(member);
      reconfirm.given(member.staffId);
      log.info({ event: 'assistStarted', staffId: member.staffId, role: member.role }, 'assist mode started');
      return { ...member, idle: settings.assist.idle };
    }),
    'staff.signOut': () => {
      staff.end('signedOut');
      return {};
    },
    // Open to anyone (the screens ask who is in assist mode): it only reports, and keeps nobody's session alive.
    'staff.session': () => (staff.current ? { ...staff.current, idle: settings.assist.idle } : null),
    // A staff channel: the dispatcher counted it as the staff member's activity already.
    'staff.touch': () => ({ idleDeadline: staff.touch().toISOString() }),
    'assist.lookup': ({ query }) => lookup.find(query),
    'assist.openAccount': async ({ accountId, checks, note, staffPin }) => {
      const member = staff.require();
      await reconfirm.confirm(member, staffPin);
      const holder = lookup.holder(accountId);
      // What was checked and by whom is on the audit trail before anything of the account is shown.
      audit.record({ actorKind: member.role, actorId: member.staffId, action: 'customer.identityChecked', accountId, after: { checks }, reason: note ?? null });
      session.start(holder);
      log.info({ event: 'assistOpenedAccount', staffId: member.staffId, checks }, 'staff opened a customer account');
      return { customerName: holder.customerName, language: holder.language, idle: settings.idle };
    },
    'assist.creditReferrals': () => ({ referrals: referrals.list() }),
    'assist.resetPin': thenSync(async ({ newPin, reason, staffPin }) => {
      const member = staff.require();
      const accountId = customer();
      await reconfirm.confirm(member, staffPin);
      await pinReset.reset(member, accountId, newPin, reason);
      log.info({ event: 'pinReset', staffId: member.staffId }, 'staff unlocked a customer and set a new PIN');
      return {};
    }),
    'assist.helpCalls': () => ({ calls: help.open() }),
    'assist.closeHelp': ({ id, note }) => {
      help.close(staff.require(), id, note ?? null, now());
      return {};
    },
    'assist.takeCash': thenSync(async ({ language, ...input }) => {
      const member = staff.require();
      const taken = await payments.takeAtCounter(customer(), language, input, member);
      log.info({ event: 'counterCash', staffId: member.staffId, amountMinor: input.amountMinor }, 'staff took cash at the counter');
      return taken;
    }),
    'assist.lateFees': () => ({ fees: adjustments.lateFees(customer()) }),
    'assist.waiveFee': thenSync(async (input) => {
      const member = staff.require();
      const waived = await adjustments.waiveFee(member, customer(), input);
      log.info({ event: 'feeWaived', staffId: member.staffId, amountMinor: waived.amount.amountMinor, approvedBy: waived.approvedBy }, 'staff waived a late fee');
      return waived;
    }),
    'assist.adjust': thenSync(async (input) => {
      const member = staff.require();
      const adjusted = await adjustments.adjust(member, customer(), input);
      log.info({ event: 'accountAdjusted', staffId: member.staffId, amountMinor: adjusted.amount.amountMinor, approvedBy: adjusted.approvedBy }, 'staff adjusted an account');
      return adjusted;
    }),
    'assist.orderReferrals': () => ({ referrals: orderReferrals.list() }),
    'assist.decideOrder': thenSync(async (input) => {
      const member = staff.require();
      const decided = await orderReferrals.decide(member, input);
      log.info({ event: 'staffOrderDecision', staffId: member.staffId, decision: decided.decision, approvedBy: decided.approvedBy }, 'staff decided a referred order');
      return decided;
    }),
    'assist.decideCredit': async (input) => {
      const member = staff.require();
      const decided = await referrals.decide(member, input);
      log.info({ event: 'staffCreditDecision', staffId: member.staffId, decision: decided.decision, approvedBy: decided.approvedBy }, 'staff decided a referred credit request');
      return decided;
    },
  };

  return {
    settings,
    dispatch: createDispatcher(handlers, log, (access) => {
      if (access === 'customer') return session.active;
      // Only a staff member's own calls (staff channels) keep assist mode alive: a customer's taps
      // on their own screens, and asking who is in assist mode, do not.
      if (!staff.active) return false;
      staff.touch();
      return true;
    }),
    events,
    close() {
      staff.end('signedOut');
      session.end('signedOut');
      sync.stop();
      payments.close();
      db.close();
    },
  };
}

