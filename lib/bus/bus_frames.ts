/**
 * `busFrames`: a `PushHub` source from any pub/sub bus that carries frame
 * envelopes. The NATS and Redis adapters are this plus their client's calls.
 *
 * @module
 */

import type { Part } from "../push/part.ts";
import { decodeFrame } from "./frame_envelope.ts";
import { Mailbox } from "./mailbox.ts";
import { reporter } from "../shared/contained.ts";
import { describeValue } from "../shared/describe.ts";
import { fromOutside } from "../shared/outside_source.ts";

/**
 * Starts one subscription: call `deliver` with each message's bytes, and
 * `fail` if the subscription ends for good (its connection was closed).
 * Returns what stops it.
 */
export type BusSubscribe = (
  deliver: (message: Uint8Array) => void,
  fail: (error: unknown) => void,
) => BusUnsubscribe | Promise<BusUnsubscribe>;

/** Stops a subscription started by a {@linkcode BusSubscribe}. */
export type BusUnsubscribe = () => void | Promise<void>;

/**
 * What `busFrames`, `natsFrames` and `redisFrames` return: a `PushHubSource`
 * that starts one subscription per run of the hub and ends it when the
 * run's signal aborts.
 */
export type BusSource = (signal: AbortSignal) => AsyncIterable<Part>;

/** Options of `busFrames`, `natsFrames` and `redisFrames`. */
export interface BusFramesOptions {
  /**
   * Messages held while the hub is not pulling (no viewer waits for a frame);
   * one more drops the oldest. `1` is latest-wins, right for a replace-mode
   * hub: a message that arrives while every viewer is still sending the last
   * frame replaces the one before it. A few more absorb bursts (every frame
   * reaches fast viewers) but make a lone slow viewer step through stale
   * frames. A mixed-mode hub, which must not skip parts, wants its own
   * `maxQueue` or more.
   * @default {1}
   */
  maxQueue?: number | undefined;
  /**
   * Called with what goes wrong without ending the stream: a message that is
   * not a frame (it is skipped), a lost connection the client reconnects.
   * Pass the hub's `onError` to see it with the hub's own errors.
   * @default {console.error}
   */
  onError?: ((error: unknown) => void) | undefined;
}

/** `BusFramesOptions` after checks and defaults. */
export interface ResolvedBusOptions {
  maxQueue: number;
  report: (error: unknown) => void;
}

/**
 * Checks `BusFramesOptions` and applies the defaults. The returned `report`
 * never throws: a throwing `onError` is not allowed to end a subscription.
 *
 * @example
 * ```ts ignore
 * const { maxQueue, report } = resolveBusOptions({ maxQueue: 4, onError: console.warn });
 * ```
 * @throws {TypeError|RangeError} on a bad option.
 */
export function resolveBusOptions(options: BusFramesOptions | undefined): ResolvedBusOptions {
  if (options !== undefined && (typeof options !== "object" || options === null)) {
    throw new TypeError(
      `options must be an object, got ${describeValue(options)}`,
    );
  }
  const { maxQueue = 1, onError } = options ?? {};
  if (typeof maxQueue !== "number" || !Number.isInteger(maxQueue) || maxQueue < 1) {
    throw new RangeError(
      `options.maxQueue must be an integer >= 1, got ${describeValue(maxQueue)}`,
    );
  }
  const report = reporter(onError);
  return { maxQueue, report };
}

/**
 * A `PushHub` source from a bus: each run (the hub has viewers) starts one
 * subscription and decodes its messages with `decodeFrame`; the run's stop
 * (`linger` ms after the last viewer left) ends it. A message that is not a
 * frame goes to `options.onError`; a frame the hub refuses (a body holding
 * its boundary) goes to the hub's `onError`; both are skipped, so no message
 * fails the run or cuts a viewer off.
 *
 * @example A bus of your own: a WebSocket that carries frame envelopes
 * ```ts ignore
 * import { busFrames, PushHub } from "multipart-push";
 *
 * const hub = PushHub.from(busFrames((deliver, fail) => {
 *   const socket = new WebSocket("wss://bus.example/camera/1");
 *   socket.binaryType = "arraybuffer";
 *   socket.onmessage = (event) => deliver(new Uint8Array(event.data));
 *   socket.onclose = () => fail(new Error("the bus socket closed"));
 *   return () => socket.close();
 * }));
 * ```
 * @throws {TypeError|RangeError} on a bad `subscribe` or option.
 */
export function busFrames(subscribe: BusSubscribe, options?: BusFramesOptions): BusSource {
  if (typeof subscribe !== "function") {
    throw new TypeError(`subscribe must be a function, got ${describeValue(subscribe)}`);
  }
  const config = resolveBusOptions(options);
  // Any client of the bus may publish: a message the hub refuses is reported and skipped.
  return fromOutside((signal: AbortSignal) => frames(subscribe, signal, config));
}

async function* frames(
  subscribe: BusSubscribe,
  signal: AbortSignal,
  { maxQueue, report }: ResolvedBusOptions,
): AsyncGenerator<Part> {
  const mailbox = new Mailbox<Uint8Array>(maxQueue);
  const unsubscribe = await subscribe((m) => mailbox.put(m), (e) => mailbox.fail(e));
  try {
    while (true) {
      const message = await mailbox.take(signal);
      if (message === undefined) return;
      let part: Part;
      try {
        part = decodeFrame(message);
      } catch (error) {
        report(error);
        continue;
      }
      yield part;
    }
  } finally {
    await unsubscribe();
  }
}
