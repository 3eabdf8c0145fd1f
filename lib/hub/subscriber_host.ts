/**
 * What a `PushHub` subscriber needs from its hub, and its own settings
 * (subscriber.ts).
 *
 * @module
 */

import type { HubFrame } from "./frame.ts";
import type { Wire } from "../push/framing.ts";
import type { ViewerMeter } from "./stats.ts";

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
