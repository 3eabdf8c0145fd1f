/**
 * The decoder's state machine: bytes in (any chunking), complete parts out,
 * synchronously. A part is emitted while the chunk holding the end of its
 * delimiter `CRLF--boundary` is pushed, not when later bytes arrive.
 *
 * RFC 2046 §5.1.1 as real senders use it: the CRLF before `--boundary` belongs
 * to the delimiter; preamble and epilogue are skipped; transport padding (or
 * anything) after the boundary on its line is ignored; bare LF works wherever
 * CRLF does; the first boundary may come with or without a CRLF before it,
 * and may be written `--frame` for `boundary=--frame` (see opening_boundary.ts).
 *
 * A boundary line may follow a boundary line directly, sharing its line break
 * (an empty part, as GraphQL Yoga ends its streams).
 *
 * A part with no headers and no bytes right before the close delimiter is not
 * emitted: it is the close marker of `multipart/x-mixed-replace` pushes (`CRLF
 * --B CRLF` after each part, then `CRLF --B-- CRLF`). Such an empty part is
 * held until the rest of its delimiter line shows whether the close follows.
 *
 * @module
 */

import { BoundarySearch } from "./boundary_search.ts";
import { MultipartParseError } from "./multipart_parse_error.ts";
import { OpeningBoundary } from "./opening_boundary.ts";
import { PartBuffer } from "./part_buffer.ts";
import { bodyStart, scanHeaderBlock } from "./part_headers.ts";
import { createReceivedPart, type ReceivedPart } from "./received_part.ts";

/** Size limits, already checked. */
export interface SplitterLimits {
  maxHeaderSize: number;
  maxPartSize: number;
  maxParts: number;
}

const PREAMBLE = 0;
const LINE = 1;
const PART = 2;
const CLOSED = 3;
const LF = 10;
const CR = 13;
const DASH = 45;
const EMPTY = new Uint8Array(0);

/**
 * Splits a multipart body into parts.
 *
 * @example
 * ```ts
 * import { MultipartSplitter } from "./multipart_splitter.ts";
 *
 * const limits = { maxHeaderSize: 16384, maxPartSize: 1 << 24, maxParts: Infinity };
 * const splitter = new MultipartSplitter("B", limits, (part) => console.log(part.text()));
 * splitter.push(new TextEncoder().encode("--B\r\n\r\nhello\r\n--B--\r\n")); // logs "hello"
 * splitter.end();
 * ```
 */
export class MultipartSplitter {
  #state = PREAMBLE;
  #boundary: string;
  #limits: SplitterLimits;
  #emit: (part: ReceivedPart) => void;
  #opening: OpeningBoundary;
  #lineSize = 0;
  #dash = false;
  #held = false;
  #search: BoundarySearch | undefined;
  #buffer = new PartBuffer();
  #headChecked = false;
  #parts = 0;

  /**
   * @param boundary The boundary parameter, as sent (checked by the caller).
   * @param limits Size limits.
   * @param emit Receives each part as soon as it is complete.
   */
  constructor(boundary: string, limits: SplitterLimits, emit: (part: ReceivedPart) => void) {
    this.#boundary = boundary;
    this.#limits = limits;
    this.#emit = emit;
    this.#opening = new OpeningBoundary(boundary);
  }

  /** True once the close delimiter has been read; later bytes are epilogue. */
  get closed(): boolean {
    return this.#state === CLOSED;
  }

  /**
   * Reads one chunk, emitting every part it completes.
   * @throws {MultipartParseError} when the bytes break a rule or a limit.
   */
  push(chunk: Uint8Array): void {
    let i = 0;
    try {
      while (i < chunk.length && this.#state !== CLOSED) {
        if (this.#state === PART) i = this.#part(chunk, i);
        else if (this.#state === LINE) i = this.#line(chunk, i);
        else i = this.#preamble(chunk, i);
      }
    } catch (error) {
      this.#state = CLOSED;
      throw error;
    }
  }

  /**
   * Ends the input.
   * @throws {MultipartParseError} with code `"truncated"` unless the close delimiter was read.
   */
  end(): void {
    const state = this.#state;
    this.#state = CLOSED;
    if (state === CLOSED) return;
    if (this.#held) this.#emitPart(EMPTY, 0, 0, EMPTY);
    const where = state === PREAMBLE
      ? "before the first boundary"
      : state === PART
      ? `inside part ${this.#parts + 1} (${this.#buffer.size} bytes received)`
      : this.#parts === 0
      ? "after the first boundary"
      : `after the boundary that ends part ${this.#parts}`;
    throw new MultipartParseError(
      "truncated",
      `multipart stream ended ${where}, without the close delimiter "--${this.#boundary}--"`,
    );
  }

  /** Skips the preamble up to the first boundary line; nothing is kept. */
  #preamble(chunk: Uint8Array, from: number): number {
    const opening = this.#opening;
    const next = opening.scan(chunk, from);
    if (next === -1) {
      if (opening.size > this.#limits.maxPartSize) {
        throw new MultipartParseError(
          "preamble-too-large",
          `no boundary line "--${this.#boundary}" in the first ${opening.size} bytes`,
        );
      }
      return chunk.length;
    }
    const pattern = new Uint8Array(opening.dashBoundary.length + 1);
    pattern[0] = LF;
    pattern.set(opening.dashBoundary, 1);
    this.#search = new BoundarySearch(pattern);
    this.#state = LINE;
    return next;
  }

  /** The rest of a boundary line: `--` closes, anything else up to LF is padding. */
  #line(chunk: Uint8Array, from: number): number {
    for (let i = from; i < chunk.length; i++) {
      const b = chunk[i];
      const pos = this.#lineSize++;
      if (pos === 0) this.#dash = b === DASH;
      else if (pos === 1 && this.#dash && b === DASH) {
        this.#held = false;
        this.#state = CLOSED;
        return i + 1;
      }
      if (b === LF) {
        if (this.#held) {
          this.#held = false;
          this.#emitPart(EMPTY, 0, 0, EMPTY);
        }
        // The LF ending this line may also start the next delimiter: GraphQL Yoga ends with
        // "\r\n---\r\n-----", a boundary line right after a boundary line.
        this.#search!.partial = 1;
        this.#state = PART;
        return i + 1;
      }
      if (this.#lineSize > this.#limits.maxHeaderSize) {
        throw new MultipartParseError(
          "header-too-large",
          `a boundary line is longer than maxHeaderSize (${this.#limits.maxHeaderSize} bytes)`,
        );
      }
    }
    return chunk.length;
  }

  #part(chunk: Uint8Array, from: number): number {
    const search = this.#search!;
    const end = search.search(chunk, from);
    if (end === -1) {
      this.#buffer.keep(from === 0 ? chunk : chunk.subarray(from));
      this.#checkGrowth(search.pattern.length);
      return chunk.length;
    }
    this.#finishPart(chunk, from, end - search.pattern.length);
    this.#lineSize = 0;
    this.#state = LINE;
    return end;
  }

  /** Limits on a part still arriving, so memory never grows past them. */
  #checkGrowth(slack: number): void {
    const { maxHeaderSize, maxPartSize } = this.#limits;
    const size = this.#buffer.size;
    if (!this.#headChecked && size > maxHeaderSize + slack) {
      this.#headChecked = true;
      // One bounded copy per large part: the header block must end in its first bytes.
      const head = this.#buffer.take(EMPTY, 0, maxHeaderSize);
      if (bodyStart(head, 0, maxHeaderSize) === -1) throw headerTooLarge(this.#limits);
    }
    if (size > maxPartSize + slack) throw partTooLarge(this.#limits);
  }

  /** The part's bytes end where the delimiter starts, `at` (an index in chunk, maybe negative). */
  #finishPart(chunk: Uint8Array, from: number, at: number): void {
    const buffer = this.#buffer;
    let length = buffer.size + at - from;
    if (length > 0 && buffer.byteAt(chunk, from, length - 1) === CR) length--;
    // Where the part's bytes are: in this chunk, in one earlier chunk, or (spanning chunks) copied.
    let bytes = chunk;
    let start = from;
    if (buffer.size > 0) {
      bytes = length > 0 ? buffer.take(chunk, from, length) : EMPTY;
      start = 0;
      buffer.clear();
    }
    this.#headChecked = false;
    if (length <= 0) {
      this.#held = true;
      return;
    }
    const { maxHeaderSize, maxPartSize } = this.#limits;
    if (length > maxPartSize) throw partTooLarge(this.#limits);
    const end = start + length;
    const body = bodyStart(bytes, start, Math.min(end, start + maxHeaderSize));
    if (body !== -1) this.#emitPart(bytes, start, body, bytes.subarray(body, end));
    else if (length > maxHeaderSize) throw headerTooLarge(this.#limits);
    else this.#emitPart(bytes, start, end, EMPTY);
  }

  #emitPart(bytes: Uint8Array, start: number, headEnd: number, body: Uint8Array): void {
    if (++this.#parts > this.#limits.maxParts) {
      throw new MultipartParseError(
        "too-many-parts",
        `the stream has more than maxParts (${this.#limits.maxParts}) parts`,
      );
    }
    const contentType = scanHeaderBlock(bytes, start, headEnd);
    this.#emit(createReceivedPart(bytes, start, headEnd, contentType, body));
  }
}

function headerTooLarge(limits: SplitterLimits): MultipartParseError {
  return new MultipartParseError(
    "header-too-large",
    `a part's header block is longer than maxHeaderSize (${limits.maxHeaderSize} bytes)`,
  );
}

function partTooLarge(limits: SplitterLimits): MultipartParseError {
  return new MultipartParseError(
    "part-too-large",
    `a part is longer than maxPartSize (${limits.maxPartSize} bytes)`,
  );
}
