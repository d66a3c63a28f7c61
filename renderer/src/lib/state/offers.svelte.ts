import { orderForOffer, type OfferView, type ProductOrderView } from '../../../../shared/contract/orders.ts';
import type { OrderPreview } from '../../../../shared/billing/order-preview-schema.ts';
import { Journey, type JourneyLoad } from './journey.svelte.ts';
import { problemFrom, refusedForSure, type OrderProblem } from './order.ts';

export type OffersStep = 'list' | 'confirm' | 'result';
export type OffersFocus = 'step' | 'preview' | 'result' | 'problem';

/**
 * The offers journey: the offers the plan optimizer picked for this account (what each saves a
 * month on the customer's own usage), then for the one chosen the same preview the Services
 * screen shows, and accepting it places the order. Each acceptance is sent with a request id
 * chosen once, so a retry after a failure never places it twice.
 */
export class OffersJourney extends Journey<OffersFocus> {
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

  override open(): Promise<void> {
    return this.loadFrom(
      () => this.api.invoke('offers.list', {}),
      ({ offers }) => {
        this.offers = offers;
        return offers.length === 0 ? 'empty' : 'ready';
      },
    );
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
    this.requestFocus('step');
    await this.loadPreview();
  }

  /** (Re)loads the chosen offer's preview. */
  async loadPreview(): Promise<void> {
    const offer = this.selected;
    if (!offer) return;
    this.previewLoad = 'loading';
    const result = await this.api.invoke('order.preview', orderForOffer(offer));
    if (this.selected !== offer) return; // another offer was chosen meanwhile
    if (result.ok) {
      this.preview = result.value;
      this.previewLoad = 'ready';
      this.requestFocus('preview');
      return;
    }
    if (this.signedOut(result.error)) return;
    this.previewLoad = 'error';
    this.#fail(problemFrom(result.error));
  }

  /** Accepts the chosen offer: the core places its order. */
  async accept(): Promise<void> {
    const offer = this.selected;
    if (this.busy || this.step !== 'confirm' || !offer || !this.preview || this.preview.decision === 'decline') return;
    const requestId = this.ids.for(offer.id);
    this.busy = true;
    this.problem = null;
    const result = await this.api.invoke('offers.accept', { requestId, offerId: offer.id });
    this.busy = false;
    if (result.ok) {
      this.ids.settle();
      this.placed = result.value;
      this.accepted = [...this.accepted, offer.id];
      this.step = 'result';
      this.requestFocus('result');
      return;
    }
    if (this.signedOut(result.error)) return;
    if (refusedForSure(result.error)) this.ids.settle();
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
    this.requestFocus('step');
    if (reload) void this.open();
  }

  #fail(problem: OrderProblem): void {
    this.problem = problem;
    this.requestFocus('problem');
  }
}
