import { createKioskApi, type ChannelName, type EventName, type EventPayload, type KioskApi, type KioskBridge } from '../../shared/contract/index.ts';
import type { AccountOverview, BillSummary, KioskInfo, SessionInfo } from '../../shared/contract/schemas.ts';
import type { BillView, UsageDaily } from '../../shared/contract/bills.ts';
import type { CreditDecisionView, CreditStatus } from '../../shared/contract/credit.ts';
import type { BillLine } from '../../shared/billing/bill.ts';
import type { KioskErrorData, Result } from '../../shared/errors.ts';
import { makeAccountNumber } from '../../shared/identifiers.ts';
import type { Money } from '../../shared/money.ts';

export const eur = (amountMinor: number): Money => ({ amountMinor, currency: 'EUR' });

export const ACCOUNT_NO = makeAccountNumber(123);
export const GOOD_PIN = '2468';

export const kioskInfo: KioskInfo = {
  kioskId: 'kiosk-7',
  branchId: 'branch-dub-01',
  branchName: 'Dublin Grafton Street',
  defaultLanguage: 'en',
  languages: ['en', 'es', 'ar'],
  currency: 'EUR',
  idle: { timeoutSeconds: 120, warningSeconds: 30 },
};

export const sessionInfo: SessionInfo = {
  customerName: 'Aoife Byrne',
  language: 'en',
  idle: { timeoutSeconds: 120, warningSeconds: 30 },
};

/** A convergent account: a mobile line, broadband and a suspended TV service on one bill. */
export const accountOverview: AccountOverview = {
  asOf: '2025-03-10',
  customerName: 'Aoife Byrne',
  accountNo: ACCOUNT_NO,
  paymentStatus: 'due',
  balance: eur(4250),
  totalDue: eur(4250),
  overdueAmount: eur(0),
  dueDate: '2025-03-21',
  creditLimit: eur(50000),
  creditUsed: eur(4613),
  creditAvailable: eur(45387),
  cycle: { start: '2025-03-01', end: '2025-03-31' },
  unbilledCharges: eur(363),
  services: [
    {
      id: 'svc-mobile-1',
      kind: 'mobile',
      identifier: '+353871234567',
      planName: 'Mobile 20 GB',
      status: 'active',
      recurringCharge: eur(2000),
      addOns: [{ name: 'Phone insurance', recurringCharge: eur(600) }],
      usage: [
        { type: 'data', unit: 'MB', used: 3277, allowance: 20480 },
        { type: 'voice', unit: 'min', used: 125, allowance: null },
        { type: 'sms', unit: 'SMS', used: 42, allowance: 100 },
      ],
    },
    {
      id: 'svc-bb-1',
      kind: 'broadband',
      identifier: '12 Main Street, Dublin 2',
      planName: 'Fibre 500',
      status: 'active',
      recurringCharge: eur(4500),
      addOns: [],
      usage: [{ type: 'data', unit: 'MB', used: 256000, allowance: null }],
    },
    {
      id: 'svc-tv-1',
      kind: 'tv',
      identifier: '12 Main Street, Dublin 2',
      planName: 'TV Essentials',
      status: 'suspended',
      recurringCharge: eur(1599),
      addOns: [],
      usage: [],
    },
  ],
  lastBill: {
    billNo: 'INV-2025-000123',
    billDate: '2025-02-28',
    periodStart: '2025-02-01',
    periodEnd: '2025-02-28',
    paymentDueDate: '2025-03-21',
    amountDue: eur(8099),
    remainingAmount: eur(4250),
    state: 'partiallyPaid',
  },
};

/** A brand-new account: nothing on it yet. */
export const emptyOverview: AccountOverview = {
  ...accountOverview,
  paymentStatus: 'paidUp',
  balance: eur(0),
  totalDue: eur(0),
  dueDate: null,
  creditUsed: eur(0),
  creditAvailable: eur(50000),
  services: [],
  lastBill: null,
};

export function failure(code: KioskErrorData['code'], message: string, details?: Record<string, unknown>): Result<never> {
  return { ok: false, error: details ? { code, message, details } : { code, message } };
}

type Handler = (input: unknown) => unknown;

/**
 * A stand-in for the core behind a real createKioskApi, so every answer is still checked
 * against the contract (a fixture that drifts from the schemas fails the tests).
 */
export class FakeKiosk {
  readonly calls: Array<{ channel: string; input: unknown }> = [];
  readonly #listeners = new Map<string, Set<(payload: unknown) => void>>();
  readonly #handlers = new Map<string, Handler>();
  attemptsLeft = 4;
  readonly bridge: KioskBridge;
  readonly api: KioskApi;

  constructor(overview: AccountOverview = accountOverview) {
    this.respond('kiosk.info', () => ({ ok: true, value: kioskInfo }));
    this.respond('session.signIn', (input) => {
      const { identifier, pin } = input as { identifier: string; pin: string };
      if (identifier === ACCOUNT_NO && pin === GOOD_PIN) return { ok: true, value: sessionInfo };
      this.attemptsLeft -= 1;
      return failure('AUTH_FAILED', 'Sign-in failed', { attemptsLeft: this.attemptsLeft });
    });
    this.respond('account.overview', () => ({ ok: true, value: overview }));
    this.respond('session.touch', () => ({ ok: true, value: { idleDeadline: '2025-03-10T12:00:00.000Z' } }));
    this.respond('session.signOut', () => ({ ok: true, value: {} }));

    this.bridge = {
      invoke: async (channel, input) => {
        this.calls.push({ channel, input });
        const handler = this.#handlers.get(channel);
        return handler ? handler(input) : failure('UNKNOWN_CHANNEL', channel);
      },
      on: (event, listener) => {
        let set = this.#listeners.get(event);
        if (!set) this.#listeners.set(event, (set = new Set()));
        set.add(listener);
        return () => set.delete(listener);
      },
    };
    this.api = createKioskApi(this.bridge);
  }

  respond(channel: ChannelName, handler: Handler): void {
    this.#handlers.set(channel, handler);
  }

  callsTo(channel: ChannelName): unknown[] {
    return this.calls.filter((c) => c.channel === channel).map((c) => c.input);
  }

  listenerCount(event: EventName): number {
    return this.#listeners.get(event)?.size ?? 0;
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of this.#listeners.get(event) ?? []) listener(payload);
  }
}

/** Lets pending promise callbacks (fake API answers) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

// ---------------------------------------------------------------------------------------------
// Self-service journeys: a bill, the history, usage by day, credit, call staff.

const line = (l: Partial<BillLine> & Pick<BillLine, 'id' | 'productId' | 'lineType' | 'cause' | 'description' | 'amountMinor'>): BillLine => ({
  params: {},
  period: null,
  quantity: null,
  taxCategory: 'VAT-STD',
  sourceId: 'SRC',
  ...l,
});

/** March's bill: a mobile line over its data allowance, broadband changed plan mid-cycle, discounts, a late fee. */
export const billView: BillView = {
  bill: {
    '@type': 'CustomerBill',
    id: 'bill-2025-03',
    billNo: 'INV-2025-000124',
    accountId: 'acc-1',
    currency: 'EUR',
    billDate: '2025-03-01',
    billingPeriod: { start: '2025-03-01', end: '2025-03-31' },
    usagePeriod: { start: '2025-02-01', end: '2025-02-28' },
    paymentDueDate: '2025-03-15',
    services: [
      {
        productId: 'svc-mobile-1',
        kind: 'mobile',
        identifier: '+353871234567',
        offeringId: 'MOB-20',
        offeringName: 'Mobile 20 GB',
        lines: [
          line({ id: 'l1', productId: 'svc-mobile-1', lineType: 'recurring', cause: 'recurring', description: 'Mobile 20 GB, monthly fee', amountMinor: 2000, params: { offering: 'Mobile 20 GB' }, period: { start: '2025-03-01', end: '2025-03-31' } }),
          line({ id: 'l2', productId: 'svc-mobile-1', lineType: 'usage', cause: 'usageOverAllowance', description: 'Data over allowance: 512 MB', amountMinor: 1024, params: { usageType: 'data', zone: '', destination: '' }, quantity: { amount: 512, unit: 'MB' } }),
          line({ id: 'l3', productId: 'svc-mobile-1', lineType: 'usage', cause: 'destination', description: 'Calls to international numbers: 12.5 min', amountMinor: 500, params: { usageType: 'voice', zone: '', destination: 'international' }, quantity: { amount: 12.5, unit: 'min' } }),
        ],
        subtotalMinor: 3524,
      },
      {
        productId: 'svc-bb-1',
        kind: 'broadband',
        identifier: '12 Main Street, Dublin 2',
        offeringId: 'BB-500',
        offeringName: 'Fibre 500',
        lines: [
          line({ id: 'l4', productId: 'svc-bb-1', lineType: 'recurring', cause: 'recurring', description: 'Fibre 500, monthly fee', amountMinor: 4500, params: { offering: 'Fibre 500' }, period: { start: '2025-03-01', end: '2025-03-31' } }),
          line({ id: 'l5', productId: 'svc-bb-1', lineType: 'proration', cause: 'planChange', description: 'Fibre 300: refund for 10 unused days', amountMinor: -1500, params: { offering: 'Fibre 300', days: 10, cycleDays: 28 }, quantity: { amount: 10, unit: 'day' }, period: { start: '2025-02-19', end: '2025-02-28' } }),
          line({ id: 'l6', productId: 'svc-bb-1', lineType: 'proration', cause: 'planChange', description: 'Fibre 500: 10 of 28 days', amountMinor: 2000, params: { offering: 'Fibre 500', days: 10, cycleDays: 28 }, quantity: { amount: 10, unit: 'day' }, period: { start: '2025-02-19', end: '2025-02-28' } }),
        ],
        subtotalMinor: 5000,
      },
    ],
    accountItems: [
      line({ id: 'l7', productId: null, lineType: 'discount', cause: 'bundleDiscount', description: 'Fibre + Mobile discount', amountMinor: -500, params: { discount: 'Fibre + Mobile discount' }, sourceId: 'BUNDLE-DUO' }),
      line({ id: 'l8', productId: null, lineType: 'discount', cause: 'loyaltyDiscount', description: 'Loyalty discount (3 years with us)', amountMinor: -250, params: { discount: 'Loyalty discount (3 years with us)', months: 40 } }),
      line({ id: 'l9', productId: null, lineType: 'oneTime', cause: 'lateFee', description: 'Late payment fee for bill INV-2025-000123', amountMinor: 500, params: { billNo: 'INV-2025-000123' }, taxCategory: 'NOT-SUBJECT' }),
    ],
    taxItems: [
      { taxCategory: 'NOT-SUBJECT', name: 'Not subject to VAT', rateBps: 0, taxableMinor: 500, taxMinor: 0 },
      { taxCategory: 'VAT-STD', name: 'VAT 21%', rateBps: 2100, taxableMinor: 7774, taxMinor: 1633 },
    ],
    taxExcludedAmountMinor: 8274,
    taxMinor: 1633,
    taxIncludedAmountMinor: 9907,
    previousBalanceMinor: 8099,
    paymentsReceivedMinor: 3849,
    adjustmentsMinor: 0,
    balanceForwardMinor: 4250,
    amountDueMinor: 14157,
    creditCarriedMinor: 0,
    remainingAmountMinor: 9907,
    state: 'new',
  },
  remainingAmount: eur(9907),
  state: 'sent',
  previousBillNo: 'INV-2025-000123',
  explanation: {
    previousTotalMinor: 8000,
    currentTotalMinor: 9907,
    differenceMinor: 1907,
    items: [
      { productId: 'svc-mobile-1', service: { kind: 'mobile', identifier: '+353871234567', offeringName: 'Mobile 20 GB' }, cause: 'usageOverAllowance', amountMinor: 1024, params: { direction: 'more', absAmountMinor: 1024, currency: 'EUR', previousMinor: 0, currentMinor: 1024, usageType: 'data' } },
      { productId: 'svc-bb-1', service: { kind: 'broadband', identifier: '12 Main Street, Dublin 2', offeringName: 'Fibre 500' }, cause: 'proration', amountMinor: 500, params: { direction: 'more', absAmountMinor: 500, currency: 'EUR', previousMinor: 0, currentMinor: 500 } },
      { productId: null, service: null, cause: 'lateFee', amountMinor: 500, params: { direction: 'more', absAmountMinor: 500, currency: 'EUR', previousMinor: 0, currentMinor: 500 } },
      { productId: 'svc-mobile-1', service: { kind: 'mobile', identifier: '+353871234567', offeringName: 'Mobile 20 GB' }, cause: 'destination', amountMinor: -200, params: { direction: 'less', absAmountMinor: 200, currency: 'EUR', previousMinor: 700, currentMinor: 500, destination: 'international' } },
      { productId: null, service: null, cause: 'tax', amountMinor: 83, params: { direction: 'more', absAmountMinor: 83, currency: 'EUR', previousMinor: 1550, currentMinor: 1633 } },
    ],
  },
};

export const billSummaries: BillSummary[] = [
  { billNo: 'INV-2025-000124', billDate: '2025-03-01', periodStart: '2025-03-01', periodEnd: '2025-03-31', paymentDueDate: '2025-03-15', amountDue: eur(9907), remainingAmount: eur(9907), state: 'sent' },
  { billNo: 'INV-2025-000123', billDate: '2025-02-01', periodStart: '2025-02-01', periodEnd: '2025-02-28', paymentDueDate: '2025-02-15', amountDue: eur(8000), remainingAmount: eur(4250), state: 'partiallyPaid' },
  { billNo: 'INV-2025-000122', billDate: '2025-01-01', periodStart: '2025-01-01', periodEnd: '2025-01-31', paymentDueDate: '2025-01-15', amountDue: eur(7500), remainingAmount: eur(0), state: 'settled' },
];

/** The older bill: the first one, so nothing to compare with. */
export const firstBillView: BillView = {
  ...billView,
  bill: { ...billView.bill, id: 'bill-2025-01', billNo: 'INV-2025-000122', billDate: '2025-01-01', amountDueMinor: 9907, balanceForwardMinor: 0, previousBalanceMinor: 0, paymentsReceivedMinor: 0 },
  remainingAmount: eur(0),
  state: 'settled',
  previousBillNo: null,
  explanation: null,
};

export const usageDaily: UsageDaily = {
  productId: 'svc-mobile-1',
  kind: 'mobile',
  identifier: '+353871234567',
  planName: 'Mobile 20 GB',
  cycle: { start: '2025-03-01', end: '2025-03-31' },
  meters: [
    { type: 'data', unit: 'MB', allowance: 2048, days: [{ date: '2025-03-01', used: 1000 }, { date: '2025-03-02', used: 1277 }, { date: '2025-03-03', used: 0 }] },
    { type: 'voice', unit: 'min', allowance: null, days: [{ date: '2025-03-01', used: 12.5 }, { date: '2025-03-02', used: 3 }, { date: '2025-03-03', used: 0 }] },
    { type: 'sms', unit: 'SMS', allowance: 0, days: [{ date: '2025-03-01', used: 2 }, { date: '2025-03-02', used: 0 }, { date: '2025-03-03', used: 1 }] },
  ],
};

export const creditStatus: CreditStatus = {
  creditLimit: eur(50000),
  exposure: eur(14925),
  available: eur(35075),
  offlineAllowance: eur(10000),
  pendingRequest: null,
};

export const approved: CreditDecisionView = {
  requestId: '00000000-0000-4000-8000-000000000001',
  decision: 'approve',
  creditLimit: eur(55000),
  referred: null,
  reasons: [{ code: 'WITHIN_BAND_LIMIT', text: 'Risk band A allows a limit of up to 6 months of recurring spend.', params: { band: 'A', bandCeilingMinor: 60000, autoCeilingMinor: 60000, requestedMinor: 55000 } }],
};

/** Answers for the journeys' channels, as the core would give them for the fixtures above. */
export function withJourneys(fake: FakeKiosk): FakeKiosk {
  fake.respond('bill.get', (input) => {
    const billNo = (input as { billNo?: string }).billNo;
    if (billNo === undefined || billNo === billView.bill.billNo) return { ok: true, value: billView };
    if (billNo === firstBillView.bill.billNo) return { ok: true, value: firstBillView };
    return failure('NOT_FOUND', `Bill ${billNo} is not on this account.`);
  });
  fake.respond('bill.history', () => ({ ok: true, value: { bills: billSummaries } }));
  fake.respond('usage.daily', (input) => {
    const productId = (input as { productId: string }).productId;
    if (productId === 'svc-mobile-1') return { ok: true, value: usageDaily };
    if (productId === 'svc-bb-1') return { ok: true, value: { ...usageDaily, productId, kind: 'broadband', identifier: '12 Main Street, Dublin 2', planName: 'Fibre 500', meters: [] } };
    return failure('NOT_FOUND', 'This service is not on your account.');
  });
  fake.respond('credit.status', () => ({ ok: true, value: creditStatus }));
  fake.respond('credit.request', (input) => {
    const { requestId, requestedLimitMinor } = input as { requestId: string; requestedLimitMinor: number };
    return { ok: true, value: { ...approved, requestId, creditLimit: eur(requestedLimitMinor) } };
  });
  fake.respond('help.call', () => ({ ok: true, value: { requestId: 'help-1', position: 3 } }));
  return fake;
}

// ---------------------------------------------------------------------------------------------
// Services and offers: the catalog, a preview per kind of order, placed orders, offers.

/** What can be added to `accountOverview`: plans of each kind and extras that fit its mobile line. */
export const servicesCatalog: ServicesCatalogView = {
  offerings: [
    { id: 'MOB-20', name: 'Mobile 20 GB', description: 'Mobile 20 GB', kind: 'mobile', category: 'plan', addOnToProductIds: [], monthly: eur(2000), activationFee: eur(0), commitmentMonths: 0, downloadMbps: null, channels: null, allowances: [{ type: 'data', unit: 'MB', allowance: 20480 }, { type: 'voice', unit: 'min', allowance: null }, { type: 'sms', unit: 'SMS', allowance: 100 }] },
    { id: 'MOB-50', name: 'Mobile 50 GB', description: 'Mobile 50 GB', kind: 'mobile', category: 'plan', addOnToProductIds: [], monthly: eur(2800), activationFee: eur(0), commitmentMonths: 12, downloadMbps: null, channels: null, allowances: [{ type: 'data', unit: 'MB', allowance: 51200 }, { type: 'voice', unit: 'min', allowance: null }, { type: 'sms', unit: 'SMS', allowance: null }] },
    { id: 'MOB-PAYG', name: 'Pay As You Go', description: 'Pay As You Go', kind: 'mobile', category: 'plan', addOnToProductIds: [], monthly: eur(300), activationFee: eur(0), commitmentMonths: 0, downloadMbps: null, channels: null, allowances: [{ type: 'data', unit: 'MB', allowance: 0 }, { type: 'voice', unit: 'min', allowance: 0 }, { type: 'sms', unit: 'SMS', allowance: 0 }] },
    { id: 'BB-1G', name: 'Fibre 1 Gb', description: 'Fibre 1 Gb', kind: 'broadband', category: 'plan', addOnToProductIds: [], monthly: eur(5500), activationFee: eur(3000), commitmentMonths: 12, downloadMbps: 1000, channels: null, allowances: [] },
    { id: 'TV-ESS', name: 'TV Essentials', description: 'TV Essentials', kind: 'tv', category: 'plan', addOnToProductIds: [], monthly: eur(1599), activationFee: eur(0), commitmentMonths: 0, downloadMbps: null, channels: 80, allowances: [] },
    { id: 'MOB-INSURE', name: 'Phone insurance', description: 'Cover for the handset', kind: 'mobile', category: 'addOn', addOnToProductIds: ['svc-mobile-1'], monthly: eur(600), activationFee: eur(0), commitmentMonths: 0, downloadMbps: null, channels: null, allowances: [] },
    { id: 'MOB-ROAM', name: 'Roaming pack', description: 'Roaming pack', kind: 'mobile', category: 'addOn', addOnToProductIds: ['svc-mobile-1'], monthly: eur(500), activationFee: eur(0), commitmentMonths: 0, downloadMbps: null, channels: null, allowances: [] },
  ],
};
type ServicesCatalogView = { offerings: SellableOffering[] };

const within = { code: 'WITHIN_CREDIT_LIMIT', text: 'What is owed and committed plus this order’s first bill fits the credit limit.', params: { exposureMinor: 4613, firstBillMinor: 1299, creditLimitMinor: 50000, headroomMinor: 44088 } };

/** Moving the mobile line to Mobile 50 GB on 10 March: the next bill (1 April) prorates both plans. */
export function changePreview(order: OrderAction = { action: 'change', productId: 'svc-mobile-1', offeringId: 'MOB-50' }): OrderPreview {
  return {
    order,
    effectiveDate: '2025-03-10',
    decision: 'eligible',
    reasons: [within],
    monthlyBefore: eur(9800),
    monthlyAfter: eur(10768),
    nextBill: {
      billDate: '2025-04-01',
      withoutOrder: eur(9800),
      withOrder: eur(11099),
      lines: [
        line({ id: 'p1', productId: 'svc-mobile-1', lineType: 'proration', cause: 'planChange', description: 'Mobile 20 GB: refund for 22 unused days', amountMinor: -1419, params: { offering: 'Mobile 20 GB', days: 22, cycleDays: 31 }, period: { start: '2025-03-10', end: '2025-03-31' }, quantity: { amount: 22, unit: 'day' } }),
        line({ id: 'p2', productId: 'svc-mobile-1', lineType: 'proration', cause: 'planChange', description: 'Mobile 50 GB: 22 of 31 days', amountMinor: 1987, params: { offering: 'Mobile 50 GB', days: 22, cycleDays: 31 }, period: { start: '2025-03-10', end: '2025-03-31' }, quantity: { amount: 22, unit: 'day' } }),
        line({ id: 'p3', productId: 'svc-mobile-1', lineType: 'recurring', cause: 'recurring', description: 'Mobile 50 GB, monthly fee', amountMinor: 2800, params: { offering: 'Mobile 50 GB' }, period: { start: '2025-04-01', end: '2025-04-30' } }),
      ],
    },
  };
}

/** Removing broadband from a date: its unused days refunded. */
export function removePreview(effectiveDate: string, productId = 'svc-bb-1'): OrderPreview {
  return {
    order: { action: 'remove', productId, effectiveDate },
    effectiveDate,
    decision: 'eligible',
    reasons: [within],
    monthlyBefore: eur(9800),
    monthlyAfter: eur(4355),
    nextBill: {
      billDate: '2025-04-01',
      withoutOrder: eur(9800),
      withOrder: eur(3900),
      lines: [line({ id: 'r1', productId, lineType: 'proration', cause: 'removedService', description: 'Fibre 500: refund for 22 unused days', amountMinor: -3194, params: { offering: 'Fibre 500', days: 22, cycleDays: 31 }, period: { start: effectiveDate, end: '2025-03-31' }, quantity: { amount: 22, unit: 'day' } })],
    },
  };
}

/** An order the kiosk cannot take: the account is long overdue. */
export function declinedPreview(order: OrderAction): OrderPreview {
  return {
    ...changePreview(),
    order,
    decision: 'decline',
    reasons: [{ code: 'OVERDUE_OVER_30_DAYS', text: 'A bill has been unpaid for 33 days after its due date.', params: { days: 33 } }],
  };
}

/** An order staff must approve: the monthly spend would pass the credit limit. */
export function referredPreview(order: OrderAction): OrderPreview {
  return {
    ...changePreview(),
    order,
    decision: 'refer',
    reasons: [{ code: 'MONTHLY_SPEND_OVER_LIMIT', text: 'The new monthly spend alone would be more than the credit limit.', params: { newMonthlyMinor: 52000, creditLimitMinor: 50000 } }],
  };
}

export function placedOrder(requestId: string, preview: OrderPreview, state: ProductOrderView['state'] = 'acknowledged'): ProductOrderView {
  return { id: requestId, state, createdAt: '2025-03-10T10:15:00.000Z', preview };
}

export const offerList: OfferView[] = [
  {
    id: 'changePlan:svc-mobile-1:MOB-50',
    kind: 'changePlan',
    productId: 'svc-mobile-1',
    serviceKind: 'mobile',
    fromOfferingId: 'MOB-20',
    toOfferingId: 'MOB-50',
    params: { offering: 'Mobile 50 GB', currency: 'EUR', savingMinor: 2449, currentMonthlyMinor: 14062, newMonthlyMinor: 11613, cycles: 3, commitmentMonths: 12, identifier: '+353871234567', fromOffering: 'Mobile 20 GB' },
    currentMonthly: eur(14062),
    newMonthly: eur(11613),
    monthlySaving: eur(2449),
    gives: ['moreData', 'unlimitedSms'],
    reasons: ['SAVES_MONEY'],
    cyclesCompared: 3,
  },
  {
    id: 'addService:tv:TV-ESS',
    kind: 'addService',
    productId: null,
    serviceKind: 'tv',
    fromOfferingId: null,
    toOfferingId: 'TV-ESS',
    params: { offering: 'TV Essentials', currency: 'EUR', savingMinor: -1295, currentMonthlyMinor: 8329, newMonthlyMinor: 9624, cycles: 3, commitmentMonths: 0, extraMinor: 1295, listPriceMinor: 1599, bundle: 'Fibre + Mobile + TV discount', bundleId: 'BUNDLE-TRIO' },
    currentMonthly: eur(8329),
    newMonthly: eur(9624),
    monthlySaving: eur(-1295),
    gives: ['newService'],
    reasons: ['COMPLETES_BUNDLE'],
    cyclesCompared: 3,
  },
];

/** Answers for services and offers as the core would give them for the fixtures above. */
export function withOrders(fake: FakeKiosk): FakeKiosk {
  fake.respond('services.catalog', () => ({ ok: true, value: servicesCatalog }));
  fake.respond('order.preview', (input) => {
    const order = input as OrderAction;
    if (order.action === 'change') return { ok: true, value: changePreview(order) };
    if (order.action === 'remove' || order.action === 'suspend') {
      if (order.effectiveDate < '2025-03-10') return failure('VALIDATION', 'Choose a date from 2025-03-10 to 2025-06-08.');
      const preview = removePreview(order.effectiveDate, order.productId);
      return { ok: true, value: order.action === 'remove' ? preview : { ...preview, order, monthlyAfter: preview.monthlyBefore, nextBill: { ...preview.nextBill, withOrder: preview.nextBill.withoutOrder, lines: [] } } };
    }
    return { ok: true, value: { ...changePreview(), order } };
  });
  fake.respond('order.submit', (input) => {
    const { requestId, order } = input as { requestId: string; order: OrderAction };
    return { ok: true, value: placedOrder(requestId, { ...changePreview(), order }) };
  });
  fake.respond('offers.list', () => ({ ok: true, value: { offers: offerList } }));
  fake.respond('offers.accept', (input) => {
    const { requestId, offerId } = input as { requestId: string; offerId: string };
    const offer = offerList.find((o) => o.id === offerId);
    if (!offer) return failure('NOT_FOUND', 'That offer is no longer available.');
    const order: OrderAction = offer.kind === 'changePlan' ? { action: 'change', productId: offer.productId ?? '', offeringId: offer.toOfferingId } : { action: 'add', offeringId: offer.toOfferingId, parentProductId: null };
    return { ok: true, value: placedOrder(requestId, { ...changePreview(), order }) };
  });
  return fake;
}

import type { OfferView, ProductOrderView, SellableOffering } from '../../shared/contract/orders.ts';

import type { OrderAction } from '../../shared/domain/order-action.ts';

import type { OrderPreview } from '../../shared/billing/order-preview-schema.ts';
