/**
 * `multipart-push/nats`: a `PushHub` across processes and machines on NATS
 * core. Bring your own nats.js v3 connection; this module imports nothing.
 *
 * @example
 * ```ts ignore
 * import { connect } from "@nats-io/transport-node";
 * import { PushHub } from "multipart-push";
 * import { natsFrames, natsPublisher } from "multipart-push/nats";
 *
 * const nc = await connect({ servers: "127.0.0.1:4222" });
 * natsPublisher(nc, "camera.1")({ contentType: "text/plain", body: "frame" }); // camera
 * const hub = PushHub.from(natsFrames(nc, "camera.1")); // edge
 * ```
 *
 * @module
 */

export {
  type NatsConnectionLike,
  natsFrames,
  natsPublisher,
  type NatsPublisherOptions,
  type NatsSubscriptionLike,
} from "./nats.ts";
export type { BusFramesOptions, BusSource } from "../bus/bus_frames.ts";
export type { Part, PartBody, PartSource } from "../push/part.ts";
