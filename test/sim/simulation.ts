import { keyDirFor } from '../../electron/core/security/key-store.ts';
import { testEnrolment } from '../helpers/ledger-file.ts';
import { cpSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { ChannelName, ChannelOutput } from '../../shared/contract/index.ts';
import type { OrderAction } from '../../shared/domain/order-action.ts';
import type { Result } from '../../shared/errors.ts';
import { Rng } from '../../shared/demo/rng.ts';
import { HubChangeWriter } from '../../hub/ledger/change-writer.ts';
import { issueEnrolmentCode } from '../../hub/security/enrolment.ts';
import type { KioskCore } from '../../electron/core/kiosk-core.ts';
import { paymentFact } from '../helpers/payments.ts';
import { HubProcess } from './hub-process.ts';
import { checkWorld, readHubSnapshot, readKioskSnapshot, type Truth, type WorldSnapshot } from './invariants.ts';
import { SimKiosk } from './kiosk-node.ts';
import { count, SimNetwork, type Delivery, type Message, type Mutation, type Tally } from './network.ts';
import { AS_OF, BRANCH, EPOCH_MS, scratchDir, type BaseWorld, type KioskTemplates, type SimDatabase } from './world.ts';

/** What every seed shares: the hub's database (one PGlite per file), the kiosk ledger templates and the base world. */
export interface SimEnv {
  db: SimDatabase;
  templates: KioskTemplates;
  world: BaseWorld;
}

/** A kiosk or hub deliberately broken, to show that the invariants catch what it does. */
export type Mutant = Mutation<SimKiosk>;

export interface SimOptions {
  seed: number;
  /** Each line of the run as it happens (SIM_SEED prints them); the lines are kept in the result either way. */
  onTrace?: (line: string) => void;
  mutant?: Mutant;
  /** Multiplies every fault's weight (the seed picks one otherwise). */
  chaos?: number;
}

export interface SimResult {
  seed: number;
  trace: string[];
  tally: Tally;
  violations: string[];
  snapshot: WorldSnapshot;
  truth: Truth;
}

/** Steps of misbehaving network before healing: enough for partitions and crashes to overlap with work. */
const STEPS = { min: 30, max: 60 };
const MAX_QUIET_PASSES = 8;

/** How one delivery goes, by weight; faults scaled by the seed's chaos. */
const deliveryWeights: [Delivery, number][] = [
  ['ok', 100],
  ['requestLost', 10],
  ['replyLost', 12],
  ['duplicated', 8],
  ['delayed', 8],
  ['staleReply', 4],
  ['commitThenKioskCrash', 4],
  ['hubCrash', 2],
];

function weighted<T>(rng: Rng, options: readonly (readonly [T, number])[]): T {
  const total = options.reduce((s, [, w]) => s + w, 0);
  let roll = rng.int(1, Math.max(1, Math.round(total * 100))) / 100;
  for (const [value, w] of options) {
    roll -= w;
    if (roll <= 0) return value;
  }
  return (options.at(-1) as readonly [T, number])[0];
}

/** A contract call whose failure is an outcome to record, not a test failure. */
async function attempt<C extends ChannelName>(core: KioskCore, channel: C, input: unknown): Promise<Result<ChannelOutput<C>>> {
  return (await core.dispatch(channel, input)) as Result<ChannelOutput<C>>;
}

/** One seed: a small world, a scripted stretch of misbehaviour, healing, and the invariants. */
export async function runSeed(env: SimEnv, options: SimOptions): Promise<SimResult> {
  const { seed } = options;
  const rng = new Rng(seed);
  const lines: string[] = [];
  let clock = EPOCH_MS;
  const now = () => new Date(clock);
  const stamp = () => `t+${new Date(clock - EPOCH_MS).toISOString().slice(11, 19)}`;
  const trace = (line: string) => {
    lines.push(line);
    options.onTrace?.(line);
  };
  const tally: Tally = new Map();
  const truth: Truth = { payments: {}, requests: {}, bankPayments: {} };
  const violations: string[] = [];
  const chaos = options.chaos ?? rng.pick([0.5, 1, 1, 2]);
  let healing = false;

  await env.db.reset();
  const hub = new HubProcess(() => env.db.connect(), now);
  await hub.start();
  const network = new SimNetwork<SimKiosk>(hub, tally, trace, options.mutant);
  const root = scratchDir(`onebill-sim-${seed}-`);
  const kiosks: SimKiosk[] = [];
  const branchCustomers = env.world.customers.filter((c) => c.branchId === BRANCH);

  try {
    const kioskCount = rng.int(2, 4);
    trace(`seed ${seed}: ${kioskCount} kiosks, chaos ×${chaos}, world as of ${AS_OF}`);
    for (let i = 1; i <= kioskCount; i++) {
      const name = `K${i}`;
      const { code } = await issueEnrolmentCode(hub.db, { branchId: BRANCH, now: now() });
      // Most kiosks start as a replica at the feed's head; now and then one is new and pulls the branch through the faults.
      const fresh = rng.chance(15);
      const dataDir = path.join(root, name);
      const template = fresh ? env.templates.empty : env.templates.replica;
      cpSync(template, dataDir, { recursive: true });
      cpSync(keyDirFor(template), keyDirFor(dataDir), { recursive: true });
      const enrolled = await hub.app.inject({ method: 'POST', url: '/sync/v1/enrol', payload: { code, deviceName: `Kiosk ${i}`, ...testEnrolment(dataDir) } });
      if (enrolled.statusCode !== 201) throw new Error(`enrolment of ${name} failed: ${enrolled.body}`);
      const { deviceId, credential } = enrolled.json<{ deviceId: string; credential: string }>();
      const kiosk = new SimKiosk(name, `KIOSK-${i}`, dataDir, credential, deviceId, { network, now, pushBatch: rng.int(1, 4), pullPage: rng.pick([10, 50, 200]) });
      await kiosk.boot();
      kiosks.push(kiosk);
      if (fresh) trace(`${name} is new: it pulls the whole branch`);
    }

    const steps = rng.int(STEPS.min, STEPS.max);
    for (let step = 0; step < steps; step++) {
      clock += rng.int(1, 120) * 1000;
      const idle = kiosks.filter((k) => !k.round);
      const actions: [() => Promise<void>, number][] = [
        [() => customerVisit(rng.pick(kiosks), step), 20],
        [() => hubWrite(step), 5],
        [() => partition(rng.pick(kiosks), step), 2],
        [() => crashKiosk(rng.pick(kiosks), step), 2],
        [() => restartHub(step), 1],
      ];
      if (idle.length > 0) actions.push([() => startRound(rng.pick(idle), step), 16]);
      if (network.inFlight.length > 0) actions.push([() => deliverOne(network.inFlight[rng.int(0, network.inFlight.length - 1)] as Message<SimKiosk>, step), 34]);
      if (network.late.length > 0) actions.push([() => network.deliverLate(rng.int(0, network.late.length - 1), `#${step} ${stamp()}`), 5]);
      await weighted(rng, actions)();
    }

    await heal(steps);
    const snapshot: WorldSnapshot = {
      hub: await readHubSnapshot(
        hub.db,
        BRANCH,
        kiosks.map((k) => k.deviceId),
      ),
      kiosks: await Promise.all(kiosks.map((k) => readKioskSnapshot(k.ledger, { name: k.name, kioskId: k.kioskId, deviceId: k.deviceId }))),
    };
    violations.push(...checkWorld(snapshot, truth));
    for (const d of snapshot.hub.decisions.credit) count(tally, `hq credit decision: ${d.status}`);
    for (const d of snapshot.hub.decisions.orders) count(tally, `hq order decision: ${d.state}`);
    for (const k of snapshot.kiosks) {
      count(tally, 'events pushed', k.outbox.length);
      count(tally, 'credit raises granted offline', Object.keys(k.creditRaises).length);
    }
    return { seed, trace: lines, tally, violations, snapshot, truth };
  } finally {
    for (const k of kiosks) k.shutdown();
    await hub.stop();
    rmSync(root, { recursive: true, force: true });
  }

  async function deliverOne(message: Message<SimKiosk>, step: number, how: Delivery = weighted(rng, scaled())): Promise<void> {
    const kiosk = message.from;
    const settled = kiosk.activity();
    let crashed = false;
    await network.deliver(message, how, step, {
      at: healing ? '  ' : `#${step} ${stamp()}`,
      secondReply: rng.chance(50),
      crashSender: async () => {
        crashed = true;
        trace(`   ${kiosk.name} dies before it reads the reply`);
        await kiosk.crash(false);
      },
    });
    if (!crashed) await settled;
    if (!kiosk.round && kiosk.lastRound) trace(`   ${kiosk.name} round ${kiosk.lastRound.ok ? `done: pushed ${kiosk.lastRound.pushed}, pulled ${kiosk.lastRound.pulled}` : `failed: ${kiosk.lastRound.error}`}`);
  }

  function scaled(): [Delivery, number][] {
    return deliveryWeights.map(([how, w]) => [how, how === 'ok' ? w : w * chaos]);
  }

  async function startRound(kiosk: SimKiosk, step: number): Promise<void> {
    trace(`#${step} ${stamp()} ${kiosk.name} starts a sync round`);
    count(tally, 'sync rounds');
    kiosk.startRound();
  }

  async function partition(kiosk: SimKiosk, step: number): Promise<void> {
    const until = step + rng.int(3, 20);
    trace(`#${step} ${stamp()} ${kiosk.name} is cut off until step ${until}`);
    count(tally, 'partition');
    network.partition(kiosk.name, until);
  }

  async function crashKiosk(kiosk: SimKiosk, step: number): Promise<void> {
    const onWire = rng.chance(50);
    trace(`#${step} ${stamp()} ${kiosk.name} crashes${kiosk.round ? ` mid-round${onWire ? ' (its request is on the wire)' : ''}` : ''} and restarts`);
    count(tally, 'kioskCrash');
    await kiosk.crash(onWire);
  }

  async function restartHub(step: number): Promise<void> {
    trace(`#${step} ${stamp()} the hub restarts`);
    count(tally, 'hubRestart');
    await hub.restart();
  }

  /** Headquarters' own writes while kiosks work: a bank transfer, a credit limit changed by staff, a customer's new name. */
  async function hubWrite(step: number): Promise<void> {
    const customer = rng.pick(env.world.customers);
    const what = rng.pick(['bankPayment', 'bankPayment', 'creditLimit', 'rename'] as const);
    count(tally, `hq ${what}`);
    const writer = new HubChangeWriter(hub.db);
    if (what === 'bankPayment') {
      const amountMinor = rng.int(5, 400) * 100;
      const id = rng.id(now().toISOString());
      await writer.write([paymentFact(customer.accountId, amountMinor, { channel: 'bank', method: 'bankTransfer', cash: 'bank', origin: 'hub', occurredAt: now().toISOString(), id })]);
      truth.bankPayments[id] = { amountMinor, branchId: customer.branchId };
      trace(`#${step} ${stamp()} HQ records a bank transfer of ${amountMinor} for ${customer.accountNo} (${customer.branchId})`);
    } else if (what === 'creditLimit') {
      const account = env.world.accounts.get(customer.accountId);
      if (!account) throw new Error(`no account ${customer.accountId}`);
      const creditLimitMinor = rng.int(5, 80) * 1000;
      await writer.write([{ ...account, creditLimitMinor }]);
      trace(`#${step} ${stamp()} HQ sets ${customer.accountNo}'s credit limit to ${creditLimitMinor}`);
    } else {
      const person = env.world.people.get(customer.customerId);
      if (!person) throw new Error(`no customer for ${customer.accountId}`);
      const name = `${person.name.split(' ')[0]} ${rng.pick(['García', 'Smith', 'Haddad', 'Rossi'])}`;
      await writer.write([{ ...person, name }]);
      trace(`#${step} ${stamp()} HQ renames ${customer.accountNo}'s holder to ${name}`);
    }
  }

  /** A customer at a kiosk: signs in, does one thing (pay, ask for credit, order, call staff), signs out. */
  async function customerVisit(kiosk: SimKiosk, step: number): Promise<void> {
    const { core } = kiosk;
    // Now and then someone of another branch tries: this kiosk must not know them.
    const customer = rng.chance(3) ? rng.pick(env.world.customers) : rng.pick(branchCustomers);
    const head = `#${step} ${stamp()} ${kiosk.name} ${customer.accountNo}`;
    if (customer.branchId === BRANCH && !kiosk.holds(customer.accountId)) {
      // A new kiosk that has not pulled this customer yet: the customer would be refused (after a deliberately slow PIN check, skipped here).
      trace(`${head} is not on this kiosk yet`);
      count(tally, 'visit before the branch was pulled');
      return;
    }
    const signIn = await attempt(core, 'session.signIn', { identifier: customer.accountNo, pin: customer.pin });
    if (!signIn.ok) {
      trace(`${head} cannot sign in: ${signIn.error.code}`);
      if (customer.branchId === BRANCH) throw new Error(`${head}: a customer of the branch cannot sign in: ${signIn.error.message}`);
      count(tally, 'sign-in of another branch refused');
      return;
    }
    if (customer.branchId !== BRANCH) violations.push(`${kiosk.name} signed in ${customer.accountNo}, a customer of another branch`);
    try {
      const what = weighted(rng, [
        ['pay', 50],
        ['credit', 18],
        ['order', 17],
        ['help', 15],
      ] as const);
      count(tally, `visit ${what}`);
      if (what === 'pay') await pay(kiosk, head);
      else if (what === 'credit') await askCredit(kiosk, head);
      else if (what === 'order') await order(kiosk, head);
      else {
        const called = await attempt(core, 'help.call', { screen: rng.pick(['overview', 'pay', 'services', 'credit']) });
        if (!called.ok) throw new Error(`${head}: help.call failed: ${called.error.message}`);
        truth.requests[called.value.requestId] = { kiosk: kiosk.name, type: 'assist.requested' };
        trace(`${head} calls staff`);
      }
    } finally {
      await attempt(core, 'session.signOut', {});
    }
  }

  async function pay(kiosk: SimKiosk, head: string): Promise<void> {
    const method = rng.chance(70) ? 'card' : 'cash';
    let amountMinor = rng.int(1, 300) * 100 + rng.int(0, 99);
    // The devices' scripted paths (declined, nobody there, cancelled, link lost, approved but the answer lost) by the amount's last digits.
    if (rng.chance(15)) amountMinor = Math.floor(amountMinor / 100) * 100 + rng.pick([13, 14, 15, 16, 17]);
    let billNo: string | null = null;
    if (rng.chance(25)) {
      const quote = await attempt(kiosk.core, 'payment.quote', {});
      if (quote.ok && quote.value.openBills.length > 0) billNo = rng.pick(quote.value.openBills).billNo;
    }
    const requestId = rng.id(now().toISOString());
    const leftPending = method === 'card' && amountMinor % 100 === 17 && rng.chance(50);
    if (leftPending) kiosk.lostLookups.add(requestId);
    const input = { requestId, amountMinor, billNo, method, language: 'en' };
    const result = await attempt(kiosk.core, 'payment.start', input);
    if (!result.ok) throw new Error(`${head}: payment.start failed: ${result.error.code} ${result.error.message}`);
    const { status, amountTaken } = result.value;
    if (amountTaken.amountMinor > 0) truth.payments[requestId] = { kiosk: kiosk.name, amountMinor: amountTaken.amountMinor };
    if (status === 'pending') {
      // The terminal approved it (…17); the kiosk settles it when it can ask the terminal again, after a restart.
      truth.payments[requestId] = { kiosk: kiosk.name, amountMinor };
      count(tally, 'paymentLeftPending');
    }
    trace(`${head} pays ${amountMinor} by ${method}${billNo ? ` for ${billNo}` : ''}: ${status}, taken ${amountTaken.amountMinor}`);
    if (rng.chance(10)) {
      // The screen retries with the same request id (its answer was lost): the same payment, never a second one.
      const again = await attempt(kiosk.core, 'payment.start', input);
      count(tally, 'payment retried by the screen');
      if (!again.ok || again.value.status !== status || again.value.amountTaken.amountMinor !== amountTaken.amountMinor) {
        violations.push(`${kiosk.name}: retrying payment ${requestId} answered ${JSON.stringify(again)} after ${status}/${amountTaken.amountMinor}`);
      }
    }
  }

  async function askCredit(kiosk: SimKiosk, head: string): Promise<void> {
    const status = await attempt(kiosk.core, 'credit.status', {});
    if (!status.ok) throw new Error(`${head}: credit.status failed: ${status.error.message}`);
    const requestedLimitMinor = status.value.creditLimit.amountMinor + rng.int(1, 40) * 500;
    const requestId = rng.id(now().toISOString());
    const decided = await attempt(kiosk.core, 'credit.request', { requestId, requestedLimitMinor });
    if (!decided.ok) {
      trace(`${head} asks for a limit of ${requestedLimitMinor}: ${decided.error.code}`);
      return;
    }
    truth.requests[requestId] = { kiosk: kiosk.name, type: 'credit.requested' };
    trace(`${head} asks for a limit of ${requestedLimitMinor}: ${decided.value.decision}, limit now ${decided.value.creditLimit.amountMinor}`);
  }

  async function order(kiosk: SimKiosk, head: string): Promise<void> {
    const catalog = await attempt(kiosk.core, 'services.catalog', {});
    if (!catalog.ok) throw new Error(`${head}: services.catalog failed: ${catalog.error.message}`);
    const offering = rng.pick(catalog.value.offerings);
    const parent = offering.category === 'plan' ? null : offering.addOnToProductIds.length > 0 ? rng.pick(offering.addOnToProductIds) : undefined;
    if (parent === undefined) {
      trace(`${head} looks at ${offering.id} (nothing to add it to)`);
      return;
    }
    const action: OrderAction = { action: 'add', offeringId: offering.id, parentProductId: parent };
    const requestId = rng.id(now().toISOString());
    const placed = await attempt(kiosk.core, 'order.submit', { requestId, order: action });
    if (!placed.ok) {
      trace(`${head} orders ${offering.id}: ${placed.error.code}`);
      return;
    }
    truth.requests[requestId] = { kiosk: kiosk.name, type: 'order.submitted' };
    trace(`${head} orders ${offering.id}: ${placed.value.state}`);
  }

  /**
   * The network heals: partitions end, everything on the wire arrives, kiosks with payments left
   * open restart (start-up reconciles them with the terminal), then every kiosk syncs until a whole
   * pass moves nothing.
   */
  async function heal(step: number): Promise<void> {
    trace(`#${step} ${stamp()} the network heals`);
    healing = true;
    network.healPartitions();
    while (network.inFlight.length > 0) await deliverOne(network.inFlight[0] as Message<SimKiosk>, step, 'ok');
    while (network.late.length > 0) await network.deliverLate(0, '  ');
    for (const kiosk of kiosks) {
      if (kiosk.pendingIntents() === 0) continue;
      trace(`   ${kiosk.name} restarts to settle ${kiosk.pendingIntents()} open payments with its terminal`);
      count(tally, 'restart to reconcile');
      await kiosk.crash(false);
    }
    for (let pass = 1; pass <= MAX_QUIET_PASSES; pass++) {
      let quiet = true;
      for (const kiosk of kiosks) {
        kiosk.startRound();
        while (network.pendingFor(kiosk).length > 0) await deliverOne(network.pendingFor(kiosk)[0] as Message<SimKiosk>, step, 'ok');
        const last = kiosk.lastRound;
        if (!last?.ok || last.pushed > 0 || last.pulled > 0) quiet = false;
      }
      if (quiet) return;
    }
    violations.push(`the kiosks were still syncing after ${MAX_QUIET_PASSES} healed passes: ${kiosks.map((k) => `${k.name} ${JSON.stringify(k.lastRound)}`).join('; ')}`);
  }
}
