/**
 * HTTP server push and client pull on web standards.
 *
 * Server push (`multipart/x-mixed-replace`, Netscape 1995) keeps one response
 * open and sends parts that replace each other: a live picture in an `<img>`
 * with no JavaScript, an MJPEG stream for ffmpeg, VLC or OpenCV.
 * `multipart/mixed` appends parts instead (GraphQL `@defer`/`@stream`).
 * The same code runs on Deno, Bun, Cloudflare Workers and Node.
 *
 * @example Push a picture into `<img src="/stream">`
 * ```ts ignore
 * import { pushResponse } from "multipart-push";
 *
 * async function* frames() {
 *   for (let i = 0; ; i++) {
 *     yield { contentType: "image/svg+xml", body: `<svg xmlns="http://www.w3.org/2000/svg"><text y="20">${i}</text></svg>` };
 *     await new Promise((resolve) => setTimeout(resolve, 100));
 *   }
 * }
 * Deno.serve((request) => pushResponse(frames(), { request }));
 * ```
 *
 * @module
 */

export { createBoundary } from "./lib/boundary.ts";
export type { PushMode } from "./lib/framing.ts";
export type { Part, PartBody, PartSource } from "./lib/part.ts";
export { isImageLoad, type PushOptions } from "./lib/push_options.ts";
export { pushResponse, type PushResponseOptions } from "./lib/push_response.ts";
export { pushStream } from "./lib/push_stream.ts";
