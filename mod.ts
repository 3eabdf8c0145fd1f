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

export { createBoundary } from "./lib/boundary.ts";
export type { PushMode } from "./lib/framing.ts";
export type { Part, PartBody, PartSource } from "./lib/part.ts";
export { isImageLoad, type PushOptions } from "./lib/push_options.ts";
export { pushResponse, type PushResponseOptions } from "./lib/push_response.ts";
export { pushStream } from "./lib/push_stream.ts";

export { PushHub } from "./lib/push_hub.ts";
export type { HubResponseInit, PushHubFromOptions, PushHubOptions } from "./lib/hub_options.ts";
export type { PushHubSource } from "./lib/hub_source.ts";

export {
  refreshHeader,
  refreshMetaTag,
  type RefreshOptions,
  refreshResponse,
} from "./lib/client_pull.ts";

export { parseParts, type ParsePartsOptions } from "./lib/parse_parts.ts";
export type { PartsInput } from "./lib/chunk_source.ts";
export type { ReceivedPart } from "./lib/received_part.ts";
export { MultipartParseError, type MultipartParseErrorCode } from "./lib/multipart_parse_error.ts";
export { boundaryFromContentType } from "./lib/content_type_boundary.ts";
export { relay, type RelayedPart, type RelayOptions } from "./lib/relay.ts";

export { jpegFrames, type JpegFramesOptions } from "./lib/jpeg_frames.ts";
export { type HtmlTarget, pushInto, type PushIntoOptions } from "./lib/html_push_client.ts";
