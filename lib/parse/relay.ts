/**
 * Relaying an upstream push (an IP camera, another server's GraphQL stream):
 * every part decoded from it is handed to a publish function, for example a
 * `PushHub`'s, which re-encodes it for any number of clients.
 *
 * @module
 */

import { describeValue } from "../shared/describe.ts";
import type { PartsInput } from "./chunk_source.ts";
import { parseParts, type ParsePartsOptions } from "./parse_parts.ts";
import type { ReceivedPart } from "./received_part.ts";

/** A decoded part shaped like the encoder's `Part`, ready to publish again. */
export interface RelayedPart {
  /** The upstream part's `Content-Type`, or `options.defaultContentType` when it has none or an empty one. */
  contentType: string;
  /** The upstream part's bytes. */
  body: Uint8Array;
  /** The upstream part's other header fields (without Content-Type and Content-Length). */
  headers: Headers;
}

/** Options for {@linkcode relay}: those of `parseParts`, and one more. */
export interface RelayOptions extends ParsePartsOptions {
  /**
   * `Content-Type` for upstream parts that have none, or an empty one.
   * @default "application/octet-stream"
   */
  defaultContentType?: string;
}

/**
 * Reads an upstream multipart push and calls `publish` with each part as soon
 * as it arrives. Header values are handed on as received, one character per
 * byte (Latin-1), and the encoder writes them back as the same bytes. A promise returned by `publish` is awaited before the next
 * part is read, so a slow publisher slows the upstream read instead of
 * buffering. Ends when the upstream closes; a `MultipartParseError` (e.g. the
 * camera went away mid-frame) or an error from `publish` rejects the returned
 * promise and cancels the upstream.
 *
 * The one-liner for a hub is `relay(response, hub.publish.bind(hub))`.
 *
 * @example Fan an IP camera out to many clients
 * ```ts
 * import { relay } from "multipart-push";
 *
 * const frames: { contentType: string; body: Uint8Array }[] = [];
 * const upstream = await fetch("http://127.0.0.1:8081/video.mjpg");
 * const count = await relay(upstream, (part) => void frames.push(part));
 * console.log(`${count} frames relayed`);
 * ```
 *
 * @param input The upstream `Response` (or stream/iterable with `options.boundary`).
 * @param publish Called with each part, in order.
 * @param options See {@linkcode RelayOptions}.
 * @returns The number of parts published.
 * @throws {TypeError|RangeError} at once, on a bad argument.
 */
export function relay(
  input: PartsInput,
  publish: (part: RelayedPart) => unknown,
  options?: RelayOptions,
): Promise<number> {
  if (typeof publish !== "function") {
    throw new TypeError(`publish must be a function, got ${describeValue(publish)}`);
  }
  const fallback = options?.defaultContentType === undefined
    ? "application/octet-stream"
    : options.defaultContentType;
  if (typeof fallback !== "string" || fallback.trim() === "") {
    throw new TypeError(
      `options.defaultContentType must be a non-empty string, got ${describeValue(fallback)}`,
    );
  }
  return pump(parseParts(input, options), publish, fallback);
}

async function pump(
  parts: AsyncIterableIterator<ReceivedPart>,
  publish: (part: RelayedPart) => unknown,
  fallback: string,
): Promise<number> {
  let count = 0;
  for await (const part of parts) {
    const headers = new Headers(part.headers);
    headers.delete("content-type");
    headers.delete("content-length");
    // An empty `Content-Type:` says as little as none, and no encoder takes it.
    const contentType = part.contentType || fallback;
    const result = publish({ contentType, body: part.body, headers });
    if (typeof (result as PromiseLike<unknown> | undefined)?.then === "function") await result;
    count++;
  }
  return count;
}
