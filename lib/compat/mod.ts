/**
 * Compatibility with the URLs other camera servers taught their clients.
 *
 * @example
 * ```ts
 * import { mjpgStreamerRoutes, PushHub } from "multipart-push";
 *
 * const route = mjpgStreamerRoutes(new PushHub());
 * route(new Request("http://pi:8080/?action=snapshot"))?.status; // 503 until the first frame
 * ```
 *
 * @module
 */

export { type MjpgStreamerHub, mjpgStreamerRoutes } from "./mjpg_streamer.ts";
