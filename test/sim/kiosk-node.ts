import { kioskKeys } from '../helpers/ledger-file.ts';
import path from 'node:path';
import type { KioskCore } from '../../electron/core/kiosk-core.ts';
import { LEDGER_FILE } from '../../electron/core/kiosk-core.ts';
import { DeviceError } from '../../electron/core/devices/errors.ts';
import type { PaymentTerminal } from '../../electron/core/devices/payment-terminal.ts';
import { simulatedDevices } from '../../electron/core/devices/simulated-devices.ts';
import { ChangeApplier } from '../../electron/core/ledger/apply-changes.ts';
import { openLedger, type Database } from '../../electron/core/ledger/db.ts';
import type { PaymentDevices } from '../../electron/core/devices/payment-devices.ts';
import { OutboxQueue } from '../../electron/core/sync/outbox-queue.ts';
import { PullApplier } from '../../electron/core/sync/pull-applier.ts';
import { SyncEngine, type RoundResult } from '../../electron/core/sync/sync-engine.ts';
import { startTestCore } from '../helpers/demo-ledger.ts';
import type { Endpoint, SimNetwork } from './network.ts';
import { kioskSettings } from './world.ts';

export type LastRound = ({ ok: true } & RoundResult) | { ok: false; error: string } | null;

/**
 * One kiosk: the real core (ledger, payments, credit, orders, help) over its data folder, and a
 * sync engine on its own connection to the same ledger (as the sync worker thread has), driven one
 * round at a time by the scheduler instead of the interval loop. A crash closes both and starts
 * them again from the folder: whatever was only in memory (the round in progress, the session,
 * a device link that was down) is gone.
 */
export class SimKiosk implements Endpoint {
  generation = 0;
  core!: KioskCore;
  engine!: SyncEngine;
  ledger!: Database;
  round: Promise<void> | null = null;
  lastRound: LastRound = null;
  /** Intents whose terminal lookup fails while this incarnation runs (the link to the terminal is down). */
  lostLookups = new Set<string>();
  #waiters: (() => void)[] = [];

  constructor(
    readonly name: string,
    readonly kioskId: string,
    readonly dataDir: string,
    readonly credential: string,
    readonly deviceId: string,
    private readonly deps: { network: SimNetwork<SimKiosk>; now: () => Date; pushBatch: number; pullPage: number },
  ) {}

  async boot(): Promise<void> {
    const lost = this.lostLookups;
    ({ core: this.core } = await startTestCore(kioskSettings(this.kioskId), this.dataDir, this.deps.now, (dir) => devicesLosingLookups(simulatedDevices(dir, 'instant'), lost)));
    this.ledger = await openLedger(path.join(this.dataDir, LEDGER_FILE), kioskKeys(this.dataDir).ledger);
    this.engine = new SyncEngine({
      outbox: new OutboxQueue(this.ledger),
      pull: new PullApplier(this.ledger, new ChangeApplier(this.ledger)),
      transport: this.deps.network.transportFor(this),
      now: this.deps.now,
      pushBatch: this.deps.pushBatch,
      pullPage: this.deps.pullPage,
    });
  }

  /** Dies now; `onWire`: a request it had sent may still reach the hub. Then starts again from its data folder. */
  async crash(onWire: boolean): Promise<void> {
    this.deps.network.abandon(this, onWire);
    this.shutdown();
    this.generation++;
    this.lostLookups = new Set();
    this.round = null;
    this.lastRound = null;
    await this.boot();
  }

  shutdown(): void {
    this.core.close();
    this.ledger.close();
  }

  /** Starts a round unless one is running; it runs as far as its first message and waits there. */
  startRound(): void {
    if (this.round) return;
    const generation = this.generation;
    this.round = this.engine
      .round()
      .then(
        (result) => {
          if (generation === this.generation) this.lastRound = { ok: true, ...result };
        },
        (error: unknown) => {
          if (generation === this.generation) this.lastRound = { ok: false, error: error instanceof Error ? error.message : String(error) };
        },
      )
      .finally(() => {
        if (generation === this.generation) this.round = null;
        this.#notify();
      });
  }

  sent(): void {
    this.#notify();
  }

  /** Resolves when the engine next sends a message or its round ends: the kiosk has done all it can with what it got. */
  activity(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  #notify(): void {
    for (const wake of this.#waiters.splice(0)) wake();
  }

  holds(accountId: string): boolean {
    return this.ledger.prepare('SELECT 1 FROM billing_accounts WHERE id = ?').get(accountId) !== undefined;
  }

  pendingIntents(): number {
    return this.ledger.prepare(`SELECT COUNT(*) FROM payment_intents WHERE status = 'pending'`).pluck().get() as number;
  }
}

/** The simulated devices, with a terminal whose lookups of `lost` intents fail (its link went down after it approved). */
function devicesLosingLookups(devices: PaymentDevices, lost: ReadonlySet<string>): PaymentDevices {
  const real = devices.terminal;
  const terminal: PaymentTerminal = {
    authorize: (request) => real.authorize(request),
    lookup: async (intentId) => {
      if (lost.has(intentId)) throw new DeviceError('terminal', 'disconnected', 'the terminal does not answer');
      return real.lookup(intentId);
    },
    cancel: (intentId) => real.cancel(intentId),
    onProgress: (listener) => real.onProgress(listener),
  };
  return { ...devices, terminal };
}
