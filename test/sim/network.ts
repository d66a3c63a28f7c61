import type { OutboxEvent, PullResponse, PushResponse } from '../../shared/sync/protocol.ts';
import { HttpTransport, SyncError, type SyncTransport } from '../../electron/core/sync/transport.ts';
import type { HubProcess } from './hub-process.ts';

/** What can go wrong with one message, or around it. */
export const faultKinds = [
  /** The request never reaches the hub; the kiosk times out. */
  'requestLost',
  /** The hub commits, the reply is lost: the crash between the hub's commit and the kiosk's ack. */
  'replyLost',
  /** The request arrives twice (a retrying proxy); the kiosk reads one of the replies. */
  'duplicated',
  /** The kiosk times out, but the request is still on the wire and reaches the hub later, after newer ones. */
  'delayed',
  /** A delayed copy reaches the hub (its reply goes nowhere). */
  'lateArrival',
  /** The hub handles the request; an older reply of the same kind arrives in place of its own. */
  'staleReply',
  /** The hub commits, then the kiosk dies before reading the reply. */
  'commitThenKioskCrash',
  /** The hub process dies during the request (a push's transaction rolls back) and restarts. */
  'hubCrash',
  /** A message from or to a partitioned kiosk, dropped. */
  'partitionDrop',
  /** A kiosk is cut off for a stretch of steps. */
  'partition',
  /** A kiosk dies at a quiet moment (memory lost, its round abandoned) and starts again from its data folder. */
  'kioskCrash',
  /** The hub process is stopped and started (new connection). */
  'hubRestart',
  /** The card terminal's answer and the kiosk's lookup are both lost: the intent stays open until a restart reconciles it. */
  'paymentLeftPending',
] as const;
export type FaultKind = (typeof faultKinds)[number];

export type Tally = Map<string, number>;
export const count = (tally: Tally, key: string, n = 1) => tally.set(key, (tally.get(key) ?? 0) + n);

export type Call = { kind: 'push'; events: OutboxEvent[]; schemaVersion: number } | { kind: 'pull'; after: number; limit: number };
export type Reply = PushResponse | PullResponse;

/** A deliberately broken kiosk or hub: it rewrites what a kiosk sends, or what the hub answers. */
export interface Mutation<E> {
  request?(call: Call, from: E): Call;
  reply?(reply: Reply, call: Call, from: E): Reply;
}

/** A kiosk as the network sees it: who it is at the hub. */
export interface Endpoint {
  readonly name: string;
  readonly credential: string;
  /** Called after the kiosk's engine sent a message, so the scheduler knows the kiosk is waiting. */
  sent(): void;
}

export interface Message<E extends Endpoint = Endpoint> {
  id: number;
  from: E;
  call: Call;
  resolve(reply: Reply): void;
  reject(error: Error): void;
}

/** How a delivery goes. */
export type Delivery = 'ok' | Extract<FaultKind, 'requestLost' | 'replyLost' | 'duplicated' | 'delayed' | 'staleReply' | 'commitThenKioskCrash' | 'hubCrash'>;

const describe = (call: Call) =>
  call.kind === 'push' ? `push ${call.events[0]?.deviceSeq}…${call.events.at(-1)?.deviceSeq}` : `pull after=${call.after} limit=${call.limit}`;

/**
 * The network between the kiosks' sync engines and the hub, under the scheduler's control: every
 * call an engine makes waits here as a message until the scheduler delivers it (in any order, across
 * kiosks), loses it, duplicates it, holds a copy back for later, or hands back a stale reply. Nothing
 * is timed: a "timeout" is the scheduler deciding the kiosk has waited long enough.
 */
export class SimNetwork<E extends Endpoint> {
  readonly inFlight: Message<E>[] = [];
  /** Copies of requests still on the wire after their sender gave up (delayed, or sent by a kiosk that then died). */
  readonly late: { from: E; call: Call; id: number }[] = [];
  readonly #lastReply = new Map<string, Reply>();
  readonly #partitioned = new Map<string, number>();
  #ids = 0;

  constructor(
    private readonly hub: HubProcess,
    private readonly tally: Tally,
    private readonly trace: (line: string) => void,
    /** For the tests that prove the invariants can fail. */
    private readonly mutation: Mutation<E> = {},
  ) {}

  /** The transport `from`'s engine talks through (a crash abandons what it has in flight: see `abandon`). */
  transportFor(from: E): SyncTransport {
    const send = <R extends Reply>(call: Call) =>
      new Promise<R>((resolve, reject) => {
        this.inFlight.push({ id: ++this.#ids, from, call, resolve: resolve as (r: Reply) => void, reject });
        from.sent();
      });
    return {
      push: (events, schemaVersion) => send<PushResponse>({ kind: 'push', events: structuredClone([...events]), schemaVersion }),
      pull: (after, limit) => send<PullResponse>({ kind: 'pull', after, limit }),
    };
  }

  partition(name: string, untilStep: number): void {
    this.#partitioned.set(name, untilStep);
  }

  isPartitioned(name: string, step: number): boolean {
    return (this.#partitioned.get(name) ?? -1) > step;
  }

  healPartitions(): void {
    this.#partitioned.clear();
  }

  /** This kiosk's messages waiting for delivery (a dead incarnation's were moved to `late` or dropped by `abandon`). */
  pendingFor(from: E): Message<E>[] {
    return this.inFlight.filter((m) => m.from === from);
  }

  /**
   * A kiosk died: its waiting messages will never be answered. Those already on the wire
   * (`onWire`) may still reach the hub.
   */
  abandon(from: E, onWire: boolean): void {
    for (const m of this.pendingFor(from)) {
      this.#take(m);
      if (onWire) this.late.push({ from: m.from, call: m.call, id: m.id });
    }
  }

  #take(message: Message<E>): void {
    this.inFlight.splice(this.inFlight.indexOf(message), 1);
  }

  /**
   * Delivers one message as `how` says and settles the sender's promise (unless its sender died).
   * `crashSender` is called for commitThenKioskCrash, after the hub's reply and before the kiosk reads it;
   * `secondReply` says which of a duplicated request's replies the kiosk reads.
   */
  async deliver(message: Message<E>, how: Delivery, step: number, options: { crashSender: () => Promise<void>; secondReply: boolean; at: string }): Promise<void> {
    this.#take(message);
    const { from, call } = message;
    const label = `${options.at} ${from.name} #${message.id} ${describe(call)}`;
    if (this.isPartitioned(from.name, step)) {
      count(this.tally, 'partitionDrop');
      this.trace(`${label}: dropped (partitioned)`);
      return message.reject(new SyncError('offline', 'no route to the hub (partitioned)'));
    }
    if (how !== 'ok') count(this.tally, how);
    const lost = (why: string) => message.reject(new SyncError('offline', why));
    switch (how) {
      case 'requestLost':
        this.trace(`${label}: request lost`);
        return lost('the request was lost');
      case 'delayed':
        this.late.push({ from, call, id: message.id });
        this.trace(`${label}: delayed (kiosk timed out; a copy is still on the wire)`);
        return lost('the hub did not answer in time');
      case 'hubCrash': {
        if (call.kind === 'push') this.hub.crashBeforeNextCommit();
        const reply = await this.#call(from, call);
        this.trace(`${label}: hub died before answering (${reply instanceof Error ? reply.message : 'a read: nothing to roll back'}); restarting`);
        await this.hub.restart();
        count(this.tally, 'hubRestart');
        return lost('the hub went away');
      }
      default:
        break;
    }
    const reply = await this.#call(from, call);
    if (reply instanceof Error) {
      this.trace(`${label}: ${reply.message}`);
      return message.reject(reply);
    }
    this.trace(`${label}: ${summary(reply)}${how === 'ok' ? '' : ` [${how}]`}`);
    const key = `${from.name}:${call.kind}`;
    const previous = this.#lastReply.get(key);
    this.#lastReply.set(key, reply);
    switch (how) {
      case 'replyLost':
        return lost('the reply was lost');
      case 'commitThenKioskCrash':
        return options.crashSender();
      case 'duplicated': {
        const again = await this.#call(from, call);
        this.trace(`${label} again: ${again instanceof Error ? again.message : summary(again)}`);
        if (again instanceof Error) return message.resolve(reply);
        return message.resolve(options.secondReply ? again : reply);
      }
      case 'staleReply':
        return message.resolve(previous ?? reply);
      default:
        return message.resolve(reply);
    }
  }

  /** A request that was held back reaches the hub now; nobody waits for its reply. */
  async deliverLate(index: number, at: string): Promise<void> {
    const [copy] = this.late.splice(index, 1);
    if (!copy) return;
    count(this.tally, 'lateArrival');
    const reply = await this.#call(copy.from, copy.call);
    this.trace(`${at} ${copy.from.name} #${copy.id} ${describe(copy.call)} arrives late: ${reply instanceof Error ? reply.message : summary(reply)}`);
  }

  /** One request through the kiosk's real HttpTransport (status codes, schema checks) to the running hub. */
  async #call(from: E, original: Call): Promise<Reply | SyncError> {
    const call = this.mutation.request?.(original, from) ?? original;
    const http = new HttpTransport({ baseUrl: 'https://hub.sim', credential: from.credential, timeoutMs: 3_600_000, fetch: this.hub.fetch });
    try {
      const reply = call.kind === 'push' ? await http.push(call.events, call.schemaVersion) : await http.pull(call.after, call.limit);
      return this.mutation.reply?.(reply, call, from) ?? reply;
    } catch (error) {
      if (error instanceof SyncError) return error;
      throw error;
    }
  }
}

function summary(reply: Reply): string {
  if ('results' in reply) {
    const outcomes: Tally = new Map();
    for (const r of reply.results) count(outcomes, r.outcome);
    return `ackedThrough=${reply.ackedThrough} ${[...outcomes].map(([o, n]) => `${o}×${n}`).join(' ')}`.trim();
  }
  return `${reply.changes.length} changes, cursor=${reply.cursor}${reply.hasMore ? ', more' : ''}`;
}
