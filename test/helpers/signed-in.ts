import { openKioskLedger } from './ledger-file.ts';
import { afterEach, expect } from 'vitest';
import { type KioskCore } from '../../electron/core/kiosk-core.ts';
import { simulatedDevices, type SimulatedDevices } from '../../electron/core/devices/simulated-devices.ts';
import type { ChannelName, ChannelOutput } from '../../shared/contract/index.ts';
import type { Result } from '../../shared/errors.ts';
import { JAMES } from './customers.ts';
import { startTestCore } from './demo-ledger.ts';

export { ELENA, JAMES } from './customers.ts';

/** Cores started by a test file, closed after each test. */
export function useCores() {
  const running: KioskCore[] = [];
  afterEach(() => {
    running.splice(0).forEach((c) => c.close());
  });
  return {
    /** A fresh demo ledger with a customer signed in, a read-only view of its database, and the simulated devices; `now` moves the kiosk's clock on from the suite's. */
    async signedIn(who = JAMES, now?: () => Date) {
      let devices: SimulatedDevices | undefined;
      const { core, dataDir } = await startTestCore({}, undefined, now, (dir) => (devices = simulatedDevices(dir, 'instant')));
      running.push(core);
      expect((await core.dispatch('session.signIn', who)).ok).toBe(true);
      const db = openKioskLedger(dataDir, { readonly: true });
      return { core, db, dataDir, devices: devices as SimulatedDevices };
    },
    /** A core started elsewhere, closed with the others. */
    adopt(core: KioskCore) {
      running.push(core);
    },
    async anonymous() {
      const { core } = await startTestCore();
      running.push(core);
      return core;
    },
  };
}

/** A call that must succeed; its value. */
export async function ok<C extends ChannelName>(core: KioskCore, channel: C, input: unknown): Promise<ChannelOutput<C>> {
  const result = (await core.dispatch(channel, input)) as Result<ChannelOutput<C>>;
  if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
  return result.value;
}
