import { formatMoney, money } from '../../shared/money.ts';
import { oneLine, say } from '../runtime/terminal.ts';
import type { BranchAllowanceReport, OfflineApprovalLine } from './allowance.ts';
import type { DecisionCommands } from './operator.ts';
import type { Resolution, SuspenseLine } from './suspense.ts';

/** Runs a command with the operator's commands, against the running hub or the database (hub/cli.ts). */
export type WithCommands = <T>(run: (commands: DecisionCommands) => Promise<T>) => Promise<T>;

export interface DecisionOptions {
  payment?: string | undefined;
  account?: string | undefined;
  by?: string | undefined;
  note?: string | undefined;
  branch?: string | undefined;
  all?: boolean | undefined;
}

export const DECISIONS_USAGE = `  suspense [--all]         list payments held in suspense (--all: resolved ones too)
  suspense apply --payment <id> --account <id> --by <name> --note <text>
                           post a held payment to a billing account
  suspense refund --payment <id> --by <name> --note <text>
                           record that a held payment was given back
  allowance [--branch <id>]
                           each branch's offline allowance, its use and the disagreements`;

const fmt = (minor: number, currency: string) => formatMoney(money(minor, currency), 'en');

/** `suspense …`: the exit code, or null when the arguments do not make a command (the caller prints the usage). */
export async function suspenseCommand(action: string | undefined, o: DecisionOptions, withCommands: WithCommands): Promise<number | null> {
  switch (action ?? 'list') {
    case 'list': {
      const lines = await withCommands((c) => c.suspense({ all: o.all ?? false }));
      if (lines.length === 0) say(o.all ? 'No payment has been held in suspense.' : 'No payments are held in suspense.');
      for (const line of lines) say(suspenseLine(line));
      return 0;
    }
    case 'apply': {
      const { payment, account, by, note } = o;
      if (!payment || !account || by === undefined || note === undefined) return null;
      say(describe(await withCommands((c) => c.applySuspense(payment, { accountId: account, by, note }))));
      return 0;
    }
    case 'refund': {
      const { payment, by, note } = o;
      if (!payment || by === undefined || note === undefined) return null;
      say(describe(await withCommands((c) => c.refundSuspense(payment, { by, note }))));
      return 0;
    }
  }
  return null;
}

/** `allowance [--branch <id>]`. */
export async function allowanceCommand(o: DecisionOptions, withCommands: WithCommands): Promise<number> {
  const reports = await withCommands((c) => c.allowance(o.branch));
  if (reports.length === 0) {
    say(o.branch ? `There is no branch ${o.branch}.` : 'There are no branches.');
    return o.branch ? 1 : 0;
  }
  say(reports.map(allowanceText).join('\n\n'));
  return 0;
}

function suspenseLine(l: SuspenseLine): string {
  const resolved = l.resolution
    ? `${l.resolution.action}${l.resolution.accountId ? ` to ${l.resolution.accountId}` : ''} by ${oneLine(l.resolution.by)} at ${l.resolution.at}: ${oneLine(l.resolution.note)}`
    : 'open';
  return [l.paymentId, fmt(l.amountMinor, l.currency), l.paymentMethod, `taken for ${l.takenForAccountId}`, l.branchId, l.deviceId, l.occurredAt, resolved].join('\t');
}

function describe(r: Resolution): string {
  const amount = fmt(r.amountMinor, r.currency);
  return r.action === 'applied'
    ? `Payment ${r.paymentId} (${amount}) applied to account ${r.accountId ?? ''} as payment ${r.appliedPaymentId ?? ''} (journal entry ${r.entryId ?? ''}) by ${r.by} at ${r.at}.`
    : `Payment ${r.paymentId} (${amount}) refunded by ${r.by} at ${r.at}; nothing was posted (it was never in the ledger).`;
}

function allowanceText(r: BranchAllowanceReport): string {
  const m = (minor: number) => fmt(minor, r.currency);
  const out = [
    `${r.branchId} ${oneLine(r.name)}: offline allowance ${m(r.perRequestMinor)} a request, ${m(r.perDayMinor)} a day${r.isDefault ? ' (default)' : ''}`,
    `  today (${r.today}): used ${m(r.usedTodayMinor)} of ${m(r.perDayMinor)}`,
  ];
  for (const d of r.days) out.push(`  ${d.day}: used ${m(d.usedMinor)} in ${d.approvals} offline approval${d.approvals === 1 ? '' : 's'}${d.overMinor > 0 ? `, ${m(d.overMinor)} over the day's allowance` : ''}`);
  out.push(`  offline approvals: ${r.approvals.length}`);
  for (const a of r.approvals) out.push(`    ${approvalText(a, m)}`);
  out.push(`  disagreements: ${r.disagreements.length}`);
  for (const a of r.disagreements) out.push(`    ${approvalText(a, m)}`);
  return out.join('\n');
}

function approvalText(a: OfflineApprovalLine, m: (minor: number) => string): string {
  const verdict = {
    agreed: 'agreed',
    keptForReview: 'engine disagrees; kept within the allowance, referred for review',
    reduced: 'beyond the allowance; reduced to the central decision',
  }[a.outcome];
  return [
    a.day,
    `request ${a.requestId}`,
    `kiosk ${a.deviceId}`,
    `account ${a.accountId}`,
    `${m(a.previousLimitMinor)} → ${m(a.grantedLimitMinor)} (+${m(a.amountMinor)})`,
    `${a.withinAllowance ? 'within' : 'beyond'} the allowance`,
    `central: ${a.centralDecision}, limit ${m(a.centralLimitMinor)}`,
    verdict,
  ].join('  ');
}
