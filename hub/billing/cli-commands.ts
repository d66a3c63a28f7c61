import { statSync } from 'node:fs';
import { say, sayError } from '../runtime/terminal.ts';
import { KioskError } from '../../shared/errors.ts';
import { parseCycle } from './bill-run.ts';
import type { BillingCommands, Progress } from './operator.ts';
import { billRunExitCode, billRunReportText, importExitCode, importReportText } from './report-text.ts';

/**
 * `import-usage` and `bill-run` on the command line. Exit codes: 0 all done; 1 some rows rejected or
 * some accounts not billed (reported); 2 refused before anything changed (bad arguments, a missing
 * file, a file whose header is not valid).
 */
export type WithCommands = <T>(run: (commands: BillingCommands) => Promise<T>) => Promise<T>;

export async function importUsageCommand(file: string, withCommands: WithCommands): Promise<number> {
  if (!statSync(file, { throwIfNoEntry: false })?.isFile()) return refuse(`There is no file ${file}.`);
  return refusedOnValidation(async () => {
    const report = await withCommands((c) => c.importUsage(file));
    say(importReportText(report));
    return importExitCode(report);
  });
}

export async function billRunCommand(cycle: string | undefined, withCommands: WithCommands): Promise<number> {
  return refusedOnValidation(async () => {
    const month = parseCycle(cycle);
    const report = await withCommands((c) => c.billRun(month, progress()));
    if (process.stderr.isTTY) process.stderr.write('\n');
    say(billRunReportText(report));
    return billRunExitCode(report);
  });
}

/** A line on the terminal that follows the run (nothing when stderr is not a terminal). */
function progress(): Progress | undefined {
  if (!process.stderr.isTTY) return undefined;
  return ({ accounts, billed }) => process.stderr.write(`\r  ${accounts.toLocaleString('en')} accounts looked at, ${billed.toLocaleString('en')} billed…`);
}

async function refusedOnValidation(run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof KioskError && error.code === 'VALIDATION') return refuse(error.message);
    throw error;
  }
}

function refuse(message: string): number {
  sayError(`${message}\nNothing was changed.`);
  return 2;
}
