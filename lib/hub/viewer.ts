/**
 * One subscriber of a `PushHub`: a pull-based byte stream that holds at most
 * one frame (replace mode, latest wins; with browser framing also the body
 * that fills the part it announced) or at most `maxQueue` frames (mixed mode)
 * until its consumer asks for bytes. Each frame goes out as one chunk, framed
 * by its `PartWriter` (lib/push/framing.ts): in steady state a view of the
 * frame's shared buffer, so one send per viewer per frame and no copy.
 * Its consumer is the body stream's reader, or a sink a server adapter writes
 * straight to its connection (lib/shared/direct_body.ts: `sendResponse` on
 * Node, which skips the per-viewer web stream); either way a chunk goes out
 * only while the consumer takes bytes, and a full one waits for it to ask.
 * Here too: what a viewer needs from its hub (`SubscriberHost`), its settings,
 * and the frames it holds (`HeldFrames`).
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
  #host: SubscriberHost<HubSubscriber>;
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
  /** Bytes this subscriber counts in the hub's `retain`. */
  #charge = 0;
  /** The frame whose body fills the announced part, as counted in the hub's `hold`. */
  #fill: HubFrame | undefined;
  #sentAt = -Infinity;
  /** Ready with nothing to send: counted in the hub's demand until a frame comes. */
  #hungry = false;
  #fpsTimer: ReturnType<typeof setTimeout> | undefined;
  #onAbort = (): void => this.end(false);
  #onGap = (): void => {
    this.#fpsTimer = undefined;
    this.#deliver();
  };

  constructor(host: SubscriberHost<HubSubscriber>, config: SubscriberConfig, now: number) {
    this.#host = host;
    this.#config = config;
    this.joinedAt = now;
    this.offeredAt = now;
    this.#takenAt = now;
    this.#held = new HeldFrames((frame, delta) => host.hold(frame, delta));
    this.#writer = new PartWriter<HubFrame>(host.boundary, config.wire);
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
    if (this.#host.maxQueue === Infinity) {
      if (held.length) this.#config.meter.dropped(1); // latest wins: the untaken one is lost
      held.replace(frame);
      this.#writer.refill(frame);
      this.#setFill(this.#writer.filling);
    } else {
      if (held.length >= this.#host.maxQueue) {
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
    this.#host.leave(this);
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
    if (frame) this.#host.hold(frame, 1);
    if (old) this.#host.hold(old, -1);
  }

  /** Counts what is not taken yet, and the fill (a held frame's views already include it). */
  #recount(): void {
    const bytes = this.#held.length === 0 ? this.#fill?.body.byteLength ?? 0 : this.#held.bytes;
    this.#host.retain(bytes - this.#charge);
    this.#charge = bytes;
  }

  /** Ready with nothing to send: counted as waiting, which may wake a lazy source. */
  #hunger(): void {
    if (this.#hungry) return;
    this.#hungry = true;
    this.#host.demand(1);
  }

  /** No longer waiting for a frame; demand drops now, so a source is not over-pulled. */
  #sate(): void {
    if (!this.#hungry) return;
    this.#hungry = false;
    this.#host.demand(-1);
  }
}

/**
 * A subscriber's queue (one slot in replace mode).
 *
 * @example
 * ```ts ignore
 * const queue = new HeldFrames((frame, delta) => hub.hold(frame, delta));
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
  #hold: (frame: HubFrame, delta: 1 | -1) => void;

  /** `hold` is told of each reference to a frame taken (`1`) or let go (`-1`). */
  constructor(hold: (frame: HubFrame, delta: 1 | -1) => void) {
    this.#hold = hold;
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
    this.#hold(frame, 1);
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
      this.#hold(frame, -1);
    }
    return frame;
  }

  /** Takes every frame out, oldest first. */
  clear(): HubFrame[] {
    const items = this.#first === undefined ? [] : [this.#first, ...this.#rest];
    this.#first = undefined;
    this.#rest = [];
    this.bytes = 0;
    for (const frame of items) this.#hold(frame, -1);
    return items;
  }
}

/**
 * What a subscriber needs from its hub. `S` is the subscriber's own type
 * (`HubSubscriber`), a parameter so that this file needs no import of it.
 */
export interface SubscriberHost<S> {
  /** The boundary of every subscriber's push. */
  boundary: string;
  /** `Infinity` in replace mode: one slot, latest wins. */
  maxQueue: number;
  /** Bytes held for this subscriber changed by `delta` (a shared frame counts once per subscriber). */
  retain(delta: number): void;
  /** This subscriber took (`1`) or let go of (`-1`) a reference to `frame`'s buffer. */
  hold(frame: HubFrame, delta: 1 | -1): void;
  /** The number of subscribers waiting for a new frame changed by `delta`. */
  demand(delta: number): void;
  /** The subscriber ended; forget it. */
  leave(subscriber: S): void;
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
