import path from 'node:path';
import type { PaymentDevices } from './payment-devices.ts';
import { CashAcceptorSimulator, instantCashDelays, type CashDelays } from './cash-acceptor-simulator.ts';
import { instantTerminalDelays, PaymentTerminalSimulator, type TerminalDelays } from './payment-terminal-simulator.ts';
import { ReceiptPrinterSimulator } from './receipt-printer-simulator.ts';

export interface SimulatedDevices extends PaymentDevices {
  terminal: PaymentTerminalSimulator;
  cash: CashAcceptorSimulator;
  printer: ReceiptPrinterSimulator;
}

/**
 * The kiosk's devices where no hardware is attached (demo, development, tests): each simulator
 * keeps its journal under `<dataDir>/devices`, so a restarted core finds what the devices did.
 * `pace: 'instant'` removes the human delays for tests.
 */
export function simulatedDevices(dataDir: string, pace: 'realistic' | 'instant' = 'realistic'): SimulatedDevices {
  const dir = path.join(dataDir, 'devices');
  const terminalDelays: Partial<TerminalDelays> | undefined = pace === 'instant' ? instantTerminalDelays : undefined;
  const cashDelays: Partial<CashDelays> | undefined = pace === 'instant' ? instantCashDelays : undefined;
  return {
    terminal: new PaymentTerminalSimulator({ dir: path.join(dir, 'terminal'), ...(terminalDelays ? { delays: terminalDelays } : {}) }),
    cash: new CashAcceptorSimulator({ dir: path.join(dir, 'cash'), ...(cashDelays ? { delays: cashDelays } : {}) }),
    printer: new ReceiptPrinterSimulator(pace === 'instant' ? { printMs: 0 } : {}),
  };
}
