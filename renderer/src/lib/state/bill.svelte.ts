import type { BillView } from '../../../../shared/contract/bills.ts';
import type { BillSummary } from '../../../../shared/contract/schemas.ts';
import type { Language } from '../../../../shared/locales.ts';
import { Journey, type JourneyLoad } from './journey.svelte.ts';

/**
 * The bill journey: the newest bill in full (sections per service, taxes, totals, what changed)
 * and the last twelve bills; choosing one of those shows it. A bill the customer chose asks for
 * focus when it has arrived, so the view can move focus to it.
 */
export class BillJourney extends Journey<'bill'> {
  view = $state<BillView | null>(null);
  history = $state<BillSummary[]>([]);
  historyLoad = $state<JourneyLoad>('idle');
  /** The bill being fetched or shown. */
  selected = $state<string | null>(null);
  /** Printing the summary of the bill shown on the receipt printer. */
  print = $state<'idle' | 'printing' | 'printed' | 'failed'>('idle');

  #seq = 0;

  /** The newest bill and the history, side by side. */
  override async open(): Promise<void> {
    await Promise.all([this.#fetch(undefined), this.loadHistory()]);
  }

  async loadHistory(): Promise<void> {
    this.historyLoad = 'loading';
    const result = await this.api.invoke('bill.history', {});
    if (!result.ok) {
      if (!this.signedOut(result.error)) this.historyLoad = 'error';
      return;
    }
    this.history = result.value.bills;
    this.historyLoad = result.value.bills.length > 0 ? 'ready' : 'empty';
  }

  /** One of the listed bills. */
  async select(billNo: string): Promise<void> {
    if (billNo === this.view?.bill.billNo && this.load === 'ready') {
      this.requestFocus('bill');
      return;
    }
    await this.#fetch(billNo);
    if (this.load === 'ready') this.requestFocus('bill');
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
    const result = await this.api.invoke('bill.print', { billNo, language });
    if (this.view?.bill.billNo !== billNo) return; // another bill is shown now
    if (result.ok) this.print = 'printed';
    else if (!this.signedOut(result.error)) this.print = 'failed';
  }

  async #fetch(billNo: string | undefined): Promise<void> {
    const seq = ++this.#seq;
    this.print = 'idle';
    this.selected = billNo ?? null;
    this.load = 'loading';
    const result = await this.api.invoke('bill.get', billNo === undefined ? {} : { billNo });
    if (seq !== this.#seq) return; // the customer chose another bill meanwhile
    if (result.ok) {
      this.view = result.value;
      this.selected = result.value.bill.billNo;
      this.load = 'ready';
    } else if (!this.signedOut(result.error)) {
      // No bill yet is an answer, not a failure.
      this.load = result.error.code === 'NOT_FOUND' && billNo === undefined ? 'empty' : 'error';
    }
  }
}
