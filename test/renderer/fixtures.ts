import { createKioskApi, type ChannelName, type EventName, type EventPayload, type KioskApi, type KioskBridge } from '../../shared/contract/index.ts';
import type { AccountOverview, KioskInfo, SessionInfo } from '../../shared/contract/schemas.ts';
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
  creditAvailable: eur(35075),
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
