/**
 * The decoder's part assembly: keeps the bytes of the part that is still
 * arriving (checking the size limits as it grows, so memory never grows past
 * them), and when the splitter finds the delimiter, cuts the part's header
 * block from its body and emits it. Where the boundaries are is the
 * splitter's concern (splitter.ts).
 *
 * @module
 */

import { MultipartParseError } from "./errors.ts";
import { PartBuffer } from "../shared/part_buffer.ts";
import { bodyStart, headerFields, scanHeaderBlock } from "./part_headers.ts";
import { createReceivedPart, type ReceivedPart } from "./received_part.ts";

/** Size limits, already checked. */
export interface PartLimits {
  maxHeaderSize: number;
  maxPartSize: number;
  maxParts: number;
}

const CR = 13;
const LF = 10;
const EMPTY = new Uint8Array(0);

/**
 * Builds parts from the bytes between delimiters.
 *
 * @example
 * ```ts
 * import { PartAssembler } from "./assembler.ts";
 *
 * const limits = { maxHeaderSize: 16384, maxPartSize: 1 << 24, maxParts: Infinity };
 * const assembler = new PartAssembler(limits, (part) => console.log(part.text()));
 * const bytes = new TextEncoder().encode("\r\nhello\r\n--B");
 * assembler.finish(bytes, 0, 8); // logs "hello"; false: the part was not empty
 * ```
 */
export class PartAssembler {
  #limits: PartLimits;
  #emit: (part: ReceivedPart) => void;
  #buffer = new PartBuffer();
  #headChecked = false;
  #parts = 0;

  /**
   * @param limits Size limits.
   * @param emit Receives each part as soon as it is complete.
   */
  constructor(limits: PartLimits, emit: (part: ReceivedPart) => void) {
    this.#limits = limits;
    this.#emit = emit;
  }

  /** Parts emitted so far. */
  get parts(): number {
    return this.#parts;
  }

  /** Bytes kept of the part still arriving. */
  get size(): number {
    return this.#buffer.size;
  }

  /**
   * Keeps `chunk` from `from` (not copied: do not change it), all of it part
   * bytes except maybe the last `slack`, which may start a delimiter.
   * @throws {MultipartParseError} when the part outgrows a limit.
   */
  keep(chunk: Uint8Array, from: number, slack: number): void {
    this.#buffer.keep(from === 0 ? chunk : chunk.subarray(from));
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

  /**
   * Ends the part: its bytes are the kept ones, then `chunk` from `from` up to
   * `at`, where its delimiter (`LF--boundary`) starts, maybe negative when the
   * delimiter began in kept bytes; a CR before the delimiter is dropped too. Emits the part unless it is empty.
   * @returns True when the part was empty and nothing was emitted.
   * @throws {MultipartParseError} when the part breaks a limit.
   */
  finish(chunk: Uint8Array, from: number, at: number): boolean {
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
    if (length <= 0) return true;
    const { maxHeaderSize, maxPartSize } = this.#limits;
    if (length > maxPartSize) throw partTooLarge(this.#limits);
    const end = start + length;
    const body = bodyStart(bytes, start, Math.min(end, start + maxHeaderSize));
    if (body !== -1) this.#emitPart(bytes, start, body, bytes.subarray(body, end));
    else if (length > maxHeaderSize) throw headerTooLarge(this.#limits);
    else this.#emitPart(bytes, start, end, EMPTY);
    return false;
  }

  /**
   * At the end of the input, with no delimiter after the kept bytes: emits
   * them as the last part when its `Content-Length` says it is whole (a camera
   * or `ffmpeg -f mpjpeg` cut off after a frame and its CRLF, never writing
   * the close delimiter). The only use of `Content-Length`: a part cut short,
   * or one without the field, stays an error for the caller.
   * @returns True when the kept bytes were a whole part (and were emitted), or there were none.
   */
  finishAtEnd(): boolean {
    const buffer = this.#buffer;
    const size = buffer.size;
    if (size === 0) return true;
    const bytes = buffer.take(EMPTY, 0, size);
    const body = bodyStart(bytes, 0, Math.min(size, this.#limits.maxHeaderSize));
    if (body === -1) return false;
    const length = headerFields(bytes, 0, body)
      .find(([name]) => name.toLowerCase() === "content-length")?.[1];
    if (length === undefined || !/^\d+$/.test(length)) return false;
    const end = body + Number(length);
    const rest = size - end;
    // The body, then nothing, LF or CRLF (the start of a delimiter that never came).
    if (rest < 0 || rest > 2 || (rest > 0 && bytes[size - 1] !== LF)) return false;
    if (rest === 2 && bytes[end] !== CR) return false;
    buffer.clear();
    this.#emitPart(bytes, 0, body, bytes.subarray(body, end));
    return true;
  }

  /**
   * Emits an empty part, one that {@linkcode PartAssembler.finish} held back.
   * @throws {MultipartParseError} with code `"too-many-parts"` past maxParts.
   */
  emitEmpty(): void {
    this.#emitPart(EMPTY, 0, 0, EMPTY);
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

function headerTooLarge(limits: PartLimits): MultipartParseError {
  return new MultipartParseError(
    "header-too-large",
    `a part's header block is longer than maxHeaderSize (${limits.maxHeaderSize} bytes)`,
  );
}

function partTooLarge(limits: PartLimits): MultipartParseError {
  return new MultipartParseError(
    "part-too-large",
    `a part is longer than maxPartSize (${limits.maxPartSize} bytes)`,
  );
}
