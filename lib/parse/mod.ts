/**
 * The decoder: a multipart push (a `Response`, a stream, or bytes) in, parts
 * out as they complete. {@linkcode relay} re-serves a decoded upstream.
 *
 * @example Read an MJPEG camera
 * ```ts ignore
 * import { parseParts } from "multipart-push/parse";
 *
 * for await (const part of parseParts(await fetch("http://camera.local/stream"))) {
 *   console.log(part.contentType, part.body.byteLength);
 * }
 * ```
 *
 * @module
 */

export { parseParts, type ParsePartsOptions } from "./parse_parts.ts";
export type { PartsInput } from "./chunk_source.ts";
export type { ReceivedPart } from "./received_part.ts";
export { MultipartParseError, type MultipartParseErrorCode } from "./errors.ts";
export { boundaryFromContentType } from "./content_type_boundary.ts";
export { relay, type RelayedPart, type RelayOptions } from "./relay.ts";
export type { Connect, ReconnectInfo } from "./relay_reconnect.ts";
