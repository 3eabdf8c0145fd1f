/**
 * When each part of a push arrives, read from the bytes as they come: the doctor's record of a
 * push. It reads every framing a push may use without mistaking one for a fault: a preamble before
 * the first delimiter, a delimiter line whose line end only comes with the next part (held
 * framing), a part's header block sent ahead of its body (announced), `Content-Length` or not, and
 * either close. What it cannot read as a part (a boundary inside a body, a `Content-Length` that
 * does not match) it notes instead of guessing.
 *
 * @module
 */

/** One part as it arrived. */
export interface ArrivedPart {
  /** Milliseconds from the request to the part's last byte (its closing delimiter's start). */
  at: number;
  /** Body bytes. */
  size: number;
  /** Its `Content-Type`, or null. */
  contentType: string | null;
  /** Its `Content-Length`, or null when it has none. */
  contentLength: number | null;
  /** Its `X-Timestamp` in seconds since the epoch, or null. */
  stamp: number | null;
  /** Bytes of the stream received when the part was complete (for burst sizes). */
  offset: number;
}

/** What went wrong in the framing, where. */
export interface FramingFault {
  kind: "boundary-in-body" | "length-mismatch" | "oversized";
  /** The part's number, from 1. */
  part: number;
}

const latin1 = new TextDecoder("latin1");

/** The most bytes kept while no part ends (a part larger, or no delimiter at all, is a fault). */
export const MAX_PENDING: number = 32 * 1024 * 1024;

/** The most faults noted: the first ones say what is wrong. */
const MAX_FAULTS = 100;

/** Where the reading is: before the first delimiter, after a `--B`, in a header block, a body. */
type State = "preamble" | "line" | "head" | "body";

/**
 * Feed it the body's bytes with their arrival times; read `parts`, `closed` and `faults`.
 *
 * @example
 * ```ts
 * import { PartTimeline } from "./part_timeline.ts";
 *
 * const timeline = new PartTimeline("B");
 * timeline.push(new TextEncoder().encode("--B\r\nContent-Type: a/b\r\n\r\nhi\r\n--B"), 12);
 * timeline.parts[0].size; // 2, complete at 12 ms
 * ```
 */
export class PartTimeline {
  /** Every complete part, in order. */
  readonly parts: ArrivedPart[] = [];
  /** Faults in the framing, in order. */
  readonly faults: FramingFault[] = [];
  /** Bytes before the first delimiter, or null until it came. */
  preamble: number | null = null;
  /** Total bytes received. */
  received = 0;
  /** Milliseconds to the first byte, or null. */
  firstByteAt: number | null = null;
  /** Milliseconds to the close delimiter, or null while open. */
  closed: number | null = null;
  readonly #delimiter: string;
  #text = "";
  #state: State = "preamble";
  #head = "";
  #bodyFrom = 0;
  #length: number | null = null;

  readonly #maxPending: number;

  /**
   * @param boundary The boundary from the response's `Content-Type`.
   * @param maxPending The most bytes kept while no part ends.
   */
  constructor(boundary: string, maxPending: number = MAX_PENDING) {
    this.#delimiter = `--${boundary}`;
    this.#maxPending = maxPending;
  }

  /** Bytes that arrived `at` milliseconds after the request. */
  push(bytes: Uint8Array, at: number): void {
    if (bytes.length === 0 || this.closed !== null) return;
    this.firstByteAt ??= at;
    this.received += bytes.length;
    this.#text += latin1.decode(bytes);
    while (this.#step(at));
    if (this.#text.length > this.#maxPending) {
      // No part ends within the bound: drop what is kept and look for the next delimiter.
      this.#fault("oversized");
      this.#consume(this.#text.length - this.#delimiter.length, "preamble");
    }
  }

  /** One step of reading; false when more bytes are needed. */
  #step(at: number): boolean {
    const text = this.#text, delimiter = this.#delimiter;
    if (this.#state === "preamble") {
      const found = text.indexOf(delimiter);
      if (found === -1) {
        // Only a delimiter's start can matter: the rest is preamble (or a body given up on).
        this.#text = text.slice(-(delimiter.length - 1));
        return false;
      }
      this.preamble ??= this.received - text.length + found;
      return this.#consume(found + delimiter.length, "line");
    }
    if (this.#state === "line") {
      // After `--B`: `--` closes; otherwise padding and CRLF, which may come with the next part.
      const end = text.indexOf("\r\n");
      if (text.startsWith("--")) {
        this.closed = at;
        return false;
      }
      if (!/^-?$|^[ \t]*(\r\n?)?$|^[ \t]*\r\n/.test(text.slice(0, Math.max(2, end + 2)))) {
        // Not a delimiter after all: the boundary's text was inside the last body, which a
        // browser cut there. Read on from the next delimiter.
        this.#fault("boundary-in-body", this.parts.length);
        return this.#consume(0, "preamble");
      }
      if (end === -1) return false;
      return this.#consume(end + 2, "head");
    }
    if (this.#state === "head") {
      // An empty header block: the CRLF may also start the next delimiter (an empty part).
      const end = text.startsWith("\r\n") ? 0 : text.indexOf("\r\n\r\n");
      if (end === -1) return false;
      this.#head = text.slice(0, end);
      this.#length = lengthOf(this.#head);
      this.#bodyFrom = end === 0 ? 2 : end + 4;
      this.#state = "body";
    }
    return this.#body(at);
  }

  /** Finds the end of the current body; records the part. */
  #body(at: number): boolean {
    const text = this.#text, from = this.#bodyFrom, next = `\r\n${this.#delimiter}`;
    let end: number;
    if (this.#length !== null) {
      if (text.length < from + this.#length + next.length) return false;
      end = from + this.#length;
      if (text.startsWith(next, end)) {
        // The length holds: a delimiter inside it is the boundary's text in the body.
        const inside = text.indexOf(next, Math.max(0, from - 2));
        if (inside < end) this.#fault("boundary-in-body");
      } else {
        this.#fault("length-mismatch");
        end = text.indexOf(next, Math.max(0, from - 2));
        if (end === -1) return false;
      }
    } else {
      // The part ends at the first `CRLF --B`; what follows it is checked in the "line" state, as
      // it may come only with the next part.
      end = text.indexOf(next, Math.max(0, from - 2));
      if (end === -1) return false;
    }
    const fields = headerFields(this.#head);
    const stamp = Number(fields.get("x-timestamp"));
    this.parts.push({
      at,
      size: Math.max(0, end - from),
      contentType: fields.get("content-type") ?? null,
      contentLength: this.#length,
      stamp: Number.isFinite(stamp) && stamp > 0 ? stamp : null,
      offset: this.received - text.length + end,
    });
    return this.#consume(end + next.length, "line");
  }

  #fault(kind: FramingFault["kind"], part = this.parts.length + 1): void {
    if (this.faults.length < MAX_FAULTS) this.faults.push({ kind, part });
  }

  #consume(n: number, state: State): true {
    this.#text = this.#text.slice(n);
    this.#state = state;
    return true;
  }
}

/**
 * Whether most `image/*` parts came without `Content-Length` (a hub's first part to a browser,
 * the frame it already had, may carry one); null when there is no image part.
 *
 * @example
 * ```ts ignore
 * imagesLackLength(timeline.parts); // true for a browser's parts from a PushHub
 * ```
 */
export function imagesLackLength(parts: ArrivedPart[]): boolean | null {
  const images = parts.filter((part) => /^image\//i.test(part.contentType ?? ""));
  if (images.length === 0) return null;
  return images.filter((part) => part.contentLength === null).length > images.length / 2;
}

/** A header block's fields, names in lower case. */
function headerFields(head: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of head.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) {
      fields.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
  }
  return fields;
}

/** The `Content-Length` of a header block, or null when it has none (or not a number). */
function lengthOf(head: string): number | null {
  const value = headerFields(head).get("content-length");
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : null;
}
