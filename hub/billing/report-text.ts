import { oneLine } from '../runtime/terminal.ts';
import type { BillRunReport } from './bill-run.ts';
import type { UsageImportReport } from './usage-import.ts';

/** What `import-usage` and `bill-run` print, and the exit code that goes with it. */

const count = new Intl.NumberFormat('en');
const n = (value: number) => count.format(value);
const pad = (value: number, width = 9) => n(value).padStart(width);

export function money(minor: number, currency: string): string {
  const format = new Intl.NumberFormat('en', { style: 'currency', currency });
  return format.format(minor / 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2));
}

export function importReportText(r: UsageImportReport): string {
  const rate = r.seconds > 0 ? ` (${n(Math.round(r.rows / r.seconds))} rows/s)` : '';
  const lines = [
    `Usage import ${r.importId} of ${oneLine(r.fileName)}: ${n(r.rows)} rows in ${r.seconds.toFixed(1)} s${rate}`,
    `  imported    ${pad(r.imported)}`,
    `  already had ${pad(r.alreadyHad)}`,
    `  rejected    ${pad(r.rejected)}${r.rejected > 0 ? '  (every one is kept in usage_import_rejects with its line)' : ''}`,
  ];
  if (r.firstRejects.length > 0) {
    lines.push(r.rejected > r.firstRejects.length ? `First ${r.firstRejects.length} rejected rows:` : 'Rejected rows:');
    for (const x of r.firstRejects) lines.push(`  line ${x.lineNo}: ${x.code}: ${x.reason}`, `      ${oneLine(x.raw.length > 160 ? `${x.raw.slice(0, 160)}…` : x.raw)}`);
  }
  for (const e of r.earlierImports) lines.push(`The same file was imported before (import ${e.importId}, ${e.startedAt}).`);
  return lines.join('\n');
}

/** 1 when any row was rejected. */
export function importExitCode(r: UsageImportReport): number {
  return r.rejected > 0 ? 1 : 0;
}

export function billRunReportText(r: BillRunReport): string {
  const totals = Object.entries(r.totals);
  const total = totals.length === 0 ? money(0, 'EUR') : totals.map(([currency, minor]) => money(minor, currency)).join(' + ');
  const lines = [
    `Bill run ${r.runId} of cycle ${r.cycle}: ${r.status} in ${r.seconds.toFixed(1)} s, ${n(r.accounts)} accounts looked at`,
    `  billed         ${pad(r.billed)}  total ${total} tax included`,
    `  already billed ${pad(r.alreadyBilled)}`,
    `  not due yet    ${pad(r.notDue)}  (the cycle has not ended yet in the branch's time zone)`,
    `  skipped        ${pad(r.skipped)}  (opened after the cycle, no service in it, or a later cycle already billed)`,
    `  failed         ${pad(r.failed)}${r.failed > 0 ? '  (not billed; see below and bill_run_problems)' : ''}`,
    `  usage billed   ${pad(r.usageBilled)}  records${r.usageRefused > 0 ? `; ${n(r.usageRefused)} refused by the engine and left unbilled` : ''}`,
  ];
  if (r.firstProblems.length > 0) {
    lines.push('Problems (all of them are in bill_run_problems):');
    for (const p of r.firstProblems) lines.push(`  ${p.code}: ${p.usageId ? `usage ${p.usageId}: ` : ''}${p.reason}`);
  }
  if (r.error) lines.push(`The run stopped: ${r.error}`);
  return lines.join('\n');
}

/** 1 when an account could not be billed or the run did not finish. */
export function billRunExitCode(r: BillRunReport): number {
  return r.failed > 0 || r.status !== 'done' ? 1 : 0;
}
