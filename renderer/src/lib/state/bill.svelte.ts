import type { KioskApi } from '../../../../shared/contract/index.ts';
import type { BillView } from '../../../../shared/contract/bills.ts';
import type { BillSummary } from '../../../../shared/contract/schemas.ts';
import type { Language } from '../../../../shared/locales.ts';
import { signedOut, type JourneyLoad, type JourneyOptions } from './journey.ts';

/**
 * The bill journey: the newest bill in full (sections per service, taxes, totals, what changed)
 * and the last twelve bills; choosing one of those shows it. `focusRequest` changes when a bill
 * the customer chose has arrived, so the view can move focus to it.
 */
export class BillJourney {
  view = $state<BillView | null>(null);
  load = $state<JourneyLoad>('idle');
  history = $state<BillSummary[]>([]);
  historyLoad = $state<JourneyLoad>('idle');
  /** The bill being fetched or shown. */
  selected = $state<string | null>(null);
  focusRequest = $state(0);
  /** Printing the summary of the bill shown on the receipt printer. */
  print = $state<'idle' | 'printing' | 'printed' | 'failed'>('idle');

  readonly #api: KioskApi;
  readonly #options: JourneyOptions;
  #seq = 0;

  constructor(api: KioskApi, options: JourneyOptions) {
    this.#api = api;
    this.#options = options;
  }

  /** The newest bill and the history, side by side. */
  async open(): Promise<void> {
    await Promise.all([this.#fetch(undefined), this.loadHistory()]);
  }

  async loadHistory(): Promise<void> {
    this.historyLoad = 'loading';
    const result = await this.#api.invoke('bill.history', {});
    if (!result.ok) {
      if (!signedOut(result.error, this.#options)) this.historyLoad = 'error';
      return;
    }
    this.history = result.value.bills;
    this.historyLoad = result.value.bills.length > 0 ? 'ready' : 'empty';
  }

  /** One of the listed bills. */
  async select(billNo: string): Promise<void> {
    if (billNo === this.view?.bill.billNo && this.load === 'ready') {
      this.focusRequest++;
      return;
    }
    await this.#fetch(billNo);
    if (this.load === 'ready') this.focusRequest++;
  }

  /** Try again after an error: the same bill as before (or the newest). */
  async retry(): Promise<void> {
    await this.#fetch(this.selected ?? undefined);
    if (this.historyLoad === 'error') await this.loadHistory();
  }

  /** Prints the summary of the bill shown, in the language on screen. */
  async printSummary(language: Language): Promise<void> {
    const billNo = this.view?.bill.billNo;
    if (!billNo || this.print === 'printing') return;
    this.print = 'printing';
    const result = await this.#api.invoke('bill.print', { billNo, language });
    if (this.view?.bill.billNo !== billNo) return; // another bill is shown now
    if (result.ok) this.print = 'printed';
    else if (!signedOut(result.error, this.#options)) this.print = 'failed';
  }

  async #fetch(billNo: string | undefined): Promise<void> {
    const seq = ++this.#seq;
    this.print = 'idle';
    this.selected = billNo ?? null;
    this.load = 'loading';
    const result = await this.#api.invoke('bill.get', billNo === undefined ? {} : { billNo });
    if (seq !== this.#seq) return; // the customer chose another bill meanwhile
    if (result.ok) {
      this.view = result.value;
      this.selected = result.value.bill.billNo;
      this.load = 'ready';
    } else if (!signedOut(result.error, this.#options)) {
      // No bill yet is an answer, not a failure.
      this.load = result.error.code === 'NOT_FOUND' && billNo === undefined ? 'empty' : 'error';
    }
  }
}
