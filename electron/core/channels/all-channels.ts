import type { CoreServices } from '../services/core-services.ts';
import type { Handlers } from '../ipc/dispatch.ts';
import type { SyncService } from '../sync/sync-service.ts';
import { accountBillsChannels } from './account-bills.ts';
import { assistCustomerChannels } from './assist-customer.ts';
import { assistMoneyChannels } from './assist-money.ts';
import { assistReferralChannels } from './assist-referrals.ts';
import { creditChannels } from './credit.ts';
import { helpChannels } from './help.ts';
import { kioskSessionChannels } from './kiosk-session.ts';
import { ordersOffersChannels } from './orders-offers.ts';
import { paymentChannels } from './payments.ts';
import { staffChannels } from './staff.ts';
import { syncChannels } from './sync.ts';

type Merged<Parts extends readonly object[]> = (Parts[number] extends infer P ? (P extends object ? (whole: P) => void : never) : never) extends (whole: infer All) => void
  ? All
  : never;

/**
 * The parts as one channel map. The type is every part's channels together, so a channel no part
 * handles does not compile where a `Handlers` is expected; a channel two parts handle would
 * silently lose one of them, so that throws as the core starts.
 */
export function mergeChannels<const Parts extends readonly object[]>(...parts: Parts): Merged<Parts> {
  const merged: Record<string, unknown> = {};
  for (const part of parts) {
    for (const [channel, handler] of Object.entries(part)) {
      if (Object.hasOwn(merged, channel)) throw new Error(`Channel ${channel} is handled by two parts of the core`);
      merged[channel] = handler;
    }
  }
  return merged as Merged<Parts>;
}

/** Every channel of the contract, each from its domain's module. */
export function coreChannels(services: CoreServices, sync: SyncService): Handlers {
  return mergeChannels(
    kioskSessionChannels(services),
    accountBillsChannels(services),
    creditChannels(services),
    paymentChannels(services),
    ordersOffersChannels(services),
    helpChannels(services),
    syncChannels(sync),
    staffChannels(services),
    assistCustomerChannels(services),
    assistReferralChannels(services),
    assistMoneyChannels(services),
  );
}
