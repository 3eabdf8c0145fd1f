/**
 * The `Part` a source yields, and its translation into what the encoder
 * writes: a header block and a body that is either bytes or a stream.
 *
 * @module
 */

import type { BoundaryGuard } from "./boundary_guard.ts";
import { describeValue } from "../shared/describe.ts";
import type { HeadersInit } from "../shared/web_types.ts";
import { headerLine, partHeaderPairs } from "../shared/header_fields.ts";

/** What a part's body may be. Bytes go out copied once, with their framing, as one chunk. */
export type PartBody =
  | string
  | Uint8Array
  | ArrayBuffer
  | ArrayBufferView
  | Blob
  | ReadableStream<Uint8Array>;

/**
 * One part of a multipart push: a picture, an HTML page, a JSON patch.
 *
 * @example
 * ```ts
 * import type { Part } from "multipart-push";
 *
 * const part: Part = {
 *   contentType: "image/jpeg",
 *   body: new Uint8Array([0xff, 0xd8, 0xff, 0xd9]),
 *   headers: { "X-Frame": "1" },
 * };
 * ```
 */
export interface Part {
  /**
   * The part's `Content-Type`, e.g. `"image/jpeg"`. Like every header value:
   * no CR, LF or NUL, and no character above U+00FF (each is sent as one
   * byte, Latin-1, as `fetch` does).
   */
  contentType: string;
  /** The part's bytes. Its size, when known up front, becomes `Content-Length`. */
  body: PartBody;
  /** More header fields for this part (not `Content-Type` or `Content-Length`); values as `contentType`'s. */
  headers?: HeadersInit | undefined;
}

/** What `pushStream` and `pushResponse` read parts from. */
export type PartSource = AsyncIterable<Part> | Iterable<Part>;

/** A part checked and ready for the wire. */
export interface WirePart {
  /** `Content-Type` line, `Content-Length` line when known, own headers; each ending CRLF. */
  fields: string;
  /** The header block without `Content-Length`: equal keys mean an announced block fits. */
  key: string;
  bytes?: Uint8Array | undefined;
  stream?: ReadableStream<Uint8Array> | undefined;
  size?: number | undefined;
}

const encoder = new TextEncoder();

/**
 * Checks a part and turns it into a {@linkcode WirePart}. With a `guard` (a
 * caller's boundary), header fields containing `--boundary` are refused; the
 * body is the caller's to check, as a stream is only seen chunk by chunk.
 *
 * @example
 * ```ts ignore
 * toWirePart({ contentType: "text/plain", body: "hi" }, "parts[0]").fields;
 * // "Content-Type: text/plain\r\nContent-Length: 2\r\n"
 * ```
 * @throws {TypeError} on a part that is not an object, a bad `contentType`, bad
 * headers or a body of an unsupported type. {RangeError} when a header field
 * contains the guarded boundary.
 */
export function toWirePart(part: unknown, where: string, guard?: BoundaryGuard): WirePart {
  if (typeof part !== "object" || part === null) {
    throw new TypeError(
      `${where} must be an object { contentType, body }, got ${describeValue(part)}`,
    );
  }
  const { contentType, body, headers } = part as Partial<Part>;
  if (typeof contentType !== "string" || contentType.trim() === "") {
    throw new TypeError(
      `${where}.contentType must be a non-empty string, got ${describeValue(contentType)}`,
    );
  }
  const typeLine = headerLine("Content-Type", contentType, `${where}.contentType`);
  guard?.checkField(typeLine, "Content-Type", `${where}.contentType`);
  let own = "";
  for (const [name, value] of partHeaderPairs(headers, `${where}.headers`)) {
    const line = headerLine(name, value, `${where}.headers`);
    guard?.checkField(line, name, `${where}.headers`);
    own += line + "\r\n";
  }
  const wire = bodyOf(body, `${where}.body`);
  const length = wire.size === undefined ? "" : `Content-Length: ${wire.size}\r\n`;
  return {
    ...wire,
    fields: `${typeLine}\r\n${length}${own}`,
    key: `${typeLine}\r\n${own}`,
  };
}

function bodyOf(
  body: unknown,
  where: string,
): Pick<WirePart, "bytes" | "stream" | "size"> {
  if (typeof body === "string") {
    const bytes = encoder.encode(body);
    return { bytes, size: bytes.byteLength };
  }
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) {
    const isView = ArrayBuffer.isView(body);
    // A transferred buffer reads as empty (or throws): refuse it rather than send nothing.
    if (((isView ? body.buffer : body) as { detached?: boolean | undefined }).detached === true) {
      throw new TypeError(
        `${where} is a detached ArrayBuffer (its memory was transferred, e.g. by postMessage): ` +
          "pass a copy made before the transfer",
      );
    }
    const bytes = body instanceof Uint8Array
      ? body
      : isView
      ? new Uint8Array(body.buffer, body.byteOffset, body.byteLength)
      : new Uint8Array(body);
    return { bytes, size: bytes.byteLength };
  }
  if (body instanceof Blob) return { stream: body.stream(), size: body.size };
  if (body instanceof ReadableStream) {
    if (body.locked) throw new TypeError(`${where} is a ReadableStream that is already locked`);
    return { stream: body };
  }
  throw new TypeError(
    `${where} must be a string, Uint8Array, ArrayBuffer, ArrayBufferView, Blob or ` +
      `ReadableStream<Uint8Array>, got ${describeValue(body)}`,
  );
}

/**
 * Whether `value` is an `AsyncIterable` or a (non-string) `Iterable`.
 *
 * @example
 * ```ts ignore
 * isPartSource([]); // true
 * isPartSource("abc"); // false
 * ```
 */
export function isPartSource(value: unknown): value is PartSource {
  const source = value as Partial<AsyncIterable<Part> & Iterable<Part>> | null | undefined;
  return typeof source?.[Symbol.asyncIterator] === "function" ||
    (typeof source?.[Symbol.iterator] === "function" && typeof value !== "string");
}

/**
 * Opens the iterator of `parts`. Arrays are checked whole first (parts, and
 * bodies against `guard`), so that their errors come before any byte is sent.
 *
 * @example
 * ```ts ignore
 * const iterator = openPartSource([{ contentType: "text/plain", body: "hi" }]);
 * ```
 *
 * @throws {TypeError|RangeError} on a source that is not iterable, or a bad part in an array.
 */
export function openPartSource(
  parts: unknown,
  guard: BoundaryGuard | undefined,
  name = "parts",
): AsyncIterator<Part> | Iterator<Part> {
  if (!isPartSource(parts)) {
    throw new TypeError(
      `${name} must be an AsyncIterable<Part> or an Iterable<Part>, got ${describeValue(parts)}`,
    );
  }
  if (Symbol.asyncIterator in parts) return parts[Symbol.asyncIterator]();
  if (Array.isArray(parts)) {
    parts.forEach((part, i) => {
      const wire = toWirePart(part, `${name}[${i}]`, guard);
      if (wire.bytes) guard?.checkBody(wire.bytes, `${name}[${i}].body`);
    });
  }
  return parts[Symbol.iterator]();
}

/**
 * The error for an iterator whose `next()` resolved to something that is not
 * an iterator result, or `undefined` when it is one.
 *
 * @example
 * ```ts
 * import { badIteratorResult } from "./part.ts";
 *
 * badIteratorResult(undefined, "parts")?.message; // "parts: the iterator's next() must …"
 * ```
 */
export function badIteratorResult(result: unknown, name: string): TypeError | undefined {
  if (typeof result === "object" && result !== null) return undefined;
  return new TypeError(
    `${name}: the iterator's next() must resolve to an object { done, value }, got ${
      describeValue(result)
    }`,
  );
}
