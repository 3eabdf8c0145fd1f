/**
 * HTTP server push and client pull on web standards.
 *
 * Server push (`multipart/x-mixed-replace`, Netscape 1995) keeps one response
 * open and sends parts that replace each other: a live picture in an `<img>`
 * with no JavaScript, an MJPEG stream for ffmpeg, VLC or OpenCV.
 * `multipart/mixed` appends parts instead (GraphQL `@defer`/`@stream`).
 * Client pull (`Refresh: N; url=…`) is the fallback where a push can't go.
 * The same code runs on Deno, Bun, Cloudflare Workers and Node.
 *
 * - {@linkcode pushResponse} / {@linkcode pushStream}: the encoder.
 * - {@linkcode PushHub}: one source, many viewers, each frame encoded once.
 * - {@linkcode parseParts}: the streaming decoder; {@linkcode relay} feeds a hub from it.
 * - {@linkcode refreshHeader}, {@linkcode refreshResponse}, {@linkcode refreshMetaTag}: client pull.
 * - {@linkcode jpegFrames}: splits a camera's or ffmpeg's MJPEG byte stream into frames.
 * - {@linkcode pushInto}: in a browser, shows each HTML part of a push in an element.
 * - {@linkcode ingest}: a camera that pushes its frames up from elsewhere, into a hub.
 * - {@linkcode signUrl}, {@linkcode verifySignedUrl}, {@linkcode bearerToken},
 *   {@linkcode corsPolicy}: access control that works with `<img>`.
 * - {@linkcode mjpgStreamerRoutes}: the `?action=stream` / `?action=snapshot` URLs NVRs know.
 *
 * Each concern is also its own entry point, so a bundle takes only what it uses:
 * `multipart-push/push`, `/hub`, `/parse`, `/pull`, `/mjpeg`, `/browser`, `/access`, `/ingest`,
 * `/compat`. Adapters for outside systems are entry points of their own and not re-exported
 * here: `multipart-push/graphql` (GraphQL `@defer`, `@stream` and subscriptions),
 * `multipart-push/bus` (the frame envelope a pub/sub bus carries), `/nats`, `/redis` and
 * `/durable-object` (one camera, viewers on many machines).
 *
 * @example Push a picture into `<img src="/stream">`
 * ```ts ignore
 * import { pushResponse } from "multipart-push";
 *
 * async function* frames() {
 *   for (let i = 0;; i++) {
 *     const svg = `<svg xmlns="http://www.w3.org/2000/svg"><text y="20">${i}</text></svg>`;
 *     yield { contentType: "image/svg+xml", body: svg };
 *     await new Promise((resolve) => setTimeout(resolve, 100));
 *   }
 * }
 * Deno.serve((request) => pushResponse(frames(), { request }));
 * ```
 *
 * @module
 */

export * from "./lib/shared/mod.ts";
export * from "./lib/push/mod.ts";
export * from "./lib/hub/mod.ts";
export * from "./lib/pull/mod.ts";
export * from "./lib/parse/mod.ts";
export * from "./lib/mjpeg/mod.ts";
export * from "./lib/browser/mod.ts";
export * from "./lib/access/mod.ts";
export * from "./lib/ingest/mod.ts";
export * from "./lib/compat/mod.ts";
