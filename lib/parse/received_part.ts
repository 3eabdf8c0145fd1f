/**
 * A decoded part: its header fields, its `Content-Type` and its bytes, with
 * `text()`, `json()` and `blob()` like a `Response` has (synchronous here,
 * because the body is already in memory; `await part.text()` works as well).
 *
 * @module
 */

import { headerFields } from "./part_headers.ts";

/**
 * One part read from a multipart stream by `parseParts`.
 *
 * `body` is a view into the chunk the part arrived in when the whole part came
 * in one chunk (no copy), so do not change the chunks you feed in; a part that
 * spans chunks is copied once into a new array.
 *
 * @example
 * ```ts
 * import { parseParts } from "multipart-push";
 *
 * for await (const part of parseParts(await fetch("http://127.0.0.1:8080/graphql"))) {
 *   if (part.contentType?.startsWith("application/json")) console.log(part.json());
 *   else console.log(part.headers.get("x-frame"), part.body.byteLength);
 * }
 * ```
 */
export interface ReceivedPart {
  /** The part's header fields (names in any case on the wire). */
  readonly headers: Headers;
  /** The `Content-Type` field, or null when the part has none. */
  readonly contentType: string | null;
  /** The part's bytes, exactly as sent. */
  readonly body: Uint8Array;
  /**
   * `X-Timestamp` in seconds since the epoch (µStreamer's and a `PushHub`
   * with `timestamps`: `1764322800.123456`), or null when absent or not a
   * plain decimal number.
   */
  readonly timestamp: number | null;
  /** `X-Frame` (a `PushHub` with `timestamps`: 1, 2, 3…), or null when absent or not a whole number. */
  readonly frame: number | null;
  /** The body decoded as UTF-8 (a leading BOM is dropped, bad bytes become U+FFFD). */
  text(): string;
  /** The body parsed as JSON. @throws {SyntaxError} when it is not JSON. */
  json<T = unknown>(): T;
  /** The body as a `Blob` typed with `contentType` (or untyped). */
  blob(): Blob;
}

const utf8 = new TextDecoder();

class DecodedPart implements ReceivedPart {
  readonly contentType: string | null;
  readonly body: Uint8Array;
  #bytes: Uint8Array;
  #headStart: number;
  #headEnd: number;
  #headers: Headers | undefined;

  constructor(
    bytes: Uint8Array,
    headStart: number,
    headEnd: number,
    contentType: string | null,
    body: Uint8Array,
  ) {
    this.#bytes = bytes;
    this.#headStart = headStart;
    this.#headEnd = headEnd;
    this.contentType = contentType;
    this.body = body;
  }

  get timestamp(): number | null {
    const value = this.headers.get("x-timestamp")?.trim();
    return value && /^\d{1,12}(\.\d{1,9})?$/.test(value) ? Number(value) : null;
  }

  get frame(): number | null {
    const value = this.headers.get("x-frame")?.trim();
    const frame = value && /^\d{1,16}$/.test(value) ? Number(value) : NaN;
    return Number.isSafeInteger(frame) ? frame : null;
  }

  get headers(): Headers {
    if (this.#headers === undefined) {
      this.#headers = new Headers();
      const fields = headerFields(this.#bytes, this.#headStart, this.#headEnd);
      for (const [name, value] of fields) this.#headers.append(name, value);
    }
    return this.#headers;
  }

  text(): string {
    return utf8.decode(this.body);
  }

  json<T = unknown>(): T {
    return JSON.parse(this.text());
  }

  blob(): Blob {
    return new Blob([this.body as Uint8Array<ArrayBuffer>], { type: this.contentType ?? "" });
  }
}

/**
 * Makes a {@linkcode ReceivedPart} from the header block `bytes[headStart..headEnd)`,
 * already checked by `scanHeaderBlock`, and the body that followed it. The
 * header fields are only read if `headers` is used.
 *
 * @example
 * ```ts
 * import { createReceivedPart } from "./received_part.ts";
 *
 * const bytes = new TextEncoder().encode("Content-Type: text/plain\r\n\r\nhi");
 * createReceivedPart(bytes, 0, 28, "text/plain", bytes.subarray(28)).text(); // "hi"
 * ```
 */
export function createReceivedPart(
  bytes: Uint8Array,
  headStart: number,
  headEnd: number,
  contentType: string | null,
  body: Uint8Array,
): ReceivedPart {
  return new DecodedPart(bytes, headStart, headEnd, contentType, body);
}
