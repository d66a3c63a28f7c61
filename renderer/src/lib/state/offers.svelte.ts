import type { KioskApi } from '../../../../shared/contract/index.ts';
import { orderForOffer, type OfferView, type ProductOrderView } from '../../../../shared/contract/orders.ts';
import type { OrderPreview } from '../../../../shared/billing/order-preview-schema.ts';
import { RequestIds, signedOut, type JourneyLoad, type JourneyOptions } from './journey.ts';
import { problemFrom, refusedForSure, type FocusRequest, type OrderProblem } from './order.ts';

export type OffersStep = 'list' | 'confirm' | 'result';
export type OffersFocus = 'step' | 'preview' | 'result' | 'problem';

/**
 * The offers journey: the offers the plan optimizer picked for this account (what each saves a
 * month on the customer's own usage), then for the one chosen the same preview the Services
 * screen shows, and accepting it places the order. Each acceptance is sent with a request id
 * chosen once, so a retry after a failure never places it twice.
 */
export class OffersJourney {
  load = $state<JourneyLoad>('idle');
  offers = $state<OfferView[]>([]);
  step = $state<OffersStep>('list');
  selected = $state<OfferView | null>(null);
  preview = $state<OrderPreview | null>(null);
  previewLoad = $state<JourneyLoad>('idle');
  busy = $state(false);
  problem = $state<OrderProblem | null>(null);
  placed = $state<ProductOrderView | null>(null);
  /** Offers accepted on this visit: the list says so instead of offering them again. */
  accepted = $state<string[]>([]);
  focusRequest = $state<FocusRequest<OffersFocus> | null>(null);

  readonly #api: KioskApi;
  readonly #options: JourneyOptions;
  readonly #ids: RequestIds;
  #seq = 0;

  constructor(api: KioskApi, options: JourneyOptions) {
    this.#api = api;
    this.#options = options;
    this.#ids = new RequestIds(options);
  }

  async open(): Promise<void> {
    this.load = 'loading';
    const result = await this.#api.invoke('offers.list', {});
    if (result.ok) {
      this.offers = result.value.offers;
      this.load = result.value.offers.length === 0 ? 'empty' : 'ready';
    } else if (!signedOut(result.error, this.#options)) {
      this.load = 'error';
    }
  }

  /** An offer chosen: what accepting it would do, previewed by the core. */
  async choose(offerId: string): Promise<void> {
    if (this.busy) return;
    const offer = this.offers.find((o) => o.id === offerId);
    if (!offer || this.accepted.includes(offerId)) return;
    this.selected = offer;
    this.preview = null;
    this.problem = null;
    this.step = 'confirm';
    this.#focus('step');
    await this.loadPreview();
  }

  /** (Re)loads the chosen offer's preview. */
  async loadPreview(): Promise<void> {
    const offer = this.selected;
    if (!offer) return;
    this.previewLoad = 'loading';
    const result = await this.#api.invoke('order.preview', orderForOffer(offer));
    if (this.selected !== offer) return; // another offer was chosen meanwhile
    if (result.ok) {
      this.preview = result.value;
      this.previewLoad = 'ready';
      this.#focus('preview');
      return;
    }
    if (signedOut(result.error, this.#options)) return;
    this.previewLoad = 'error';
    this.#fail(problemFrom(result.error));
  }

  /** Accepts the chosen offer: the core places its order. */
  async accept(): Promise<void> {
    const offer = this.selected;
    if (this.busy || this.step !== 'confirm' || !offer || !this.preview || this.preview.decision === 'decline') return;
    const requestId = this.#ids.for(offer.id);
    this.busy = true;
    this.problem = null;
    const result = await this.#api.invoke('offers.accept', { requestId, offerId: offer.id });
    this.busy = false;
    if (result.ok) {
      this.#ids.settle();
      this.placed = result.value;
      this.accepted = [...this.accepted, offer.id];
      this.step = 'result';
      this.#focus('result');
      return;
    }
    if (signedOut(result.error, this.#options)) return;
    if (refusedForSure(result.error)) this.#ids.settle();
    this.#fail(result.error.code === 'NOT_FOUND' ? { kind: 'offerGone' } : problemFrom(result.error));
    if (result.error.code === 'FORBIDDEN') await this.loadPreview();
  }

  /** Back to the list (asked for again when an offer turned out to be gone). */
  back(): void {
    if (this.busy) return;
    const reload = this.problem?.kind === 'offerGone';
    this.step = 'list';
    this.selected = null;
    this.preview = null;
    this.previewLoad = 'idle';
    this.placed = null;
    this.problem = null;
    this.#focus('step');
    if (reload) void this.open();
  }

  #fail(problem: OrderProblem): void {
    this.problem = problem;
    this.#focus('problem');
  }

  #focus(target: OffersFocus): void {
    this.focusRequest = { target, seq: ++this.#seq };
  }
}
