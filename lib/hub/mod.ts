/**
 * {@linkcode PushHub}: one source, many viewers. Each frame is encoded once
 * and shared by every viewer's response; a slow viewer skips to the newest
 * frame instead of holding memory.
 *
 * @example A camera for every viewer
 * ```ts ignore
 * import { PushHub } from "multipart-push/hub";
 *
 * async function* camera() {
 *   for (let i = 0;; i++) {
 *     yield { contentType: "text/plain", body: `frame ${i}` };
 *     await new Promise((resolve) => setTimeout(resolve, 100));
 *   }
 * }
 * const hub = PushHub.from(() => camera());
 * Deno.serve((request) => hub.response(request));
 * ```
 *
 * @module
 */

export { PushHub } from "./push_hub.ts";
export type {
  CameraOptions,
  HubResponseInit,
  PushHubFromOptions,
  PushHubOptions,
  SnapshotInit,
} from "./options.ts";
export type { PushHubSource } from "./source.ts";
export type { HubStats, SourceState, ViewerStats } from "./stats.ts";
export type { HeadersInit } from "../shared/web_types.ts";
