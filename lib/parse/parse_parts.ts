/**
 * The decoder's public entry: `parseParts(input)` is an async iterator of the
 * parts of a multipart push (`multipart/x-mixed-replace`, `multipart/mixed`,
 * any `multipart/*`), yielding each part as soon as its delimiter arrives.
 *
 * @module
 */

import { describeValue } from "../shared/describe.ts";
import { abortSignal, optionsObject } from "../shared/checks.ts";
import { openChunkSource, type PartsInput } from "./chunk_source.ts";
import type { PartLimits } from "./assembler.ts";
import { PartIterator } from "./part_iterator.ts";
import type { ReceivedPart } from "./received_part.ts";

/** Options for {@linkcode parseParts}. */
export interface ParsePartsOptions {
  /**
   * The boundary, without the leading `--` the wire adds (`boundary=--x` as
   * cameras send it works too). Required for streams and iterables.
   * @default the `boundary` parameter of the Response's `Content-Type`
   */
  boundary?: string | undefined;
  /**
   * Aborting it stops the iteration with the signal's reason and cancels the input.
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
  /**
   * Longest header block of a part, and longest rest of a boundary line, in bytes.
   * @default 16384
   */
  maxHeaderSize?: number | undefined;
  /**
   * Longest part (header block plus body) in bytes, and longest preamble.
   * @default 16777216 (16 MiB)
   */
  maxPartSize?: number | undefined;
  /**
   * Most parts to read; one more is a `"too-many-parts"` error.
   * @default Infinity
   */
  maxParts?: number | undefined;
}

/**
 * Reads the parts of a multipart stream as they arrive.
 *
 * Each part is yielded as soon as the delimiter after it (`CRLF--boundary`)
 * has arrived, without waiting for later bytes. The final headerless empty
 * part that ends `multipart/x-mixed-replace` pushes (`--B CRLF CRLF --B--`) is
 * a close marker and is not yielded; every other empty part is.
 * `Content-Length` is never used for framing, with one exception: a
 * `multipart/x-mixed-replace` `Response` may end without the close delimiter
 * (cameras, `ffmpeg -f mpjpeg`), and an end right after a complete part (after
 * a delimiter, or after a part whose `Content-Length` is filled) is then a clean
 * end; an end inside a part still throws `truncated`.
 *
 * Leaving the loop (`break`, `return`, an exception) or aborting `signal`
 * cancels the input. The iterator throws `MultipartParseError` on bad bytes,
 * always after yielding every complete part before them.
 *
 * @example Read a camera
 * ```ts
 * import { parseParts } from "multipart-push";
 *
 * const response = await fetch("http://127.0.0.1:8080/mjpeg");
 * for await (const frame of parseParts(response, { maxPartSize: 4 << 20 })) {
 *   console.log(frame.contentType, frame.body.byteLength);
 * }
 * ```
 *
 * @example A GraphQL `@defer` response
 * ```ts
 * import { parseParts } from "multipart-push";
 *
 * const response = await fetch("http://127.0.0.1:4000/graphql", {
 *   method: "POST",
 *   headers: { accept: "multipart/mixed;deferSpec=20220824, application/json" },
 *   body: JSON.stringify({ query: "{ a ... @defer { b } }" }),
 * });
 * for await (const part of parseParts(response)) console.log(part.json());
 * ```
 *
 * @param input A `Response` (its `Content-Type` gives the boundary), or a
 * `ReadableStream<Uint8Array>` / `AsyncIterable<Uint8Array>` with `options.boundary`.
 * @param options See {@linkcode ParsePartsOptions}.
 * @returns An async iterator of {@linkcode ReceivedPart}s.
 * @throws {TypeError|RangeError} at once, on a bad input or option, or a missing boundary.
 */
export function parseParts(
  input: PartsInput,
  options?: ParsePartsOptions,
): AsyncIterableIterator<ReceivedPart> {
  optionsObject(options, "options");
  const signal = abortSignal(options?.signal, "options.signal");
  const limits: PartLimits = {
    maxHeaderSize: limit(options?.maxHeaderSize, 16384, "options.maxHeaderSize"),
    maxPartSize: limit(options?.maxPartSize, 16 * 1024 * 1024, "options.maxPartSize"),
    maxParts: limit(options?.maxParts, Infinity, "options.maxParts"),
  };
  if (options?.boundary !== undefined) checkBoundary(options.boundary);
  const source = openChunkSource(input);
  const boundary = options?.boundary ?? source.boundary;
  if (boundary === null) {
    source.cancel().catch(() => {});
    throw new TypeError(
      "options.boundary is required: input is not a Response with a boundary in its Content-Type",
    );
  }
  if (options?.boundary === undefined) {
    try {
      checkBoundary(boundary);
    } catch (error) {
      source.cancel().catch(() => {});
      throw error;
    }
  }
  // A replace push (a camera) may end without the close delimiter: right after a part is clean.
  const replace = input instanceof Response &&
    /^\s*multipart\/x-mixed-replace/i.test(input.headers.get("content-type") ?? "");
  return new PartIterator(source, boundary, limits, signal, replace);
}

function limit(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !(value === Infinity || Number.isSafeInteger(value))) {
    throw new TypeError(
      `${name} must be a whole number of bytes or parts, got ${describeValue(value)}`,
    );
  }
  if (value < 1) throw new RangeError(`${name} must be at least 1, got ${describeValue(value)}`);
  return value;
}

function checkBoundary(boundary: unknown): void {
  if (typeof boundary !== "string") {
    throw new TypeError(`boundary must be a string, got ${describeValue(boundary)}`);
  }
  if (!/^[\x20-\x7e]{1,256}$/.test(boundary) || boundary.trim() !== boundary) {
    throw new RangeError(
      `boundary must be 1 to 256 printable ASCII characters without outer spaces, got ${
        describeValue(boundary)
      }`,
    );
  }
}
