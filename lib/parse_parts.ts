/**
 * The decoder's public entry: `parseParts(input)` is an async iterator of the
 * parts of a multipart push (`multipart/x-mixed-replace`, `multipart/mixed`,
 * any `multipart/*`), yielding each part as soon as its delimiter arrives.
 *
 * @module
 */

import { type ChunkSource, openChunkSource, type PartsInput } from "./chunk_source.ts";
import { MultipartSplitter, type SplitterLimits } from "./multipart_splitter.ts";
import type { ReceivedPart } from "./received_part.ts";

/** Options for {@linkcode parseParts}. */
export interface ParsePartsOptions {
  /**
   * The boundary, without the leading `--` the wire adds (`boundary=--x` as
   * cameras send it works too). Required for streams and iterables.
   * @default the `boundary` parameter of the Response's `Content-Type`
   */
  boundary?: string;
  /** Aborting it stops the iteration with the signal's reason and cancels the input. */
  signal?: AbortSignal;
  /**
   * Longest header block of a part, and longest rest of a boundary line, in bytes.
   * @default 16384
   */
  maxHeaderSize?: number;
  /**
   * Longest part (header block plus body) in bytes, and longest preamble.
   * @default 16777216 (16 MiB)
   */
  maxPartSize?: number;
  /**
   * Most parts to read; one more is a `"too-many-parts"` error.
   * @default Infinity
   */
  maxParts?: number;
}

/**
 * Reads the parts of a multipart stream as they arrive.
 *
 * Each part is yielded as soon as the delimiter after it (`CRLF--boundary`)
 * has arrived, without waiting for later bytes. The final headerless empty
 * part that ends `multipart/x-mixed-replace` pushes (`--B CRLF CRLF --B--`) is
 * a close marker and is not yielded; every other empty part is.
 * `Content-Length` is never used for framing.
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
  if (options !== undefined && (typeof options !== "object" || options === null)) {
    throw new TypeError("options must be an object");
  }
  const { signal } = options ?? {};
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError("options.signal must be an AbortSignal");
  }
  const limits: SplitterLimits = {
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
  checkBoundary(boundary);
  return new PartIterator(source, boundary, limits, signal);
}

function limit(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !(value === Infinity || Number.isSafeInteger(value))) {
    throw new TypeError(`${name} must be a whole number of bytes or parts, got ${value}`);
  }
  if (value < 1) throw new RangeError(`${name} must be at least 1, got ${value}`);
  return value;
}

function checkBoundary(boundary: unknown): void {
  if (typeof boundary !== "string") {
    throw new TypeError(`boundary must be a string, got ${typeof boundary}`);
  }
  if (!/^[\x20-\x7e]{1,256}$/.test(boundary) || boundary.trim() !== boundary) {
    throw new RangeError(
      `boundary must be 1 to 256 printable ASCII characters without outer spaces, got ${
        JSON.stringify(boundary)
      }`,
    );
  }
}

class PartIterator implements AsyncIterableIterator<ReceivedPart> {
  #source: ChunkSource;
  #splitter: MultipartSplitter;
  #signal: AbortSignal | undefined;
  #queue: ReceivedPart[] = [];
  #head = 0;
  #done = false;
  #returned = false;
  #abortSeen = false;
  #error: { reason: unknown } | undefined;
  #busy: Promise<IteratorResult<ReceivedPart>> | undefined;
  #open = true;
  #aborted: Promise<never> | undefined;
  #onAbort = (): void => void this.#close(this.#signal!.reason);

  constructor(
    source: ChunkSource,
    boundary: string,
    limits: SplitterLimits,
    signal: AbortSignal | undefined,
  ) {
    this.#source = source;
    this.#splitter = new MultipartSplitter(boundary, limits, (part) => this.#queue.push(part));
    this.#signal = signal;
    if (signal !== undefined) {
      this.#aborted = new Promise((_, reject) => {
        const fail = (): void => reject(signal.reason);
        if (signal.aborted) fail();
        else signal.addEventListener("abort", fail, { once: true });
      });
      this.#aborted.catch(() => {});
      if (signal.aborted) this.#onAbort();
      else signal.addEventListener("abort", this.#onAbort, { once: true });
    }
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<ReceivedPart> {
    return this;
  }

  next(): Promise<IteratorResult<ReceivedPart>> {
    // Calls made before the previous one settled wait their turn.
    if (this.#busy !== undefined) return this.#busy.then(() => this.next(), () => this.next());
    if (this.#head < this.#queue.length && !this.#signal?.aborted) {
      return Promise.resolve({ done: false, value: this.#shift() });
    }
    const step = this.#step();
    this.#busy = step;
    const clear = (): void => {
      if (this.#busy === step) this.#busy = undefined;
    };
    step.then(clear, clear);
    return step;
  }

  async return(): Promise<IteratorResult<ReceivedPart>> {
    this.#returned = true;
    this.#done = true;
    this.#error = undefined;
    this.#queue.length = this.#head = 0;
    await this.#close();
    return { done: true, value: undefined };
  }

  async #step(): Promise<IteratorResult<ReceivedPart>> {
    while (true) {
      if (this.#signal?.aborted && !this.#abortSeen) {
        this.#abortSeen = true;
        this.#queue.length = this.#head = 0;
        this.#error = { reason: this.#signal.reason };
      }
      if (this.#head < this.#queue.length) return { done: false, value: this.#shift() };
      if (this.#error !== undefined) {
        const { reason } = this.#error;
        this.#error = undefined;
        this.#done = true;
        throw reason;
      }
      if (this.#done) return { done: true, value: undefined };
      try {
        const read = this.#source.read();
        const chunk = await (this.#aborted ? Promise.race([read, this.#aborted]) : read);
        if (this.#returned) return { done: true, value: undefined };
        if (chunk === undefined) {
          this.#done = true;
          this.#open = false;
          this.#stopWatching();
          this.#splitter.end();
        } else {
          this.#splitter.push(chunk);
          if (this.#splitter.closed) {
            this.#done = true;
            await this.#close();
          }
        }
      } catch (reason) {
        if (this.#returned) return { done: true, value: undefined };
        this.#error = { reason: this.#signal?.aborted ? this.#signal.reason : reason };
        await this.#close(reason);
      }
    }
  }

  #shift(): ReceivedPart {
    const part = this.#queue[this.#head++];
    if (this.#head === this.#queue.length) this.#queue.length = this.#head = 0;
    return part;
  }

  #stopWatching(): void {
    this.#signal?.removeEventListener("abort", this.#onAbort);
  }

  async #close(reason?: unknown): Promise<void> {
    if (!this.#open) return;
    this.#open = false;
    this.#stopWatching();
    await this.#source.cancel(reason).catch(() => {});
  }
}
