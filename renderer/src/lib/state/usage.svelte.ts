import type { KioskApi } from '../../../../shared/contract/index.ts';
import type { UsageDaily } from '../../../../shared/contract/bills.ts';
import type { ServiceCard } from '../../../../shared/contract/schemas.ts';
import { Journey, type JourneyOptions } from './journey.svelte.ts';

/** The services whose usage can be shown: those with meters (mobile and fixed lines, metered broadband). */
export function meteredServices(services: readonly ServiceCard[]): ServiceCard[] {
  return services.filter((s) => s.usage.length > 0);
}

/** The usage journey: pick a service, see its meters day by day this cycle against the allowance. */
export class UsageJourney extends Journey<never> {
  readonly services: ServiceCard[];
  selected = $state<string | null>(null);
  daily = $state<UsageDaily | null>(null);
  #seq = 0;

  constructor(api: KioskApi, services: readonly ServiceCard[], options: JourneyOptions) {
    super(api, options);
    this.services = meteredServices(services);
  }

  /** The first metered service, or `productId` when it is one; nothing to load when there is none. */
  override async open(productId?: string): Promise<void> {
    const first = this.services.find((s) => s.id === productId) ?? this.services[0];
    if (!first) {
      this.load = 'empty';
      return;
    }
    await this.select(first.id);
  }

  async select(productId: string): Promise<void> {
    const seq = ++this.#seq;
    this.selected = productId;
    this.load = 'loading';
    const result = await this.api.invoke('usage.daily', { productId });
    if (seq !== this.#seq) return;
    if (result.ok) {
      this.daily = result.value;
      this.load = result.value.meters.length > 0 ? 'ready' : 'empty';
    } else if (!this.signedOut(result.error)) {
      this.daily = null;
      this.load = 'error';
    }
  }

  async retry(): Promise<void> {
    if (this.selected !== null) await this.select(this.selected);
  }
}
