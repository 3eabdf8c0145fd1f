/**
 * What goes around each part's body, including the `advanceHeaders` scheme:
 * after each delimiter the previous part's header block is sent at once, so
 * that Chromium, which paints a part only when the next part's header block
 * has arrived, paints every frame as soon as it is sent.
 *
 * A part ends with the held delimiter (`CRLF --B`); the rest of the line (and
 * the announced header block) is `lineEnd()`, sent when the next part comes or
 * a moment later. A push that ends while the line is still open closes right
 * after the last body, with no empty or repeated part (see framing.ts).
 *
 * A next part whose header block differs cannot use the block already sent.
 * Ending that announced part empty is not an option: Chromium turns the
 * `<img>` into a broken image on an empty part and never recovers. So the
 * announced part is filled with a repeat of the previous body (whose type it
 * announced), and the new part follows with its own headers: every client sees
 * valid parts, a browser sees no gap. This is why, with `advanceHeaders`, the
 * previous part's body is kept (by reference) until the next part is framed.
 * The same holds at the end once a block was announced: that part is filled
 * with the last body again before the close delimiter.
 *
 * @module
 */

import { concatBytes } from "../shared/bytes.ts";
import { type Framing, headBytes } from "./framing.ts";
import type { WirePart } from "./part.ts";

/** Frames the parts of one push, in order. */
export interface PartFramer {
  /** The chunks to send before a part's body (the open line's end first, if any). */
  before(wire: WirePart): Uint8Array[];
  /** Notes one chunk of the current body, as it is sent. */
  body(chunk: Uint8Array): void;
  /** The bytes that end the current part: the delimiter without its line end. */
  after(): Uint8Array;
  /** Completes the open delimiter line (and announces a header block); empty when none is open. */
  lineEnd(): Uint8Array[];
  /** The chunks that end the push, between parts. */
  close(): Uint8Array[];
}

/**
 * Creates the framer for one push.
 *
 * @example
 * ```ts ignore
 * const framer = partFramer(framingFor("replace", "B"), false);
 * framer.before(wire); framer.after(); framer.close(); // "...body\r\n--B" "--\r\n"
 * ```
 */
export function partFramer(framing: Framing, advance: boolean): PartFramer {
  /** A delimiter line was started after the last body and not finished. */
  let open = false;
  const lineEnd = framing.lineEnd.byteLength > 0 ? [framing.lineEnd] : [];
  if (!advance) {
    return {
      before(wire) {
        const out = open ? [...lineEnd] : [];
        open = false;
        out.push(headBytes(framing, wire.fields));
        return out;
      },
      body: () => {},
      after() {
        open = true;
        return framing.held;
      },
      lineEnd() {
        const out = open ? lineEnd : [];
        open = false;
        return out;
      },
      close: () => [open ? framing.closeHeld : framing.close],
    };
  }
  let announced: string | undefined;
  let previous: Uint8Array[] = [];
  let current: Uint8Array[] = [];
  let currentKey = "";
  let tail: { key: string; bytes: Uint8Array } | undefined;
  return {
    before(wire) {
      const fits = !open && announced === wire.key;
      const out = open
        ? [...lineEnd]
        : announced === undefined || fits
        ? []
        : [...previous, framing.delimiter];
      open = false;
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
      announced = undefined;
      open = true;
      return framing.held;
    },
    lineEnd() {
      if (!open) return [];
      open = false;
      announced = currentKey;
      if (tail?.key !== currentKey) {
        tail = {
          key: currentKey,
          bytes: concatBytes([framing.lineEnd, headBytes(framing, currentKey)]),
        };
      }
      return [tail.bytes];
    },
    close() {
      if (open) return [framing.closeHeld];
      return announced === undefined ? [framing.close] : [...previous, framing.close];
    },
  };
}
