/**
 * The bytes around parts, for both modes. The encoder and the hub build every
 * frame from these, so the two can never disagree on the wire format.
 *
 * Replace mode (`multipart/x-mixed-replace`): `--B CRLF` opens, each part is
 * `fields CRLF body`, followed at once by the whole delimiter line
 * `CRLF --B CRLF` (Firefox, ffmpeg and the 1995 Netscape note all act on a
 * complete boundary line). The close `CRLF --B-- CRLF` therefore ends an empty
 * part: Chromium and Firefox keep the last picture, decoders skip it.
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
  /** Ends a part; sent together with the part's last byte. */
  delimiter: Uint8Array;
  /** Comes before a part's header fields (the CRLF of a mixed delimiter line). */
  headStart: string;
  /** Ends the push. */
  close: Uint8Array;
}

const encoder = new TextEncoder();

/** Builds the constant bytes for `mode` and `boundary`. */
export function framingFor(mode: PushMode, boundary: string): Framing {
  if (mode === "replace") {
    return {
      open: encoder.encode(`--${boundary}\r\n`),
      delimiter: encoder.encode(`\r\n--${boundary}\r\n`),
      headStart: "",
      close: encoder.encode(`\r\n--${boundary}--\r\n`),
    };
  }
  return {
    open: encoder.encode(`\r\n--${boundary}`),
    delimiter: encoder.encode(`\r\n--${boundary}`),
    headStart: "\r\n",
    close: encoder.encode(`--\r\n`),
  };
}

/**
 * A part's header block as bytes: `headStart`, the fields, the empty line.
 * One byte per character (Latin-1, checked by `headerLine`), so a header
 * byte relayed from upstream goes out unchanged.
 */
export function headBytes(framing: Framing, fields: string): Uint8Array {
  return latin1Bytes(`${framing.headStart}${fields}\r\n`);
}
