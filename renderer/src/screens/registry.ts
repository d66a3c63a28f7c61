import type { Component } from 'svelte';
import type { IconName } from '../components/Icon.svelte';
import type { TextKey } from '../../../shared/i18n/types.ts';
import type { JourneyScreen, JourneyStates } from '../lib/state/journeys.ts';
import Adjustments from './Adjustments.svelte';
import AssistDesk from './AssistDesk.svelte';
import Bill from './Bill.svelte';
import CounterCash from './CounterCash.svelte';
import Credit from './Credit.svelte';
import Offers from './Offers.svelte';
import Pay from './Pay.svelte';
import Services from './Services.svelte';
import SignIn from './SignIn.svelte';
import Unlock from './Unlock.svelte';
import Usage from './Usage.svelte';

/** A journey's tile on the account overview: the self-service ones for everyone, the assist ones (`staff`) only in assist mode. */
export interface Tile {
  testid: string;
  icon: IconName;
  title: TextKey;
  hint: TextKey;
  staff?: true;
}

/**
 * The screen of each journey (App shows the current one, given that journey's state) and its tile
 * on the overview, if it has one, in the order the tiles are shown. How each journey starts is
 * lib/state/journeys.ts.
 */
export const screens: { [S in JourneyScreen]: { component: Component<{ journey: JourneyStates[S] }>; tile?: Tile } } = {
  signIn: { component: SignIn },
  pay: { component: Pay, tile: { testid: 'pay', icon: 'pay', title: 'nav.pay', hint: 'nav.payHint' } },
  bill: { component: Bill, tile: { testid: 'bill', icon: 'bill', title: 'nav.bill', hint: 'nav.billHint' } },
  usage: { component: Usage, tile: { testid: 'usage', icon: 'chart', title: 'nav.usage', hint: 'nav.usageHint' } },
  services: { component: Services, tile: { testid: 'services', icon: 'services', title: 'nav.services', hint: 'nav.servicesHint' } },
  offers: { component: Offers, tile: { testid: 'offers', icon: 'offers', title: 'nav.offers', hint: 'nav.offersHint' } },
  credit: { component: Credit, tile: { testid: 'credit', icon: 'credit', title: 'nav.credit', hint: 'nav.creditHint' } },
  counterCash: { component: CounterCash, tile: { testid: 'counter-cash', icon: 'pay', title: 'assist.actions.cash', hint: 'assist.actions.cashHint', staff: true } },
  adjust: { component: Adjustments, tile: { testid: 'adjust', icon: 'bill', title: 'assist.actions.adjust', hint: 'assist.actions.adjustHint', staff: true } },
  unlock: { component: Unlock, tile: { testid: 'unlock', icon: 'badge', title: 'assist.actions.unlock', hint: 'assist.actions.unlockHint', staff: true } },
  desk: { component: AssistDesk, tile: { testid: 'desk', icon: 'help', title: 'assist.actions.desk', hint: 'assist.actions.deskHint', staff: true } },
};

/** The overview's tiles, in the order shown: each opens its journey. */
export const tiles = (Object.keys(screens) as JourneyScreen[]).flatMap((screen) => {
  const tile = screens[screen].tile;
  return tile && screen !== 'signIn' ? [{ screen, ...tile }] : [];
});
