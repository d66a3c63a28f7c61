import { z } from 'zod';
import { dateInZone, type CalendarDate } from '../../shared/calendar.ts';
import type { HubQueryable } from '../db/hub-db.ts';

/**
 * A branch's offline allowance: how far its kiosks may raise credit limits on their own while
 * headquarters cannot decide (docs/architecture.md §4, like a card terminal's floor limit). Per request it
 * matches the kiosk's default setting (`credit.offlineAllowanceMinor`, 10 000); per day it caps
 * what all the branch's kiosks together may grant on one calendar day of the branch.
 */
export const DEFAULT_OFFLINE_ALLOWANCE = { perRequestMinor: 10_000, perDayMinor: 50_000 } as const;

export interface OfflineAllowance {
  perRequestMinor: number;
  perDayMinor: number;
}

/** The branch's allowance: its own row, or the defaults. */
export async function branchAllowance(q: HubQueryable, branchId: string): Promise<OfflineAllowance> {
  const [row] = await q.query<{ per_request_minor: number; per_day_minor: number }>(
    'SELECT per_request_minor, per_day_minor FROM branch_offline_allowances WHERE branch_id = $1',
    [branchId],
  );
  return row ? { perRequestMinor: row.per_request_minor, perDayMinor: row.per_day_minor } : { ...DEFAULT_OFFLINE_ALLOWANCE };
}

/** What the branch's kiosks granted on their own on `day`, before this one. */
export async function usedOn(q: HubQueryable, branchId: string, day: CalendarDate): Promise<number> {
  const [row] = await q.query<{ used: number }>('SELECT coalesce(sum(amount_minor), 0)::bigint AS used FROM offline_approvals WHERE branch_id = $1 AND business_day = $2', [
    branchId,
    day,
  ]);
  return row?.used ?? 0;
}

export const OfflineApprovalLine = z.object({
  requestId: z.string(),
  deviceId: z.string(),
  accountId: z.string(),
  day: z.string(),
  previousLimitMinor: z.number().int(),
  grantedLimitMinor: z.number().int(),
  amountMinor: z.number().int(),
  usedBeforeMinor: z.number().int(),
  withinAllowance: z.boolean(),
  engineAgrees: z.boolean(),
  outcome: z.enum(['agreed', 'keptForReview', 'reduced']),
  centralDecision: z.enum(['approve', 'refer', 'decline']),
  centralLimitMinor: z.number().int(),
  recordedAt: z.string(),
});
export type OfflineApprovalLine = z.infer<typeof OfflineApprovalLine>;

export const BranchAllowanceReport = z.object({
  branchId: z.string(),
  name: z.string(),
  currency: z.string(),
  /** The branch's calendar day now. */
  today: z.string(),
  perRequestMinor: z.number().int(),
  perDayMinor: z.number().int(),
  /** True when the branch has no row of its own. */
  isDefault: z.boolean(),
  usedTodayMinor: z.number().int(),
  /** Per day with offline approvals, newest first. */
  days: z.array(z.object({ day: z.string(), usedMinor: z.number().int(), approvals: z.number().int(), overMinor: z.number().int() })),
  /** In the order headquarters counted them. */
  approvals: z.array(OfflineApprovalLine),
  /** The approvals where headquarters did not agree: the engine would not have granted it, or it was beyond the allowance. */
  disagreements: z.array(OfflineApprovalLine),
});
export type BranchAllowanceReport = z.infer<typeof BranchAllowanceReport>;

interface ApprovalRow {
  request_id: string;
  branch_id: string;
  device_id: string;
  account_id: string;
  business_day: string;
  previous_limit_minor: number;
  granted_limit_minor: number;
  amount_minor: number;
  used_before_minor: number;
  within_allowance: boolean;
  engine_agrees: boolean;
  outcome: OfflineApprovalLine['outcome'];
  decision: OfflineApprovalLine['centralDecision'];
  central_limit_minor: number;
  recorded_at: Date;
}

/** Every branch (or one), its allowance, what its kiosks used of it and where headquarters disagreed. */
export async function allowanceReport(q: HubQueryable, options: { branchId?: string | undefined; now: Date }): Promise<BranchAllowanceReport[]> {
  const branches = await q.query<{ id: string; name: string; currency: string; time_zone: string; per_request_minor: number | null; per_day_minor: number | null }>(
    `SELECT b.id, b.name, b.currency, b.time_zone, a.per_request_minor, a.per_day_minor
       FROM branches b LEFT JOIN branch_offline_allowances a ON a.branch_id = b.id
      WHERE $1::text IS NULL OR b.id = $1 ORDER BY b.id`,
    [options.branchId ?? null],
  );
  const rows = await q.query<ApprovalRow & Record<string, unknown>>(
    `SELECT o.*, d.decision FROM offline_approvals o JOIN credit_decisions d ON d.request_id = o.request_id
      WHERE $1::text IS NULL OR o.branch_id = $1 ORDER BY o.seq`,
    [options.branchId ?? null],
  );
  return branches.map((b) => {
    const approvals = rows.filter((r) => r.branch_id === b.id).map(toLine);
    const allowance = b.per_request_minor === null || b.per_day_minor === null ? DEFAULT_OFFLINE_ALLOWANCE : { perRequestMinor: b.per_request_minor, perDayMinor: b.per_day_minor };
    const today = dateInZone(options.now, b.time_zone);
    const byDay = new Map<string, { usedMinor: number; approvals: number }>();
    for (const a of approvals) {
      const day = byDay.get(a.day) ?? { usedMinor: 0, approvals: 0 };
      byDay.set(a.day, { usedMinor: day.usedMinor + a.amountMinor, approvals: day.approvals + 1 });
    }
    const days = [...byDay]
      .sort(([x], [y]) => (x < y ? 1 : -1))
      .map(([day, use]) => ({ day, ...use, overMinor: Math.max(0, use.usedMinor - allowance.perDayMinor) }));
    return {
      branchId: b.id,
      name: b.name,
      currency: b.currency,
      today,
      perRequestMinor: allowance.perRequestMinor,
      perDayMinor: allowance.perDayMinor,
      isDefault: b.per_request_minor === null,
      usedTodayMinor: byDay.get(today)?.usedMinor ?? 0,
      days,
      approvals,
      disagreements: approvals.filter((a) => a.outcome !== 'agreed'),
    };
  });
}

function toLine(r: ApprovalRow): OfflineApprovalLine {
  return {
    requestId: r.request_id,
    deviceId: r.device_id,
    accountId: r.account_id,
    day: r.business_day,
    previousLimitMinor: r.previous_limit_minor,
    grantedLimitMinor: r.granted_limit_minor,
    amountMinor: r.amount_minor,
    usedBeforeMinor: r.used_before_minor,
    withinAllowance: r.within_allowance,
    engineAgrees: r.engine_agrees,
    outcome: r.outcome,
    centralDecision: r.decision,
    centralLimitMinor: r.central_limit_minor,
    recordedAt: r.recorded_at.toISOString(),
  };
}
