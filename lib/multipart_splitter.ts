/**
 * The decoder's state machine: bytes in (any chunking), complete parts out,
 * synchronously. A part is emitted while the chunk holding the end of its
 * delimiter `CRLF--boundary` is pushed, not when later bytes arrive.
 *
 * RFC 2046 §5.1.1 as real senders use it: the CRLF before `--boundary` belongs
 * to the delimiter; preamble and epilogue are skipped; transport padding (or
 * anything) after the boundary on its line is ignored; bare LF works wherever
 * CRLF does; the first boundary may come with or without a CRLF before it.
 * When the boundary parameter itself starts with `--` (`boundary=--frame`, as
 * many cameras send), delimiter lines `--frame` and `----frame` are both
 * understood; the first boundary line decides which one the stream uses.
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
  #strict: Uint8Array;
  #loose: Uint8Array | null;
  #linePos = 0;
  #strictOk = true;
  #looseOk: boolean;
  #preambleSize = 0;
  #lineSize = 0;
  #dash = false;
  #held = false;
  #search: BoundarySearch | undefined;
  #pieces: Uint8Array[] = [];
  #size = 0;
  #headChecked = false;
  #parts = 0;

  /**
   * @param boundary The boundary parameter, as sent (checked by the caller).
   * @param limits Size limits.
   * @param emit Receives each part as soon as it is complete.
   */
  constructor(boundary: string, limits: SplitterLimits, emit: (part: ReceivedPart) => void) {
    const bytes = new TextEncoder().encode(boundary);
    this.#boundary = boundary;
    this.#limits = limits;
    this.#emit = emit;
    this.#strict = new TextEncoder().encode(`--${boundary}`);
    this.#loose = boundary.startsWith("--") && /[^-]/.test(boundary) ? bytes : null;
    this.#looseOk = this.#loose !== null;
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
      ? `inside part ${this.#parts + 1} (${this.#size} bytes received)`
      : this.#parts === 0
      ? "after the first boundary"
      : `after the boundary that ends part ${this.#parts}`;
    throw new MultipartParseError(
      "truncated",
      `multipart stream ended ${where}, without the close delimiter "--${this.#boundary}--"`,
    );
  }

  /** Looks for the first line that starts with a boundary; nothing is kept. */
  #preamble(chunk: Uint8Array, from: number): number {
    const strict = this.#strict;
    const loose = this.#loose;
    for (let i = from; i < chunk.length; i++) {
      const b = chunk[i];
      if (b === LF) {
        this.#linePos = 0;
        this.#strictOk = true;
        this.#looseOk = loose !== null;
        continue;
      }
      const pos = this.#linePos++;
      if (this.#strictOk) {
        if (strict[pos] !== b) this.#strictOk = false;
        else if (pos === strict.length - 1) return this.#open(strict, i + 1, from);
      }
      if (this.#looseOk) {
        if (loose![pos] !== b) this.#looseOk = false;
        else if (pos === loose!.length - 1) return this.#open(loose!, i + 1, from);
      }
    }
    this.#preambleSize += chunk.length - from;
    if (this.#preambleSize > this.#limits.maxPartSize) {
      throw new MultipartParseError(
        "preamble-too-large",
        `no boundary line "--${this.#boundary}" in the first ${this.#preambleSize} bytes`,
      );
    }
    return chunk.length;
  }

  #open(dashBoundary: Uint8Array, next: number, from: number): number {
    this.#preambleSize += next - from;
    const pattern = new Uint8Array(dashBoundary.length + 1);
    pattern[0] = LF;
    pattern.set(dashBoundary, 1);
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
      this.#pieces.push(from === 0 ? chunk : chunk.subarray(from));
      this.#size += chunk.length - from;
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
    if (!this.#headChecked && this.#size > maxHeaderSize + slack) {
      this.#headChecked = true;
      // One bounded copy per large part: the header block must end in its first bytes.
      const head = this.#take(EMPTY, 0, maxHeaderSize);
      if (bodyStart(head, 0, maxHeaderSize) === -1) throw headerTooLarge(this.#limits);
    }
    if (this.#size > maxPartSize + slack) throw partTooLarge(this.#limits);
  }

  /** The part's bytes end where the delimiter starts, `at` (an index in chunk, maybe negative). */
  #finishPart(chunk: Uint8Array, from: number, at: number): void {
    let length = this.#size + at - from;
    if (length > 0 && this.#byteAt(chunk, from, length - 1) === CR) length--;
    const pieces = this.#pieces;
    // Where the part's bytes are: in this chunk, in one earlier chunk, or (spanning chunks) copied.
    let bytes = chunk;
    let start = from;
    if (pieces.length > 0) {
      bytes = length <= pieces[0].length ? pieces[0] : this.#take(chunk, from, length);
      start = 0;
      pieces.length = 0;
    }
    this.#size = 0;
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

  /** Byte `index` of the part so far: the kept pieces, then `chunk` from `from`. */
  #byteAt(chunk: Uint8Array, from: number, index: number): number {
    if (index >= this.#size) return chunk[from + index - this.#size];
    let offset = this.#size;
    for (let k = this.#pieces.length - 1; k >= 0; k--) {
      offset -= this.#pieces[k].length;
      if (index >= offset) return this.#pieces[k][index - offset];
    }
    return -1;
  }

  /** The first `length` bytes of the part (some kept): a view when they are in one piece, else a copy. */
  #take(chunk: Uint8Array, from: number, length: number): Uint8Array {
    const pieces = this.#pieces;
    if (length <= pieces[0].length) return pieces[0].subarray(0, length);
    const out = new Uint8Array(length);
    let offset = 0;
    for (const piece of pieces) {
      if (offset + piece.length >= length) {
        out.set(piece.subarray(0, length - offset), offset);
        return out;
      }
      out.set(piece, offset);
      offset += piece.length;
    }
    out.set(chunk.subarray(from, from + length - offset), offset);
    return out;
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
