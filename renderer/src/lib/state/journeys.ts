import type { KioskApi } from '../../../../shared/contract/index.ts';
import type { AccountOverview } from '../../../../shared/contract/schemas.ts';
import { AdjustmentsJourney, CounterCashJourney, PinResetJourney } from './assist-account.svelte.ts';
import type { AssistDesk } from './assist-desk.svelte.ts';
import type { AssistState } from './assist.svelte.ts';
import { BillJourney } from './bill.svelte.ts';
import { CreditJourney } from './credit.svelte.ts';
import type { JourneyOptions } from './journey.svelte.ts';
import { OffersJourney } from './offers.svelte.ts';
import { PayJourney } from './pay.svelte.ts';
import { ServicesJourney } from './services.svelte.ts';
import type { SignInState } from './sign-in.svelte.ts';
import { UsageJourney } from './usage.svelte.ts';

/** What the app needs to start a journey on the open account. */
export interface JourneyContext {
  api: KioskApi;
  assist: AssistState;
  overview: AccountOverview | null;
  options: JourneyOptions;
}

/**
 * The journeys on the open account, reached from its overview: how each starts, whether it is
 * assist mode's (staff only), and whether it needs the overview first (its services to choose from).
 * A new one is a line here, its state class, and its screen in screens/registry.ts.
 */
export const accountJourneys = {
  pay: { assist: false, start: (c: JourneyContext) => new PayJourney(c.api, c.options) },
  bill: { assist: false, start: (c: JourneyContext) => new BillJourney(c.api, c.options) },
  usage: { assist: false, needsOverview: true, start: (c: JourneyContext) => new UsageJourney(c.api, c.overview?.services ?? [], c.options) },
  services: { assist: false, start: (c: JourneyContext) => new ServicesJourney(c.api, c.options) },
  offers: { assist: false, start: (c: JourneyContext) => new OffersJourney(c.api, c.options) },
  credit: { assist: false, start: (c: JourneyContext) => new CreditJourney(c.api, c.options) },
  counterCash: { assist: true, start: (c: JourneyContext) => new CounterCashJourney(c.api, c.assist, c.options) },
  adjust: { assist: true, start: (c: JourneyContext) => new AdjustmentsJourney(c.api, c.assist, c.options) },
  unlock: { assist: true, start: (c: JourneyContext) => new PinResetJourney(c.api, c.assist, c.options) },
} as const;

export type AccountJourney = keyof typeof accountJourneys;

/** Every screen that has a state of its own, and that state's class. */
export type JourneyStates = { [S in AccountJourney]: ReturnType<(typeof accountJourneys)[S]['start']> } & {
  signIn: SignInState;
  /** Assist mode's desk: with or without a customer signed in. */
  desk: AssistDesk;
};
export type JourneyScreen = keyof JourneyStates;
export type Screen = 'attract' | 'overview' | 'ending' | JourneyScreen;

/** What is on screen: one of the screens without a state of their own, or a screen and its journey. */
export type Current = { screen: 'attract' | 'overview' | 'ending' } | { [S in JourneyScreen]: { screen: S; journey: JourneyStates[S] } }[JourneyScreen];

/** Assist mode's screens: what staff do there keeps assist mode alive. */
export const assistScreens: readonly Screen[] = ['desk', ...(Object.keys(accountJourneys) as AccountJourney[]).filter((s) => accountJourneys[s].assist)];
