/**
 * The bytes around parts, for both modes. The encoder and the hub build every
 * frame from these, so the two can never disagree on the wire format.
 *
 * Replace mode (`multipart/x-mixed-replace`): `--B CRLF` opens, each part is
 * `fields CRLF body`, followed at once by `CRLF --B` (`held`); the line's
 * `CRLF` follows a moment later unless the push ends first, in which case
 * `-- CRLF` closes right after the last body. That is the one ending every
 * client keeps (measured, issue 14): an empty part before the close blanks a
 * Firefox document and breaks a WebKit `<img>`, and Python's `email` and VLC
 * count it as a part. Firefox, ffmpeg and the 1995 Netscape note act on a
 * complete boundary line, so the line is not held for longer than that moment.
 * A push that ends later, its line already complete, closes with
 * `CRLF --B-- CRLF` (an empty part, which our decoder and ffmpeg skip).
 *
 * Mixed mode (`multipart/mixed`, GraphQL incremental delivery): `CRLF --B`
 * opens, each part is `CRLF fields CRLF body` followed at once by `CRLF --B`;
 * `-- CRLF` closes. No empty part ever appears.
 *
 * @module
 */

import { latin1Bytes } from "../shared/bytes.ts";

/** Which multipart flavour a push uses. */
export type PushMode = "replace" | "mixed";

/** The constant bytes of one push. */
export interface Framing {
  /** Sent as soon as the stream starts. */
  open: Uint8Array;
  /** The whole delimiter line between two parts. */
  delimiter: Uint8Array;
  /** The delimiter without its line end: sent together with a part's last byte. */
  held: Uint8Array;
  /** What completes `held` into `delimiter` (empty in mixed mode, where it is `headStart`). */
  lineEnd: Uint8Array;
  /** Ends the push right after `held`. */
  closeHeld: Uint8Array;
  /** Comes before a part's header fields (the CRLF of a mixed delimiter line). */
  headStart: string;
  /** Ends the push after a complete `delimiter`. */
  close: Uint8Array;
}

const encoder = new TextEncoder();

/**
 * Builds the constant bytes for `mode` and `boundary`.
 *
 * @example
 * ```ts ignore
 * new TextDecoder().decode(framingFor("replace", "B").delimiter); // "\r\n--B\r\n"
 * ```
 */
export function framingFor(mode: PushMode, boundary: string): Framing {
  if (mode === "replace") {
    return {
      open: encoder.encode(`--${boundary}\r\n`),
      delimiter: encoder.encode(`\r\n--${boundary}\r\n`),
      held: encoder.encode(`\r\n--${boundary}`),
      lineEnd: encoder.encode("\r\n"),
      closeHeld: encoder.encode("--\r\n"),
      headStart: "",
      close: encoder.encode(`\r\n--${boundary}--\r\n`),
    };
  }
  return {
    open: encoder.encode(`\r\n--${boundary}`),
    delimiter: encoder.encode(`\r\n--${boundary}`),
    held: encoder.encode(`\r\n--${boundary}`),
    lineEnd: new Uint8Array(0),
    closeHeld: encoder.encode(`--\r\n`),
    headStart: "\r\n",
    close: encoder.encode(`--\r\n`),
  };
}

/**
 * A part's header block as bytes: `headStart`, the fields, the empty line.
 * One byte per character (Latin-1, checked by `headerLine`), so a header
 * byte relayed from upstream goes out unchanged.
 *
 * @example
 * ```ts ignore
 * headBytes(framingFor("mixed", "B"), "Content-Type: text/plain\r\n"); // "\r\nContent-Type: text/plain\r\n\r\n"
 * ```
 */
export function headBytes(framing: Framing, fields: string): Uint8Array {
  return latin1Bytes(`${framing.headStart}${fields}\r\n`);
}
