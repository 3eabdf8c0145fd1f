/**
 * What goes around each part's body, including the `advanceHeaders` scheme:
 * after each delimiter the previous part's header block is sent at once, so
 * that Chromium, which paints a part only when the next part's header block
 * has arrived, paints every frame as soon as it is sent.
 *
 * A next part whose header block differs cannot use the block already sent.
 * Ending that announced part empty is not an option: Chromium turns the
 * `<img>` into a broken image on an empty part and never recovers. So the
 * announced part is filled with a repeat of the previous body (whose type it
 * announced), and the new part follows with its own headers: every client sees
 * valid parts, a browser sees no gap. This is why, with `advanceHeaders`, the
 * previous part's body is kept (by reference) until the next part is framed.
 * The same holds at the end: the part announced after the last one is filled
 * with its body again before the close delimiter.
 *
 * @module
 */

import { concatBytes } from "../shared/bytes.ts";
import { type Framing, headBytes } from "./framing.ts";
import type { WirePart } from "./part.ts";

/** Frames the parts of one push, in order. */
export interface PartFramer {
  /** The chunks to send before a part's body. */
  before(wire: WirePart): Uint8Array[];
  /** Notes one chunk of the current body, as it is sent. */
  body(chunk: Uint8Array): void;
  /** The bytes that end the current part. */
  after(): Uint8Array;
  /** The chunks that end the push, between parts. */
  close(): Uint8Array[];
}

/** Creates the framer for one push. */
export function partFramer(framing: Framing, advance: boolean): PartFramer {
  if (!advance) {
    return {
      before: (wire) => [headBytes(framing, wire.fields)],
      body: () => {},
      after: () => framing.delimiter,
      close: () => [framing.close],
    };
  }
  let announced: string | undefined;
  let previous: Uint8Array[] = [];
  let current: Uint8Array[] = [];
  let currentKey = "";
  let tail: { key: string; bytes: Uint8Array } | undefined;
  return {
    before(wire) {
      const fits = announced === wire.key;
      const out = announced === undefined || fits ? [] : [...previous, framing.delimiter];
      if (!fits) out.push(headBytes(framing, wire.fields));
      current = [];
      currentKey = wire.key;
      return out;
    },
    body(chunk) {
      current.push(chunk);
    },
    after() {
      previous = current;
      announced = currentKey;
      if (tail?.key !== currentKey) {
        tail = {
          key: currentKey,
          bytes: concatBytes([framing.delimiter, headBytes(framing, currentKey)]),
        };
      }
      return tail.bytes;
    },
    close() {
      return announced === undefined ? [framing.close] : [...previous, framing.close];
    },
  };
}
