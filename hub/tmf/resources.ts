import { allLines, type BillLine, type CustomerBill, type TaxItem } from '../../shared/billing/bill.ts';
import type { ChangeOf } from '../../shared/sync/changes.ts';
import type { BillState, PaymentStatus } from '../../shared/domain/account-states.ts';
import { billStateNow } from '../../shared/ledger/account-status.ts';
import type { AccountMoney } from './account-money.ts';
import type { TmfResource } from './list.ts';
import { endOfDay, startOfDay, timePeriod, tmfMoney, type TmfMoney } from './values.ts';

/**
 * Rows of the central ledger as TM Forum Open API v4 resources: TMF666 BillingAccount, TMF678
 * CustomerBill and AppliedCustomerBillingRate, TMF676 Payment. Attributes without a value are
 * left out (TMF's convention), money is `{ unit, value }`, calendar dates are date-times in the
 * account's branch time zone, references carry `@referredType`.
 */
export const TMF_PREFIX = '/tmf-api';
export const paths = {
  billingAccount: '/accountManagement/v4/billingAccount',
  customerBill: '/customerBillManagement/v4/customerBill',
  appliedCustomerBillingRate: '/customerBillManagement/v4/appliedCustomerBillingRate',
  payment: '/paymentManagement/v4/payment',
} as const;

export const href = (resource: keyof typeof paths, id: string): string => `${TMF_PREFIX}${paths[resource]}/${encodeURIComponent(id)}`;

interface Ref {
  id: string;
  href?: string;
  name?: string;
  role?: string;
  '@referredType': string;
}

/** What every resource of an account refers to it by. */
export interface AccountRow {
  account_id: string;
  account_no: string;
  currency: string;
  time_zone: string;
}

const accountRef = (row: AccountRow): Ref => ({ id: row.account_id, href: href('billingAccount', row.account_id), name: row.account_no, '@referredType': 'BillingAccount' });
const billRef = (id: string): Ref => ({ id, href: href('customerBill', id), '@referredType': 'CustomerBill' });
const paymentRef = (id: string): Ref => ({ id, href: href('payment', id), '@referredType': 'Payment' });

// ---------------------------------------------------------------------------------------------
// TMF666 BillingAccount

export interface BillingAccountRow extends AccountRow {
  customer_id: string;
  customer_name: string;
  bill_cycle_day: number;
  credit_limit_minor: number;
}

export interface TmfBillingAccount extends TmfResource {
  name: string;
  state: 'active';
  ratingType: 'postpaid';
  paymentStatus: PaymentStatus;
  accountBalance: { balanceType: 'receivable' | 'overdue'; amount: TmfMoney; '@type': 'AccountBalance' }[];
  creditLimit: TmfMoney;
  billStructure: { cycleSpecification: { id: string; name: string; frequency: 'monthly'; billingDateShift: number; '@type': 'BillingCycleSpecification' } };
  relatedParty: Ref[];
}

/**
 * The receivable balance (positive: the customer owes) and what of it is overdue; the account
 * number is its name; the bill cycle day is `billingDateShift` days after the month starts
 * (days 29 to 31 fall back to the month's last day, as the billing engine does).
 */
export function billingAccount(row: BillingAccountRow, money: AccountMoney): TmfBillingAccount {
  return {
    id: row.account_id,
    href: href('billingAccount', row.account_id),
    '@type': 'BillingAccount',
    name: row.account_no,
    state: 'active',
    ratingType: 'postpaid',
    paymentStatus: money.paymentStatus,
    accountBalance: [
      { balanceType: 'receivable', amount: tmfMoney(money.balanceMinor, row.currency), '@type': 'AccountBalance' },
      { balanceType: 'overdue', amount: tmfMoney(money.overdueMinor, row.currency), '@type': 'AccountBalance' },
    ],
    creditLimit: tmfMoney(row.credit_limit_minor, row.currency),
    billStructure: {
      cycleSpecification: {
        id: `monthly-day-${row.bill_cycle_day}`,
        name: `Monthly, on day ${row.bill_cycle_day} (the month's last day when it is shorter)`,
        frequency: 'monthly',
        billingDateShift: row.bill_cycle_day - 1,
        '@type': 'BillingCycleSpecification',
      },
    },
    relatedParty: [{ id: row.customer_id, name: row.customer_name, role: 'customer', '@referredType': 'Customer' }],
  };
}

// ---------------------------------------------------------------------------------------------
// TMF678 CustomerBill

export interface BillRow extends AccountRow {
  id: string;
  bill_no: string;
  bill_date: string;
  period_start: string;
  period_end: string;
  payment_due_date: string;
  tax_excluded_minor: number;
  tax_included_minor: number;
  amount_due_minor: number;
  /** The stored lifecycle state. */
  state: BillState;
  tax_items: TaxItem[];
  /** What the engine said was open when it issued the bill; the allocation knows better and is preferred. */
  issued_remaining_minor: number;
  last_update: Date | null;
}

export interface TmfCustomerBill extends TmfResource {
  billNo: string;
  billDate: string;
  category: 'normal';
  runType: 'onCycle';
  billingPeriod: { startDateTime: string; endDateTime: string };
  paymentDueDate: string;
  amountDue: TmfMoney;
  remainingAmount: TmfMoney;
  taxExcludedAmount: TmfMoney;
  taxIncludedAmount: TmfMoney;
  taxItem: { taxCategory: string; taxRate: number; taxAmount: TmfMoney; '@type': 'TaxItem' }[];
  state: BillState;
  billingAccount: Ref;
  appliedPayment: { appliedAmount: TmfMoney; payment: Ref; '@type': 'AppliedPayment' }[];
  lastUpdate?: string;
}

/**
 * `amountDue` is what the bill asks for (balance forward included); `remainingAmount` is what is
 * still open of this bill's own charges by the allocation, and `appliedPayment` the payments
 * that paid them, so the remaining amounts of an account's bills add up to what it owes. The due
 * date is the end of its day: a bill is overdue from the next day on.
 */
export function customerBill(row: BillRow, money: AccountMoney | undefined): TmfCustomerBill {
  const allocation = money?.allocation.bills.find((b) => b.billNo === row.bill_no);
  const cur = row.currency;
  return {
    id: row.id,
    href: href('customerBill', row.id),
    '@type': 'CustomerBill',
    billNo: row.bill_no,
    billDate: startOfDay(row.bill_date, row.time_zone),
    category: 'normal',
    runType: 'onCycle',
    billingPeriod: timePeriod(row.period_start, row.period_end, row.time_zone),
    paymentDueDate: endOfDay(row.payment_due_date, row.time_zone),
    amountDue: tmfMoney(row.amount_due_minor, cur),
    remainingAmount: tmfMoney(allocation?.remainingMinor ?? row.issued_remaining_minor, cur),
    taxExcludedAmount: tmfMoney(row.tax_excluded_minor, cur),
    taxIncludedAmount: tmfMoney(row.tax_included_minor, cur),
    taxItem: row.tax_items.map((t) => ({ taxCategory: t.taxCategory, taxRate: t.rateBps / 10_000, taxAmount: tmfMoney(t.taxMinor, cur), '@type': 'TaxItem' })),
    state: billStateNow(row.state, allocation),
    billingAccount: accountRef(row),
    appliedPayment: (allocation?.allocations ?? [])
      .filter((a) => a.sourceKind === 'payment')
      .map((a) => ({ appliedAmount: tmfMoney(a.amountMinor, cur), payment: paymentRef(a.sourceId), '@type': 'AppliedPayment' })),
    ...(row.last_update ? { lastUpdate: row.last_update.toISOString() } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// TMF678 AppliedCustomerBillingRate

export interface TmfAppliedCustomerBillingRate extends TmfResource {
  name: string;
  description: string;
  type: BillLine['lineType'];
  date: string;
  isBilled: true;
  periodCoverage?: { startDateTime: string; endDateTime: string };
  bill: Ref;
  billingAccount: Ref;
  product?: Ref;
  taxExcludedAmount: TmfMoney;
  taxIncludedAmount: TmfMoney;
  appliedTax: { taxCategory: string; taxRate: number; taxAmount: TmfMoney; '@type': 'AppliedBillingTaxRate' }[];
  characteristic: { name: string; value: string | number; valueType: 'string' | 'number'; '@type': 'AppliedBillingRateCharacteristic' }[];
}

/** A line's id is its bill number and its place on the bill (`B-2026-11-0001-003`). */
export function billNoOfLineId(lineId: string): string {
  return /^(.+)-\d{3,}$/.exec(lineId)?.[1] ?? lineId;
}

/**
 * Each tax category's tax (the engine taxes a category's net, half-up) split over its lines so
 * that the lines' taxes add up to it exactly: each line gets its exact share rounded down, and
 * the cents left over go to the largest remainders (earlier line on a tie). The leftover is
 * between 0 and the number of lines, because the category's tax is its exact tax rounded to the
 * nearest cent while the floors are each less than a cent below their exact share.
 */
export function lineTaxes(lines: readonly BillLine[], taxItems: readonly TaxItem[]): number[] {
  const taxes = lines.map(() => 0);
  for (const item of taxItems) {
    const members = lines.flatMap((line, index) => (line.taxCategory === item.taxCategory ? [index] : []));
    const shares = members.map((index) => {
      const exact = (lines[index] as BillLine).amountMinor * item.rateBps;
      const floor = Math.floor(exact / 10_000);
      return { index, floor, remainder: exact - floor * 10_000 };
    });
    let left = item.taxMinor - shares.reduce((sum, s) => sum + s.floor, 0);
    for (const s of shares) taxes[s.index] = s.floor;
    const order = [...shares].sort((a, b) => b.remainder - a.remainder || a.index - b.index);
    for (const s of order) {
      if (left <= 0 || left > shares.length) break;
      taxes[s.index] = (taxes[s.index] as number) + 1;
      left--;
    }
    // Only a document that did not come from the engine gets here: keep the sum exact all the same.
    const last = shares.at(-1);
    if (left !== 0 && last) taxes[last.index] = (taxes[last.index] as number) + left;
  }
  return taxes;
}

export function appliedCustomerBillingRates(bill: CustomerBill, row: BillRow): TmfAppliedCustomerBillingRate[] {
  const lines = allLines(bill);
  const taxes = lineTaxes(lines, bill.taxItems);
  const services = new Map(bill.services.map((s) => [s.productId, s]));
  const rates = new Map(bill.taxItems.map((t) => [t.taxCategory, t.rateBps]));
  const cur = bill.currency;
  return lines.map((line, i) => {
    const tax = taxes[i] ?? 0;
    const service = line.productId === null ? undefined : services.get(line.productId);
    const characteristic: TmfAppliedCustomerBillingRate['characteristic'] = [
      { name: 'cause', value: line.cause, valueType: 'string', '@type': 'AppliedBillingRateCharacteristic' },
      ...(line.quantity
        ? ([
            { name: 'quantity', value: line.quantity.amount, valueType: 'number', '@type': 'AppliedBillingRateCharacteristic' },
            { name: 'unit', value: line.quantity.unit, valueType: 'string', '@type': 'AppliedBillingRateCharacteristic' },
          ] as const)
        : []),
    ];
    return {
      id: line.id,
      href: href('appliedCustomerBillingRate', line.id),
      '@type': 'AppliedCustomerBillingRate',
      name: line.description,
      description: line.description,
      type: line.lineType,
      date: startOfDay(bill.billDate, row.time_zone),
      isBilled: true,
      ...(line.period ? { periodCoverage: timePeriod(line.period.start, line.period.end, row.time_zone) } : {}),
      bill: billRef(bill.id),
      billingAccount: accountRef(row),
      ...(line.productId === null
        ? {}
        : { product: { id: line.productId, ...(service ? { name: `${service.offeringName} (${service.identifier})` } : {}), '@referredType': 'Product' } }),
      taxExcludedAmount: tmfMoney(line.amountMinor, cur),
      taxIncludedAmount: tmfMoney(line.amountMinor + tax, cur),
      appliedTax: [{ taxCategory: line.taxCategory, taxRate: (rates.get(line.taxCategory) ?? 0) / 10_000, taxAmount: tmfMoney(tax, cur), '@type': 'AppliedBillingTaxRate' }],
      characteristic,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// TMF676 Payment

type Method = ChangeOf<'payment.recorded'>['paymentMethod'];

/** Our payment methods as TMF670 payment method types, both ways. */
export const methodTypes = {
  card: 'BankCard',
  cash: 'Cash',
  directDebit: 'BankAccountDebit',
  bankTransfer: 'BankAccountTransfer',
} as const satisfies Record<Method, string>;
export type MethodType = (typeof methodTypes)[Method];

export interface PaymentRow extends AccountRow {
  id: string;
  customer_id: string;
  customer_name: string;
  amount_minor: number;
  payment_method: Method;
  channel: string;
  point_of_interaction: string | null;
  authorization_code: string | null;
  correlator_id: string | null;
  status: string;
  occurred_at: Date;
  updated_at: Date;
}

export interface TmfPayment extends TmfResource {
  correlatorId?: string;
  authorizationCode?: string;
  paymentDate: string;
  status: string;
  statusDate: string;
  amount: TmfMoney;
  totalAmount: TmfMoney;
  account: Ref;
  payer: Ref;
  channel: Ref;
  paymentMethod: { name: Method; '@type': MethodType };
  pointOfInteraction?: string;
  paymentItem: { amount: TmfMoney; totalAmount: TmfMoney; item: Ref; '@type': 'PaymentItem' }[];
}

/**
 * No tax is collected on a payment, so `amount` and `totalAmount` are the same. `paymentItem` is
 * what the allocation applied to each bill; what is left over is credit on the account, not an item.
 */
export function payment(row: PaymentRow, money: AccountMoney | undefined): TmfPayment {
  const cur = row.currency;
  const allocated = money?.allocation.payments.find((p) => p.paymentId === row.id)?.allocations ?? [];
  return {
    id: row.id,
    href: href('payment', row.id),
    '@type': 'Payment',
    ...(row.correlator_id === null ? {} : { correlatorId: row.correlator_id }),
    ...(row.authorization_code === null ? {} : { authorizationCode: row.authorization_code }),
    paymentDate: row.occurred_at.toISOString(),
    status: row.status,
    statusDate: row.updated_at.toISOString(),
    amount: tmfMoney(row.amount_minor, cur),
    totalAmount: tmfMoney(row.amount_minor, cur),
    account: accountRef(row),
    payer: { id: row.customer_id, name: row.customer_name, role: 'payer', '@referredType': 'Customer' },
    channel: { id: row.channel, name: row.channel, '@referredType': 'Channel' },
    paymentMethod: { name: row.payment_method, '@type': methodTypes[row.payment_method] },
    ...(row.point_of_interaction === null ? {} : { pointOfInteraction: row.point_of_interaction }),
    paymentItem: allocated.flatMap((a) => {
      const billId = a.billNo === null ? undefined : money?.billIds.get(a.billNo);
      return billId === undefined ? [] : [{ amount: tmfMoney(a.amountMinor, cur), totalAmount: tmfMoney(a.amountMinor, cur), item: billRef(billId), '@type': 'PaymentItem' as const }];
    }),
  };
}
