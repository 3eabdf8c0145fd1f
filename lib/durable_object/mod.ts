/**
 * `multipart-push/durable-object`: one camera, viewers on Cloudflare Workers.
 * A Worker cannot share a hub across requests; a Durable Object can. The
 * camera's object takes the frames; for more viewers than one object can
 * serve, it forwards each frame once to K shard objects and each viewer is
 * routed to a shard. Typed structurally: nothing from Cloudflare is imported.
 *
 * @example
 * ```ts ignore
 * import { durableHub, pushHubObject } from "multipart-push/durable-object";
 *
 * export const PushHubObject = pushHubObject({ binding: "PUSH_HUB" });
 * export default {
 *   async fetch(request: Request, env: { PUSH_HUB: DurableObjectNamespace }) {
 *     const hub = durableHub(env.PUSH_HUB, { shards: 4 });
 *     return hub.view("camera-1", request);
 *   },
 * };
 * ```
 *
 * @module
 */

export { pushHubObject, type PushHubObjectClass, type PushHubObjectOptions } from "./hub_object.ts";
export { type DurableHub, durableHub, type DurableHubOptions } from "./worker_side.ts";
export type { DurableObjectNamespaceLike, DurableObjectStubLike } from "./routes.ts";
export type { HubResponseInit, PushHubFromOptions, PushHubOptions } from "../hub/options.ts";
export type { CameraOptions } from "../hub/options.ts";
export type { ViewerStats } from "../hub/stats.ts";
export type { PushMode } from "../push/framing.ts";
export type { Part, PartBody, PartSource } from "../push/part.ts";
