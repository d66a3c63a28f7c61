import { z } from 'zod';
import { Instant } from '../domain/time.ts';

/**
 * The link to headquarters as the screens show it. `off`: this kiosk is not enrolled with a hub
 * (demo mode); `stopped`: the hub refused its credential and staff must enrol it again.
 */
export const SyncStatusView = z.object({
  state: z.enum(['off', 'online', 'offline', 'syncing', 'stopped']),
  lastSyncAt: Instant.nullable(),
  /** Facts and requests still to reach headquarters. */
  waiting: z.number().int().nonnegative(),
  /** Changes from headquarters this kiosk could not apply, kept aside. */
  parked: z.number().int().nonnegative(),
});
export type SyncStatusView = z.infer<typeof SyncStatusView>;
