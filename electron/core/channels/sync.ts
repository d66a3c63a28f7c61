import type { HandlersFor } from '../ipc/dispatch.ts';
import type { SyncService } from '../sync/sync-service.ts';

/** The link to headquarters, for the badge. */
export function syncChannels(sync: SyncService): HandlersFor<'sync.status'> {
  return {
    'sync.status': () => sync.status(),
  };
}
