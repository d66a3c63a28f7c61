import { addDays, isCalendarDate } from '../../../../shared/calendar.ts';
import type { ProductOrderView, SellableOffering } from '../../../../shared/contract/orders.ts';
import type { OrderAction } from '../../../../shared/domain/order-action.ts';
import type { OrderPreview } from '../../../../shared/billing/order-preview-schema.ts';
import type { AccountOverview, ServiceCard } from '../../../../shared/contract/schemas.ts';
import { Journey } from './journey.svelte.ts';
import { problemFrom, refusedForSure, type OrderProblem } from './order.ts';

/** How far ahead a removal or pause can be booked (the core's limit). */
export const MAX_NOTICE_DAYS = 90;

/** Where the customer is in the journey. */
export type ServicesStep =
  /** Their services with what can be done to each, and what can be added. */
  | { kind: 'home' }
  /** A new plan for one of their services. */
  | { kind: 'changePlan'; productId: string }
  /** When a removal or pause takes effect. */
  | { kind: 'when'; action: 'remove' | 'suspend'; productId: string }
  /** What the order would do; confirm or go back. */
  | { kind: 'preview' }
  /** The order is placed. */
  | { kind: 'result' };

/** When a removal or pause takes effect: today, the first day of the next bill cycle, or a date typed. */
export type WhenChoice = 'today' | 'nextCycle' | 'other';

export type ServicesFocus = 'step' | 'preview' | 'result' | 'problem';

/**
 * The services journey (TMF622 orders): the customer's services, each of which can change plan,
 * be removed or paused from a date, and the plans and extras that can be added. Each choice is
 * previewed by the core (allowed or not, the monthly bill before and after, the next bill's lines)
 * before it can be confirmed; a confirmed order is sent with a request id chosen once, so a retry
 * after a failure never places it twice.
 */
export class ServicesJourney extends Journey<ServicesFocus> {
  overview = $state<AccountOverview | null>(null);
  offerings = $state<SellableOffering[]>([]);
  step = $state<ServicesStep>({ kind: 'home' });
  busy = $state(false);
  problem = $state<OrderProblem | null>(null);
  preview = $state<OrderPreview | null>(null);
  placed = $state<ProductOrderView | null>(null);
  when = $state<WhenChoice>('today');
  otherDate = $state('');

  #previewFrom: ServicesStep = { kind: 'home' };

  /** Their services that still exist (an ended one cannot be ordered on). */
  get services(): ServiceCard[] {
    return (this.overview?.services ?? []).filter((s) => s.status !== 'terminated');
  }

  get plans(): SellableOffering[] {
    return this.offerings.filter((o) => o.category === 'plan');
  }

  /** The first day an order can take effect (the kiosk's today) and the last a removal or pause can be booked for. */
  get today(): string | null {
    return this.overview?.asOf ?? null;
  }

  get latestDate(): string | null {
    return this.today ? addDays(this.today, MAX_NOTICE_DAYS) : null;
  }

  /** The first day of the next bill cycle: a removal from then ends the service with this cycle. */
  get nextCycleStart(): string | null {
    return this.overview ? addDays(this.overview.cycle.end, 1) : null;
  }

  service(productId: string): ServiceCard | undefined {
    return this.overview?.services.find((s) => s.id === productId);
  }

  offering(offeringId: string): SellableOffering | undefined {
    return this.offerings.find((o) => o.id === offeringId);
  }

  /** The extras that can ride on one of their services. */
  addOnsFor(productId: string): SellableOffering[] {
    return this.offerings.filter((o) => o.category === 'addOn' && o.addOnToProductIds.includes(productId));
  }

  /** An extra the service already has (the overview names its extras). */
  hasAddOn(productId: string, offering: SellableOffering): boolean {
    return this.service(productId)?.addOns.some((a) => a.name === offering.name) ?? false;
  }

  /** The plans a service can move to: its kind, on sale, not the one it is on. */
  plansFor(productId: string): SellableOffering[] {
    const service = this.service(productId);
    if (!service) return [];
    return this.plans.filter((o) => o.kind === service.kind && o.name !== service.planName);
  }

  /** The date a removal or pause would take effect, as chosen (null when "another date" is empty). */
  get effectiveDate(): string | null {
    if (this.when === 'today') return this.today;
    if (this.when === 'nextCycle') return this.nextCycleStart;
    return this.otherDate === '' ? null : this.otherDate;
  }

  override open(): Promise<void> {
    return this.loadFrom(
      async () => {
        const [overview, catalog] = await Promise.all([this.api.invoke('account.overview', {}), this.api.invoke('services.catalog', {})]);
        if (!overview.ok) return overview;
        if (!catalog.ok) return catalog;
        return { ok: true, value: { overview: overview.value, offerings: catalog.value.offerings } };
      },
      ({ overview, offerings }) => {
        this.overview = overview;
        this.offerings = offerings;
        return this.services.length === 0 && this.offerings.length === 0 ? 'empty' : 'ready';
      },
    );
  }

  /** Add a plan (a new service) or an extra on one of their services: straight to its preview. */
  add(offeringId: string, parentProductId: string | null = null): Promise<void> {
    return this.#previewOrder({ action: 'add', offeringId, parentProductId }, { kind: 'home' });
  }

  /** "Change plan" on a service: the plans it can move to. */
  startChange(productId: string): void {
    if (this.busy) return;
    this.#goTo({ kind: 'changePlan', productId });
  }

  choosePlan(offeringId: string): Promise<void> {
    if (this.step.kind !== 'changePlan') return Promise.resolve();
    return this.#previewOrder({ action: 'change', productId: this.step.productId, offeringId }, this.step);
  }

  /** "Remove" or "Pause" on a service: when it should take effect, today by default. */
  startEnd(action: 'remove' | 'suspend', productId: string): void {
    if (this.busy) return;
    this.when = 'today';
    this.otherDate = '';
    this.#goTo({ kind: 'when', action, productId });
  }

  chooseWhen(choice: WhenChoice): void {
    this.when = choice;
    this.problem = null;
  }

  setOtherDate(value: string): void {
    this.otherDate = value.trim();
    this.when = 'other';
    this.problem = null;
  }

  /** Checks the date here first (from today to 90 days ahead), then asks the core for the preview. */
  previewEnd(): Promise<void> {
    const step = this.step;
    if (step.kind !== 'when' || !this.today || !this.latestDate) return Promise.resolve();
    const date = this.effectiveDate;
    if (date === null) return Promise.resolve(this.#fail({ kind: 'dateMissing' }));
    if (!isCalendarDate(date) || date < this.today || date > this.latestDate) {
      return Promise.resolve(this.#fail({ kind: 'dateOutOfRange', from: this.today, to: this.latestDate }));
    }
    return this.#previewOrder({ action: step.action, productId: step.productId, effectiveDate: date }, step);
  }

  /** Places the previewed order (not offered when the core says it is not allowed). */
  async confirm(): Promise<void> {
    const preview = this.preview;
    if (this.busy || this.step.kind !== 'preview' || !preview || preview.decision === 'decline') return;
    const order = preview.order;
    const requestId = this.ids.for(JSON.stringify(order));
    this.busy = true;
    this.problem = null;
    const result = await this.api.invoke('order.submit', { requestId, order });
    this.busy = false;
    if (result.ok) {
      this.ids.settle();
      this.placed = result.value;
      this.step = { kind: 'result' };
      this.requestFocus('result');
      return;
    }
    if (this.signedOut(result.error)) return;
    if (refusedForSure(result.error)) this.ids.settle();
    this.#fail(problemFrom(result.error));
    // Refused now although the preview allowed it: show the core's current answer and why.
    if (result.error.code === 'FORBIDDEN') await this.#refreshPreview(order);
  }

  /** One step back: from the preview to where it was asked from, from a step to the list. */
  back(): void {
    if (this.busy) return;
    if (this.step.kind === 'preview') this.#goTo(this.#previewFrom);
    else this.home();
  }

  /** "Choose something else": the list of services and what can be added. */
  home(): void {
    if (this.busy) return;
    const wasResult = this.step.kind === 'result';
    this.preview = null;
    this.placed = null;
    this.#goTo({ kind: 'home' });
    if (wasResult) void this.refresh(() => this.api.invoke('account.overview', {}), (overview) => (this.overview = overview));
  }

  async #previewOrder(order: OrderAction, from: ServicesStep): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.problem = null;
    const result = await this.api.invoke('order.preview', order);
    this.busy = false;
    if (result.ok) {
      this.preview = result.value;
      this.#previewFrom = from;
      this.step = { kind: 'preview' };
      this.requestFocus('preview');
      return;
    }
    if (this.signedOut(result.error)) return;
    this.#fail(problemFrom(result.error));
  }

  async #refreshPreview(order: OrderAction): Promise<void> {
    const result = await this.api.invoke('order.preview', order);
    if (result.ok && this.step.kind === 'preview') this.preview = result.value;
  }

  #goTo(step: ServicesStep): void {
    this.problem = null;
    this.step = step;
    this.requestFocus('step');
  }

  #fail(problem: OrderProblem): void {
    this.problem = problem;
    this.requestFocus('problem');
  }
}
