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

import { BoundarySearch } from "../shared/boundary_search.ts";
import { MultipartParseError } from "./errors.ts";
import { OpeningBoundary } from "./opening_boundary.ts";
import { PartAssembler, type PartLimits } from "./assembler.ts";
import type { ReceivedPart } from "./received_part.ts";

const PREAMBLE = 0;
const LINE = 1;
const PART = 2;
const CLOSED = 3;
const LF = 10;
const DASH = 45;

/**
 * Splits a multipart body into parts.
 *
 * @example
 * ```ts
 * import { MultipartSplitter } from "./splitter.ts";
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
  #limits: PartLimits;
  #opening: OpeningBoundary;
  #assembler: PartAssembler;
  #lineSize = 0;
  #dash = false;
  #held = false;
  #search: BoundarySearch | undefined;
  #endAfterPart: boolean;

  /**
   * @param boundary The boundary parameter, as sent (checked by the caller).
   * @param limits Size limits.
   * @param emit Receives each part as soon as it is complete.
   * @param endAfterPart An end right after a complete part is clean (replace mode: cameras
   *   never write the close delimiter).
   */
  constructor(
    boundary: string,
    limits: PartLimits,
    emit: (part: ReceivedPart) => void,
    endAfterPart = false,
  ) {
    this.#endAfterPart = endAfterPart;
    this.#boundary = boundary;
    this.#limits = limits;
    this.#opening = new OpeningBoundary(boundary);
    this.#assembler = new PartAssembler(limits, emit);
  }

  /** True once the close delimiter has been read; later bytes are epilogue. */
  get closed(): boolean {
    return this.#state === CLOSED;
  }

  /**
   * Reads `chunk` from `from` up to the end of the first part it completes
   * (emitted), or to its end. One chunk may hold a million tiny parts: the
   * caller takes them one at a time, so they are never all built and queued.
   * @returns Where reading stopped: just after an emitted part's delimiter,
   * or `chunk.length` (also once closed: the rest is epilogue).
   * @throws {MultipartParseError} when the bytes break a rule or a limit.
   */
  push(chunk: Uint8Array, from = 0): number {
    const assembler = this.#assembler;
    const parts = assembler.parts;
    let i = from;
    try {
      while (i < chunk.length && this.#state !== CLOSED) {
        if (this.#state === PART) i = this.#part(chunk, i);
        else if (this.#state === LINE) i = this.#line(chunk, i);
        else i = this.#preamble(chunk, i);
        if (assembler.parts !== parts && this.#state !== CLOSED) return i;
      }
    } catch (error) {
      this.#state = CLOSED;
      throw error;
    }
    return chunk.length;
  }

  /**
   * Ends the input.
   * With `endAfterPart`, an end right after a complete part is clean too: after
   * a delimiter, or after a part whose `Content-Length` it fills.
   * @throws {MultipartParseError} with code `"truncated"` unless the close delimiter was read.
   */
  end(): void {
    const state = this.#state;
    this.#state = CLOSED;
    if (state === CLOSED) return;
    const assembler = this.#assembler;
    if (this.#endAfterPart) {
      // After a delimiter (an empty part held there is a close that never came, not a part), or
      // after a part whose Content-Length is filled.
      if (state === LINE && assembler.parts > 0) return;
      if (state === PART && (assembler.size > 0 ? assembler.finishAtEnd() : assembler.parts > 0)) {
        return;
      }
    }
    if (this.#held) assembler.emitEmpty();
    const where = state === PREAMBLE
      ? "before the first boundary"
      : state === PART
      ? `inside part ${assembler.parts + 1} (${assembler.size} bytes received)`
      : assembler.parts === 0
      ? "after the first boundary"
      : `after the boundary that ends part ${assembler.parts}`;
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
    this.#search = new BoundarySearch(opening.delimiter);
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
          this.#assembler.emitEmpty();
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

  /** Part bytes up to the next delimiter; the assembler keeps them and builds the part. */
  #part(chunk: Uint8Array, from: number): number {
    const search = this.#search!;
    const end = search.search(chunk, from);
    if (end === -1) {
      this.#assembler.keep(chunk, from, search.pattern.length);
      return chunk.length;
    }
    this.#held = this.#assembler.finish(chunk, from, end - search.pattern.length);
    this.#lineSize = 0;
    this.#state = LINE;
    return end;
  }
}
