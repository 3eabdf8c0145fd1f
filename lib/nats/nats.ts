/**
 * NATS core for `PushHub`: one process publishes frames on a subject, every
 * edge serves its viewers from a subscription it holds only while it has
 * viewers. Typed against nats.js v3 (`@nats-io/transport-node`,
 * `@nats-io/transport-deno`, `wsconnect`) by shape only: nothing is imported.
 *
 * @module
 */

import { checkClient, outagePublisher } from "../bus/adapter.ts";
import { busFrames, type BusFramesOptions, type BusSource } from "../bus/bus_frames.ts";
import type { Part } from "../push/part.ts";
import { describeValue } from "../shared/describe.ts";

/** The calls of a nats.js `NatsConnection` the adapters make. */
export interface NatsConnectionLike {
  /** nats.js `nc.publish(subject, payload)`. */
  publish(subject: string, payload?: Uint8Array): void;
  /** nats.js `nc.status()`: `disconnect` and `reconnect` events tell the publisher when to drop frames. */
  status?(): AsyncIterable<{ type: string }>;
  /** nats.js `nc.subscribe(subject, { callback })`. */
  subscribe(
    subject: string,
    options?: { callback?: (error: Error | null, message: { data: Uint8Array }) => void },
  ): NatsSubscriptionLike;
}

/** The calls of a nats.js `Subscription` the adapter makes. */
export interface NatsSubscriptionLike {
  /** Stops the subscription. */
  unsubscribe(): void;
  /** Settles when the subscription ends (its error, if any). */
  closed: Promise<void | Error>;
}

/** Options of `natsPublisher`. */
export interface NatsPublisherOptions {
  /**
   * Called once per outage when frames are dropped because the connection
   * is down (nats.js would otherwise queue every one of them).
   * @default {console.error}
   */
  onError?: ((error: unknown) => void) | undefined;
}

/**
 * A function that publishes each part it is given on `subject`, as a frame
 * envelope (the body is copied once). While the connection is down (nats.js
 * reports `disconnect` until `reconnect`), frames are dropped rather than
 * queued in the client without bound, and `onError` hears of it once. Errors
 * of a closed connection come from `nc.publish` itself.
 *
 * @example The camera process
 * ```ts ignore
 * import { connect } from "@nats-io/transport-node";
 * import { natsPublisher } from "multipart-push/nats";
 *
 * const nc = await connect({ servers: "127.0.0.1:4222" });
 * const publish = natsPublisher(nc, "camera.1");
 * for await (const jpeg of camera()) publish({ contentType: "image/jpeg", body: jpeg });
 * ```
 * @throws {TypeError} on a bad `nc` or `subject` (and, from the returned
 * function, on a bad part).
 */
export function natsPublisher(
  nc: NatsConnectionLike,
  subject: string,
  options?: NatsPublisherOptions,
): (part: Part) => void {
  checkClient(nc, NC, "publish");
  checkSubject(subject);
  let connected = true;
  const { publish, report } = outagePublisher({
    what: `NATS subject ${subject}`,
    isUp: () => connected,
    send: (frame) => nc.publish(subject, frame),
  }, options?.onError);
  if (typeof nc.status === "function") {
    (async () => {
      // Ends when the connection closes.
      for await (const { type } of nc.status!()) {
        if (type === "disconnect") connected = false;
        else if (type === "reconnect") connected = true;
      }
    })().catch(report);
  }
  return publish;
}

/**
 * A `PushHub` source of the frames published on `subject`: each run of the
 * hub (it has viewers) subscribes, and its stop (`linger` ms after the last
 * viewer left) unsubscribes. While the connection is down the viewers keep
 * the last frame (the hub's `keepAlive`); nats.js reconnects and resubscribes
 * by itself. If the connection closes for good, the viewers' connections
 * break and the next viewer subscribes again.
 *
 * @example An edge process on Deno
 * ```ts ignore
 * import { connect } from "@nats-io/transport-deno";
 * import { PushHub } from "multipart-push";
 * import { natsFrames } from "multipart-push/nats";
 *
 * const nc = await connect({ servers: "127.0.0.1:4222" });
 * const hub = PushHub.from(natsFrames(nc, "camera.1"), { linger: 2000 });
 * Deno.serve((request) => hub.response(request));
 * ```
 * @throws {TypeError|RangeError} on a bad `nc`, `subject` or option.
 */
export function natsFrames(
  nc: NatsConnectionLike,
  subject: string,
  options?: BusFramesOptions,
): BusSource {
  checkClient(nc, NC, "subscribe");
  checkSubject(subject);
  return busFrames((deliver, fail) => {
    let done = false;
    const subscription = nc.subscribe(subject, {
      callback: (error, message) => error ? fail(error) : deliver(message.data),
    });
    subscription.closed.then((error) => {
      if (!done) fail(error ?? new Error(`the NATS subscription to ${subject} closed`));
    });
    return () => {
      done = true;
      subscription.unsubscribe();
    };
  }, options);
}

const NC = "nc must be a connected nats.js NatsConnection";

function checkSubject(subject: unknown): void {
  if (typeof subject !== "string" || !/^[^\s*>]+$/.test(subject)) {
    throw new TypeError(
      "subject must be a non-empty NATS subject without spaces or wildcards, got " +
        describeValue(subject),
    );
  }
}
