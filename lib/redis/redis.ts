/**
 * Redis pub/sub for `PushHub`: one process publishes frames on a channel,
 * every edge serves its viewers from a subscription it holds only while it
 * has viewers. Typed against node-redis v5+ (`redis` on npm) by shape only:
 * nothing is imported.
 *
 * @module
 */

import { checkClient, outagePublisher } from "../bus/adapter.ts";
import { busFrames, type BusFramesOptions, type BusSource } from "../bus/bus_frames.ts";
import { reporter } from "../shared/contained.ts";
import type { Part } from "../push/part.ts";
import { describeValue } from "../shared/describe.ts";

/** The calls of a node-redis client the adapters make. */
export interface RedisClientLike {
  /**
   * `client.publish(channel, message)`. node-redis takes bytes only as a Node
   * `Buffer`, a type this module cannot name without importing Node's, so the
   * message is typed `never` here: `redisPublisher` hands it a `Buffer`.
   */
  publish(channel: string, message: never): Promise<unknown>;
  /** node-redis `client.isReady`: false while the connection is down (frames are dropped then). */
  readonly isReady?: boolean | undefined;
  /** `client.duplicate()`: a new, unconnected client with the same options. */
  duplicate(): RedisSubscriberLike;
}

/** The calls of the subscriber connection `redisFrames` makes with `client.duplicate()`. */
export interface RedisSubscriberLike {
  /** Connects. */
  connect(): Promise<unknown>;
  /** `subscribe(channel, listener, true)`: messages as `Buffer`s. */
  subscribe(
    channel: string,
    listener: (message: Uint8Array, channel: Uint8Array) => unknown,
    bufferMode: true,
  ): Promise<unknown>;
  /** Closes the connection at once (node-redis v5+). */
  destroy(): void;
  /** Error events: a lost connection, or Redis cutting off a slow subscriber. */
  on(event: "error", listener: (error: Error) => void): unknown;
}

/** Options of `redisPublisher`. */
export interface RedisPublisherOptions {
  /**
   * Called once per outage when frames are dropped because the connection
   * is down (node-redis would otherwise queue every one of them), and when a
   * publish fails; the next frame is published as usual.
   * @default {console.error}
   */
  onError?: ((error: unknown) => void) | undefined;
}

type BufferView = { from(buffer: ArrayBufferLike, offset: number, length: number): Uint8Array };

/**
 * A function that publishes each part it is given on `channel`, as a frame
 * envelope (the body is copied once; node-redis gets a `Buffer` view of it).
 * While the client is not ready (reconnecting), frames are dropped rather
 * than queued in its offline queue without bound, and `onError` hears of it
 * once.
 *
 * @example The camera process
 * ```ts ignore
 * import { createClient } from "redis";
 * import { redisPublisher } from "multipart-push/redis";
 *
 * const client = await createClient({ url: "redis://127.0.0.1:6379" }).connect();
 * const publish = redisPublisher(client, "camera.1");
 * for await (const jpeg of camera()) publish({ contentType: "image/jpeg", body: jpeg });
 * ```
 * @throws {TypeError} on a bad `client`, `channel` or option, or where there
 * is no global `Buffer` (and, from the returned function, on a bad part).
 */
export function redisPublisher(
  client: RedisClientLike,
  channel: string,
  options?: RedisPublisherOptions,
): (part: Part) => void {
  checkClient(client, CLIENT, "publish");
  checkChannel(channel);
  // node-redis (v5, v6) throws a TypeError for a plain Uint8Array ("must be of type string |
  // Buffer"); it runs only where Node's Buffer exists (Node, Bun, Deno).
  const buffer = (globalThis as { Buffer?: BufferView | undefined }).Buffer;
  if (!buffer) throw new TypeError("redisPublisher needs Node's Buffer, as node-redis does");
  const { publish, report } = outagePublisher({
    what: `Redis channel ${channel}`,
    isUp: () => client.isReady !== false,
    send: (frame) => {
      const message = buffer.from(frame.buffer, frame.byteOffset, frame.byteLength) as never;
      client.publish(channel, message).catch(report);
    },
  }, options?.onError);
  return publish;
}

/**
 * A `PushHub` source of the frames published on `channel`. Each run of the
 * hub (it has viewers) opens its own subscriber connection with
 * `client.duplicate()` and subscribes; the run's stop (`linger` ms after the
 * last viewer left) unsubscribes and closes it, so an edge without viewers
 * holds neither. node-redis reconnects and resubscribes by itself when the
 * connection drops, including when Redis cuts off a subscriber that fell
 * behind (`client-output-buffer-limit pubsub`): `onError` hears of it, the
 * viewers keep the last frame meanwhile.
 *
 * @example An edge process on Node
 * ```ts ignore
 * import { createClient } from "redis";
 * import { PushHub } from "multipart-push";
 * import { redisFrames } from "multipart-push/redis";
 *
 * const client = await createClient({ url: "redis://127.0.0.1:6379" }).connect();
 * const hub = PushHub.from(redisFrames(client, "camera.1", { onError: console.warn }));
 * ```
 * @throws {TypeError|RangeError} on a bad `client`, `channel` or option.
 */
export function redisFrames(
  client: RedisClientLike,
  channel: string,
  options?: BusFramesOptions,
): BusSource {
  checkClient(client, CLIENT, "duplicate");
  checkChannel(channel);
  const report = reporter(options?.onError);
  return busFrames(async (deliver) => {
    const subscriber = client.duplicate();
    // Without a listener an EventEmitter's "error" would take the process down.
    subscriber.on("error", (error) => {
      report(new Error(`redis subscriber for ${channel}: ${error.message}`, { cause: error }));
    });
    try {
      await subscriber.connect();
      await subscriber.subscribe(channel, (message) => deliver(message), true);
    } catch (error) {
      subscriber.destroy();
      throw error;
    }
    // Closing the connection ends the subscription, and never waits on a connection that is down.
    return () => subscriber.destroy();
  }, options);
}

const CLIENT = "client must be a node-redis client";

function checkChannel(channel: unknown): void {
  if (typeof channel !== "string" || channel === "") {
    throw new TypeError(
      "channel must be a non-empty string, got " +
        describeValue(channel),
    );
  }
}
