/**
 * The encoder: parts in, a multipart push out (`multipart/x-mixed-replace`
 * or `multipart/mixed`), as a `ReadableStream` or a ready `Response`.
 *
 * @example Push a counter into `<img src="/stream">`
 * ```ts ignore
 * import { pushResponse } from "multipart-push/push";
 *
 * async function* frames() {
 *   for (let i = 0;; i++) {
 *     yield { contentType: "image/svg+xml", body: `<svg xmlns="http://www.w3.org/2000/svg"><text y="20">${i}</text></svg>` };
 *     await new Promise((resolve) => setTimeout(resolve, 100));
 *   }
 * }
 * Deno.serve((request) => pushResponse(frames(), { request }));
 * ```
 *
 * @module
 */

export type { PushMode } from "./framing.ts";
export type { Part, PartBody, PartSource } from "./part.ts";
export type { HeadersInit } from "../shared/web_types.ts";
export { asksForMixed, isReplacePush } from "../shared/fetch_framing.ts";
export { isBrowserLoad, type PushOptions } from "./options.ts";
export { pushResponse, type PushResponseOptions } from "./response.ts";
export { pushStream } from "./stream.ts";
