/**
 * `multipart-push/redis`: a `PushHub` across processes and machines on Redis
 * pub/sub. Bring your own node-redis v5+ client; this module imports nothing.
 *
 * @example
 * ```ts ignore
 * import { createClient } from "redis";
 * import { PushHub } from "multipart-push";
 * import { redisFrames, redisPublisher } from "multipart-push/redis";
 *
 * const client = await createClient({ url: "redis://127.0.0.1:6379" }).connect();
 * redisPublisher(client, "camera.1")({ contentType: "text/plain", body: "frame" }); // camera
 * const hub = PushHub.from(redisFrames(client, "camera.1")); // edge
 * ```
 *
 * @module
 */

export {
  type RedisClientLike,
  redisFrames,
  redisPublisher,
  type RedisPublisherOptions,
  type RedisSubscriberLike,
} from "./redis.ts";
export type { BusFramesOptions, BusSource } from "../bus/bus_frames.ts";
export type { Part, PartBody, PartSource } from "../push/part.ts";
