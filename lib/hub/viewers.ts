/**
 * The viewers of a `PushHub`: each one (`HubSubscriber`), and the set they
 * report to (`HubSubscribers`), which adds up the bytes held for them and how
 * many wait for a frame, and tells the hub when one starts waiting or the last
 * one leaves. In one file because a viewer's bookkeeping is the set's: each
 * change it makes to what it holds or wants is a change to the set's totals.
 *
 * A subscriber is a pull-based byte stream that holds at most
 * one frame (replace mode, latest wins; with browser framing also the body
 * that fills the part it announced) or at most `maxQueue` frames (mixed mode)
 * until its consumer asks for bytes. Each frame goes out as one chunk, framed
 * by its `PartWriter` (lib/push/framing.ts): in steady state a view of the
 * frame's shared buffer, so one send per viewer per frame and no copy.
 * Its consumer is the body stream's reader, or a sink a server adapter writes
 * straight to its connection (lib/shared/direct_body.ts: `sendResponse` on
 * Node, which skips the per-viewer web stream); either way a chunk goes out
 * only while the consumer takes bytes, and a full one waits for it to ask.
 * Here too: a viewer's settings, and the frames it holds (`HeldFrames`).
 *
 * @module
 */

import type { HubFrame } from "./frame.ts";
import { PartWriter, type Wire } from "../push/framing.ts";
import type { ViewerMeter, ViewerStats } from "./stats.ts";
import { armTimeout } from "./arm_timeout.ts";
import { type BodySink, type BodyTap, offerDirectBody } from "../shared/direct_body.ts";

/** One viewer. The hub calls `offer` on publish and `end` on close or timeouts. */
export class HubSubscriber {
  /** The byte stream for the response body (unread when a sink took it over). */
  readonly stream: ReadableStream<Uint8Array>;
  /** When this subscriber joined (ms since epoch). */
  readonly joinedAt: number;
  /** When a frame was last put in this subscriber's slot or queue. */
  offeredAt: number;
  /** When its consumer last took bytes (or joined). */
  #takenAt: number;
  /**
   * Whether its consumer takes bytes now: a read waits on the stream, or the sink's last write
   * went through (or it drained since).
   */
  #ready = false;
  #viewers: HubSubscribers;
  #config: SubscriberConfig;
  /** Where its chunks go: the stream's controller, or the sink that took the body over. */
  #out!: BodySink;
  /** Whether the opening went out (on the first read, or at the end if none came). */
  #opened = false;
  #done = false;
  /** Frames waiting to be taken, oldest first; replace mode keeps at most one. */
  #held: HeldFrames;
  /** Frames each part for this client, and keeps the body that fills an announced part. */
  #writer: PartWriter<HubFrame>;
  /** Bytes this subscriber counts in the set's `retain`. */
  #charge = 0;
  /** The frame whose body fills the announced part, as counted in the set's `hold`. */
  #fill: HubFrame | undefined;
  #sentAt = -Infinity;
  /** Ready with nothing to send: counted in the set's `demand` until a frame comes. */
  #hungry = false;
  #fpsTimer: ReturnType<typeof setTimeout> | undefined;
  #onAbort = (): void => this.end(false);
  #onGap = (): void => {
    this.#fpsTimer = undefined;
    this.#deliver();
  };

  constructor(viewers: HubSubscribers, config: SubscriberConfig, now: number) {
    this.#viewers = viewers;
    this.#config = config;
    this.joinedAt = now;
    this.offeredAt = now;
    this.#takenAt = now;
    this.#held = new HeldFrames(viewers);
    this.#writer = new PartWriter<HubFrame>(viewers.boundary, config.wire);
    for (const signal of config.signals) signal.addEventListener("abort", this.#onAbort);
    this.stream = new ReadableStream<Uint8Array>({
      // A read takes one chunk; the next read asks again.
      start: (controller) => {
        this.#out = {
          write: (chunk) => (controller.enqueue(chunk), false),
          end: () => controller.close(),
          abort: (error) => controller.error(error),
        };
      },
      pull: () => this.#want(),
      cancel: () => this.#finish(),
    }, { highWaterMark: 0 });
    offerDirectBody(this.stream, (sink) => this.#attach(sink));
  }

  /** Whether a signal had already aborted when the subscriber was created. */
  get aborted(): boolean {
    return this.#config.signals.some((signal) => signal.aborted);
  }

  /** Its figures for `hub.stats()` and the hooks. */
  stats(now: number): ViewerStats {
    return this.#config.meter.stats(this.#charge, now);
  }

  /**
   * Since when its consumer has not asked for bytes (a response never read,
   * a stalled connection); `Infinity` while it asks. The hub breaks it after
   * `idleTimeout`.
   */
  get stalledSince(): number {
    return this.#ready ? Infinity : this.#takenAt;
  }

  /**
   * Hands a frame to the subscriber. Replace mode: it replaces any frame not
   * yet taken. Mixed mode: it is queued; past `maxQueue` the subscriber's
   * stream errors (it lost parts, which a clean end would hide) and what it
   * had not taken is dropped.
   */
  offer(frame: HubFrame, now: number): void {
    if (this.#done) return;
    this.offeredAt = now;
    const held = this.#held;
    if (this.#viewers.maxQueue === Infinity) {
      if (held.length) this.#config.meter.dropped(1); // latest wins: the untaken one is lost
      held.replace(frame);
      this.#writer.refill(frame);
      this.#setFill(this.#writer.filling);
    } else {
      if (held.length >= this.#viewers.maxQueue) {
        this.#config.meter.dropped(held.length + 1);
        const why = `the subscriber fell more than maxQueue (${held.length}) parts behind`;
        return this.fail(new Error(why));
      }
      held.push(frame);
    }
    this.#recount();
    // Only a consumer waiting for a frame is served now: one waiting out its fps gap keeps its
    // timer and takes whatever is held (the latest frame in replace mode) when the gap ends.
    if (this.#hungry) this.#deliver();
  }

  /**
   * Ends cleanly; with `flush`, the frames it holds are sent first. The close
   * is the writer's: with browser framing the announced part is filled with
   * the last body again first (lib/push/framing.ts).
   */
  end(flush: boolean): void {
    if (this.#done) return;
    const held = this.#held.clear();
    const out = this.#out;
    const close = (): void => {
      try {
        for (const chunk of this.#writer.close()) out.write(chunk);
        out.end();
      } catch {
        // The consumer tore the stream down first (some runtimes error a body on disconnect).
      }
    };
    try {
      this.#open();
      if (flush) { for (const frame of held) this.#send(frame, Date.now()); }
    } catch {
      return this.#finish(); // Torn down under us: there is nothing to close.
    }
    this.#finish();
    const wait = this.#writer.closeDelay();
    if (wait > 0) armTimeout(close, wait);
    else close();
  }

  /** Breaks the connection (the client sees an error, not a clean end). */
  fail(error: unknown): void {
    if (this.#done) return;
    this.#finish();
    this.#out.abort(error);
  }

  /** Writes to `sink` from now on instead of the stream, unless the stream was read or it ended. */
  #attach(sink: BodySink): BodyTap | undefined {
    if (this.#done || this.#opened) return undefined;
    this.#out = sink;
    return { ready: () => this.#want(), cancel: () => this.#finish() };
  }

  #finish(): void {
    if (this.#done) return;
    this.#done = true;
    clearTimeout(this.#fpsTimer);
    this.#held.clear();
    this.#setFill(undefined);
    this.#recount();
    for (const signal of this.#config.signals) signal.removeEventListener("abort", this.#onAbort);
    this.#sate();
    this.#viewers.leave(this);
  }

  /** Its consumer takes bytes: the opening first, then what is due. */
  #want(): void {
    this.#ready = true;
    this.#open();
    this.#deliver();
  }

  /** Sends the opening, once, on its own. */
  #open(): void {
    if (this.#opened) return;
    this.#opened = true;
    this.#ready = this.#out.write(this.#writer.open);
  }

  /** Sends held frames while the consumer takes bytes, each after its fps gap. */
  #deliver(): void {
    while (this.#ready && !this.#done) {
      if (this.#held.length === 0) return this.#hunger();
      this.#sate();
      const early = this.#sentAt + this.#config.interval - Date.now();
      if (early > 0) {
        this.#fpsTimer ??= armTimeout(this.#onGap, early);
        return;
      }
      const frame = this.#held.shift()!;
      this.#sentAt = this.#takenAt = Date.now();
      this.#config.meter.sent(this.#sentAt);
      this.#send(frame, this.#sentAt);
      this.#recount();
    }
  }

  /** Sends a frame: one chunk, in the framing of this subscriber's client. */
  #send(frame: HubFrame, now: number): void {
    const chunk = this.#writer.part(frame, now);
    this.#setFill(this.#writer.filling);
    try {
      this.#ready = this.#out.write(chunk);
    } catch {
      this.#finish(); // Torn down under us (Deno errors a body on disconnect): it is gone.
    }
  }

  /** Keeps `frame` (or nothing) to fill the announced part, counting the reference. */
  #setFill(frame: HubFrame | undefined): void {
    const old = this.#fill;
    if (old === frame) return;
    this.#fill = frame;
    if (frame) this.#viewers.hold(frame, 1);
    if (old) this.#viewers.hold(old, -1);
  }

  /** Counts what is not taken yet, and the fill (a held frame's views already include it). */
  #recount(): void {
    const bytes = this.#held.length === 0 ? this.#fill?.body.byteLength ?? 0 : this.#held.bytes;
    this.#viewers.retain(bytes - this.#charge);
    this.#charge = bytes;
  }

  /** Ready with nothing to send: counted as waiting, which may wake a lazy source. */
  #hunger(): void {
    if (this.#hungry) return;
    this.#hungry = true;
    this.#viewers.demand(1);
  }

  /** No longer waiting for a frame; demand drops now, so a source is not over-pulled. */
  #sate(): void {
    if (!this.#hungry) return;
    this.#hungry = false;
    this.#viewers.demand(-1);
  }
}

/**
 * A subscriber's queue (one slot in replace mode).
 *
 * @example
 * ```ts ignore
 * const queue = new HeldFrames(subscribers);
 * queue.push(frame);
 * const next = queue.shift()!;
 * ```
 */
export class HeldFrames {
  /** The size of every frame held. */
  bytes = 0;
  /**
   * The oldest frame, in a field of its own: a replace-mode slot that fills and empties once
   * per frame then never touches an array (whose store V8 frees when emptied and allocates
   * again on the next push: per viewer per frame, in a Node profile at 1,000 viewers).
   */
  #first: HubFrame | undefined;
  /** The frames after it, mixed mode only. */
  #rest: HubFrame[] = [];
  #viewers: HubSubscribers;

  /** `viewers` is told of each reference to a frame taken (`hold(frame, 1)`) or let go (`-1`). */
  constructor(viewers: HubSubscribers) {
    this.#viewers = viewers;
  }

  /** Frames held. */
  get length(): number {
    return this.#first === undefined ? 0 : 1 + this.#rest.length;
  }

  /** Queues `frame`. */
  push(frame: HubFrame): void {
    if (this.#first === undefined) this.#first = frame;
    else this.#rest.push(frame);
    this.bytes += frame.size;
    this.#viewers.hold(frame, 1);
  }

  /** Replace mode: `frame` takes the one slot, letting go of what it held. */
  replace(frame: HubFrame): void {
    this.shift();
    this.push(frame);
  }

  /** Takes the oldest frame out. */
  shift(): HubFrame | undefined {
    const frame = this.#first;
    if (frame) {
      this.#first = this.#rest.shift();
      this.bytes -= frame.size;
      this.#viewers.hold(frame, -1);
    }
    return frame;
  }

  /** Takes every frame out, oldest first. */
  clear(): HubFrame[] {
    const items = this.#first === undefined ? [] : [this.#first, ...this.#rest];
    this.#first = undefined;
    this.#rest = [];
    this.bytes = 0;
    for (const frame of items) this.#viewers.hold(frame, -1);
    return items;
  }
}

/** Per-subscriber settings. */
export interface SubscriberConfig {
  /** The framing for this subscriber's client (lib/push/framing.ts). */
  wire: Wire;
  /** Minimum milliseconds between two frames sent (`1000 / fps`), 0 for no cap. */
  interval: number;
  signals: AbortSignal[];
  /** Its counters, for `hub.stats()`. */
  meter: ViewerMeter;
}

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
 * The hub's subscriber set, which every subscriber reports to.
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
export class HubSubscribers implements Iterable<HubSubscriber> {
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

  /** Bytes held for a subscriber changed by `delta` (a shared frame counts once per subscriber). */
  retain(delta: number): void {
    this.#retained += delta;
  }

  /** A subscriber took (`1`) or let go of (`-1`) a reference to `frame`'s buffer. */
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

  /** The number of subscribers waiting for a new frame changed by `delta`. */
  demand(delta: number): void {
    this.#waiting += delta;
    if (delta > 0) this.#events.wanted();
  }

  /** The subscriber ended; forget it. */
  leave(subscriber: HubSubscriber): void {
    if (!this.#set.delete(subscriber)) return;
    this.#events.left(subscriber);
    if (this.#set.size === 0) this.#events.empty();
  }
}
