import type { EventName, EventPayload } from '../../../shared/contract/index.ts';

type Listener<E extends EventName> = (payload: EventPayload<E>) => void;

/** Typed fan-out of core events to whichever host forwards them to the screens. */
export class EventBus {
  readonly #listeners = new Map<EventName, Set<Listener<never>>>();

  on<E extends EventName>(event: E, listener: Listener<E>): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener as Listener<never>);
    return () => set.delete(listener as Listener<never>);
  }

  /** Subscribes to every event; used by hosts that forward all of them. */
  onAny(listener: <E extends EventName>(event: E, payload: EventPayload<E>) => void, names: readonly EventName[]): () => void {
    const offs = names.map((name) => this.on(name, (payload) => listener(name, payload)));
    return () => offs.forEach((off) => off());
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of this.#listeners.get(event) ?? []) (listener as Listener<E>)(payload);
  }
}
