/**
 * What `parseParts` reads from: a `Response` (or `Request`), a
 * `ReadableStream<Uint8Array>` or an `AsyncIterable<Uint8Array>`, all turned
 * into one small pull interface that can also be cancelled.
 *
 * @module
 */

import { describeValue } from "../shared/describe.ts";
import { boundaryFromContentType } from "./content_type_boundary.ts";

/** The inputs `parseParts` accepts. */
export type PartsInput = Response | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

/**
 * Chunks, pulled one at a time. `read()` hands on the reader's or iterator's
 * own result, unwrapped by no async step of ours: one promise per chunk, not two.
 */
export interface ChunkSource {
  /** The next result of the stream or iterator; check its `value` with {@linkcode checkedChunk}. */
  read(): Promise<{ done?: boolean | undefined; value?: unknown }>;
  /** Stops the input (cancels the stream, calls the iterator's `return`). */
  cancel(reason?: unknown): Promise<void>;
  /**
   * True when `cancel` settles a pending `read` at once (a stream reader does); an async
   * generator's `return()` waits for its pending `next()` instead.
   */
  cancelEndsRead: boolean;
  /** The boundary from a `Response`'s `Content-Type`, if any. */
  boundary: string | null;
}

/**
 * Opens `input`, locking a stream at once so misuse fails at the call.
 *
 * @example
 * ```ts
 * import { openChunkSource } from "./chunk_source.ts";
 *
 * const source = openChunkSource(new Response("x", { headers: { "Content-Type": "a/b;boundary=B" } }));
 * source.boundary; // "B"
 * ```
 * @throws {TypeError} on anything else, a used body or a locked stream.
 */
export function openChunkSource(input: PartsInput): ChunkSource {
  const value = input as unknown as Record<PropertyKey, unknown> | null;
  if (typeof value !== "object" || value === null) {
    throw new TypeError(
      `input must be a Response, a ReadableStream or an AsyncIterable, got ${describeValue(value)}`,
    );
  }
  if (typeof Response !== "undefined" && input instanceof Response || isMessage(value)) {
    const message = input as Response;
    if (message.bodyUsed) throw new TypeError("input is a Response whose body was already read");
    const boundary = boundaryFromContentType(message.headers.get("content-type"));
    if (message.body === null) return { ...fromIterable(empty()), boundary };
    return { ...fromStream(message.body), boundary };
  }
  if (typeof value.getReader === "function") {
    return { ...fromStream(input as ReadableStream<Uint8Array>), boundary: null };
  }
  if (typeof value[Symbol.asyncIterator] === "function") {
    return { ...fromIterable(input as AsyncIterable<Uint8Array>), boundary: null };
  }
  throw new TypeError(
    `input must be a Response, a ReadableStream or an AsyncIterable, got ${describeValue(value)}`,
  );
}

/** A `Request` or a `Response` from another realm. */
function isMessage(value: Record<PropertyKey, unknown>): boolean {
  const headers = value.headers as { get?: unknown } | undefined;
  return "body" in value && "bodyUsed" in value && typeof headers?.get === "function";
}

function fromStream(stream: ReadableStream<Uint8Array>): Omit<ChunkSource, "boundary"> {
  if (stream.locked) throw new TypeError("input is a ReadableStream that is already locked");
  const reader = stream.getReader();
  return {
    read: () => reader.read(),
    cancel: (reason) => reader.cancel(reason),
    cancelEndsRead: true,
  };
}

function fromIterable(iterable: AsyncIterable<Uint8Array>): Omit<ChunkSource, "boundary"> {
  const iterator = iterable[Symbol.asyncIterator]();
  return {
    read: () => iterator.next(),
    async cancel() {
      await iterator.return?.();
    },
    cancelEndsRead: false,
  };
}

/**
 * A chunk read from the input, checked to be bytes.
 *
 * @example
 * ```ts
 * import { checkedChunk } from "./chunk_source.ts";
 *
 * checkedChunk(new Uint8Array(1)); // the same array
 * ```
 * @throws {TypeError} when it is anything but a `Uint8Array`.
 */
export function checkedChunk(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  throw new TypeError(
    `input must produce Uint8Array chunks, got ${describeValue(chunk)}`,
  );
}

async function* empty(): AsyncGenerator<Uint8Array> {}
