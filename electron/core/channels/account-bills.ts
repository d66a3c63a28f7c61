import type { CoreServices } from '../services/core-services.ts';
import { formatBillSummary } from '../devices/bill-summary.ts';
import { isDeviceError } from '../devices/errors.ts';
import { maskAccountNo } from '../devices/receipt.ts';
import type { HandlersFor } from '../ipc/dispatch.ts';

/** What the signed-in customer reads: the account overview, bills (and a bill's summary on paper), daily usage. */
export function accountBillsChannels({
  settings,
  customer,
  today,
  overview,
  bills,
  reader,
  usageDaily,
  devices,
}: Pick<CoreServices, 'settings' | 'customer' | 'today' | 'overview' | 'bills' | 'reader' | 'usageDaily' | 'devices'>): HandlersFor<
  'account.overview' | 'bill.get' | 'bill.history' | 'bill.print' | 'usage.daily'
> {
  return {
    'account.overview': () => overview.get(customer(), today()),
    'bill.get': ({ billNo }) => bills.get(customer(), billNo),
    'bill.history': () => bills.list(customer()),
    'bill.print': async ({ billNo, language }) => {
      const accountId = customer();
      const view = bills.get(accountId, billNo);
      const summary = formatBillSummary(
        view.bill,
        { accountNoMasked: maskAccountNo(reader.account(accountId).accountNo), branchName: settings.branchName, remainingMinor: view.remainingAmount.amountMinor, language },
        devices.printer.width,
      );
      try {
        await devices.printer.printDocument(summary);
      } catch (err) {
        if (isDeviceError(err)) throw err.toKioskError();
        throw err;
      }
      return { printed: true as const };
    },
    'usage.daily': ({ productId }) => usageDaily.get(customer(), productId, today()),
  };
}
