import type { CashAcceptor } from './cash-acceptor.ts';
import type { PaymentTerminal } from './payment-terminal.ts';
import type { ReceiptPrinter } from './receipt-printer.ts';

/** The devices a payment is taken and receipted with: whatever drives them (simulators, real drivers). */
export interface PaymentDevices {
  terminal: PaymentTerminal;
  cash: CashAcceptor;
  printer: ReceiptPrinter;
}
