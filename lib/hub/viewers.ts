/**
 * The subscribers of a `PushHub` and what they add up to: the bytes held for
 * them, how many wait for a frame, and the loops that reach all of them.
 *
 * @module
 */

import type { HubFrame } from "./frame.ts";
import { HubSubscriber, type SubscriberConfig, type SubscriberHost } from "./viewer.ts";
import type { ViewerStats } from "./stats.ts";

/** What the hub does when the subscribers' state calls for it. */
export interface SubscribersEvents {
  /** A subscriber started waiting for a frame (a lazy source may be pulled). */
  wanted(): void;
  /** The last subscriber left. */
  empty(): void;
  /** A subscriber joined (`add`). */
  joined(subscriber: HubSubscriber): void;
  /** A subscriber left, for whatever reason. */
  left(subscriber: HubSubscriber): void;
}

/**
 * The hub's subscriber set, and the host every subscriber reports to.
 *
 * @example
 * ```ts ignore
 * const subscribers = new HubSubscribers(boundary, Infinity, {
 *   wanted() {},
 *   empty() {},
 *   joined() {},
 *   left() {},
 * });
 * const subscriber = subscribers.join(config, undefined, Date.now());
 * ```
 */
export class HubSubscribers implements SubscriberHost<HubSubscriber>, Iterable<HubSubscriber> {
  readonly boundary: string;
  readonly maxQueue: number;
  #set = new Set<HubSubscriber>();
  #events: SubscribersEvents;
  #retained = 0;
  /** Each frame buffer some subscriber references, with how many references it has. */
  #frames = new Map<HubFrame, number>();
  #real = 0;
  #waiting = 0;

  /** `maxQueue` is `Infinity` in replace mode (one slot, latest wins). */
  constructor(boundary: string, maxQueue: number, events: SubscribersEvents) {
    this.boundary = boundary;
    this.maxQueue = maxQueue;
    this.#events = events;
  }

  /** Subscribers connected now. */
  get size(): number {
    return this.#set.size;
  }

  /** The frame buffers subscribers keep alive, each counted once (see `PushHub.retainedBytes`). */
  get real(): number {
    return this.#real;
  }

  /** Bytes held for subscribers, summed per subscriber (see `PushHub.subscriberBytes`). */
  get retained(): number {
    return this.#retained;
  }

  /** Subscribers waiting for a new frame now. */
  get waiting(): number {
    return this.#waiting;
  }

  [Symbol.iterator](): Iterator<HubSubscriber> {
    return this.#set.values();
  }

  /**
   * Counts a new subscriber in, and hands it `replay` (the latest frame) at
   * once; one whose request had already aborted leaves at once.
   */
  join(config: SubscriberConfig, replay: HubFrame | undefined, now: number): HubSubscriber {
    const subscriber = new HubSubscriber(this, config, now);
    this.#set.add(subscriber);
    this.#events.joined(subscriber);
    if (subscriber.aborted) subscriber.end(false);
    else if (replay) subscriber.offer(replay, now);
    return subscriber;
  }

  /** Each subscriber's figures, in order of arrival. */
  stats(now: number): ViewerStats[] {
    return [...this.#set].map((subscriber) => subscriber.stats(now));
  }

  /** Hands a frame to every subscriber. */
  offer(frame: HubFrame, now: number): void {
    for (const subscriber of this.#set) subscriber.offer(frame, now);
  }

  /** Ends every subscriber cleanly, pending frames first. */
  endAll(): void {
    // A copy: each subscriber leaves the set as it ends.
    for (const subscriber of [...this.#set]) subscriber.end(true);
  }

  /** Breaks every subscriber's connection with `error`. */
  failAll(error: unknown): void {
    for (const subscriber of [...this.#set]) subscriber.fail(error);
  }

  retain(delta: number): void {
    this.#retained += delta;
  }

  hold(frame: HubFrame, delta: 1 | -1): void {
    const count = (this.#frames.get(frame) ?? 0) + delta;
    // A frame is one buffer (frame.ts): any view of it keeps all of it.
    const size = frame.size;
    if (count > 0) {
      if (count === 1 && delta === 1) this.#real += size;
      this.#frames.set(frame, count);
    } else {
      this.#frames.delete(frame);
      this.#real -= size;
    }
  }

  demand(delta: number): void {
    this.#waiting += delta;
    if (delta > 0) this.#events.wanted();
  }

  leave(subscriber: HubSubscriber): void {
    if (!this.#set.delete(subscriber)) return;
    this.#events.left(subscriber);
    if (this.#set.size === 0) this.#events.empty();
  }
}
