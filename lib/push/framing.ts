/**
 * The wire rule: which bytes go out around each part, and when. The encoder
 * (`pushStream`, `pushResponse`) and `PushHub` both write every push through
 * {@linkcode PartWriter}, so the two cannot disagree; each frame goes out as
 * one chunk, and nothing is sent from a timer.
 *
 * Two framings, picked per client (options.ts, {@linkcode wantsAnnounce}):
 *
 * Browser framing (`announce`, replace mode): `--B CRLF` opens; the first part
 * is `fields CRLF body`, and every part's body is followed, in the same chunk,
 * by its complete delimiter line and the header block of the part to come
 * (this part's own, without `Content-Length`):
 * `body CRLF --B CRLF key CRLF`. Browsers act on what follows a body: Chromium
 * paints a part only once the next part's header block has arrived, Firefox
 * only once the delimiter line is complete. So each frame is painted as soon
 * as its one chunk arrives, without a second send or a timer. The next part
 * whose header block is the announced one is its body alone; one with another
 * block first fills the announced part with the previous body. A push that
 * ends (its source returns, an abort, a timeout, `hub.close()`) fills the
 * announced part with the last body again, then `CRLF --B-- CRLF`: an empty
 * part there blanks a Firefox document and breaks a Chromium or WebKit `<img>`
 * (issue 14). Decoders therefore read one part more than was pushed: the last
 * one, twice.
 *
 * Reader framing (replace mode for media readers and `fetch()`, and all of
 * mixed mode): `CRLF --B` opens, each part is `CRLF fields CRLF body CRLF --B`
 * (the line's `CRLF` starts the next part), `-- CRLF` closes. N parts read as
 * N, each with its `Content-Length`; but a browser would show each frame one
 * late, so browsers are not given it.
 *
 * @module
 */

import { concatBytes, latin1Bytes } from "../shared/bytes.ts";

/** Which multipart flavour a push uses. */
export type PushMode = "replace" | "mixed";

/** A part's bytes laid out once, for every framing; each `Uint8Array` views one buffer. */
export interface WireFrame {
  /** `CRLF fields CRLF body CRLF --B`: one part in reader framing. */
  reader: Uint8Array;
  /** `fields CRLF body CRLF --B CRLF key CRLF`: the first part in browser framing. */
  first: Uint8Array;
  /** `body CRLF --B CRLF key CRLF`: a part whose block was announced. */
  fits: Uint8Array;
  /** `CRLF --B CRLF fields CRLF body CRLF --B CRLF key CRLF`: a part after a fill. */
  switched: Uint8Array;
  /** The body alone. */
  body: Uint8Array<ArrayBuffer>;
  /** The header fields as sent (with `Content-Length` when known). */
  fields: string;
  /** The header block without `Content-Length`: what this part announces next. */
  key: string;
}

/**
 * What WebKit needs before it shows a small first part: its network layer
 * holds back a response's first bytes until 512 have come (libsoup's content
 * sniffer buffer). Text before the first delimiter is a preamble (RFC 2046)
 * that every reader skips, so browser framing opens with 510 spaces and CRLF.
 */
const PREAMBLE = `${" ".repeat(510)}\r\n`;

/**
 * Lays out one part for every framing: the body is copied once, with the
 * header fields (and `stamp`, fields for this part only) before it and the
 * delimiter line and `key` after it.
 *
 * @example
 * ```ts ignore
 * const frame = wireFrame("B", wire.fields, wire.key, wire.bytes);
 * new TextDecoder().decode(frame.reader); // "\r\nContent-Type: …\r\n\r\nbody\r\n--B"
 * ```
 */
export function wireFrame(
  boundary: string,
  fields: string,
  key: string,
  body: Uint8Array,
  stamp = "",
): WireFrame {
  const line = `\r\n--${boundary}\r\n`;
  const head = latin1Bytes(`${line}${fields}${stamp}\r\n`);
  const tail = latin1Bytes(`${line}${key}\r\n`);
  const bodyAt = head.byteLength;
  const tailAt = bodyAt + body.byteLength;
  const out = new Uint8Array(tailAt + tail.byteLength);
  out.set(head, 0);
  out.set(body, bodyAt);
  out.set(tail, tailAt);
  const lineLength = line.length;
  return {
    reader: out.subarray(lineLength - 2, tailAt + lineLength - 2),
    first: out.subarray(lineLength),
    fits: out.subarray(bodyAt),
    switched: out,
    body: out.subarray(bodyAt, tailAt),
    fields,
    key,
  };
}

/**
 * The framing of one push to one client: it frames each part as it goes out
 * and knows what ends the push. `announce` picks browser framing (see the
 * module doc); mixed mode is always reader framing.
 *
 * @example
 * ```ts ignore
 * const writer = new PartWriter("B", true);
 * enqueue(writer.open);
 * enqueue(writer.part(wireFrame("B", wire.fields, wire.key, wire.bytes)));
 * for (const chunk of writer.close()) enqueue(chunk);
 * ```
 */
export class PartWriter<F extends WireFrame = WireFrame> {
  /** Sent first, on its own: the push's opening. */
  readonly open: Uint8Array;
  readonly #announce: boolean;
  readonly #line: string;
  /** The header block announced last (browser framing), `undefined` before the first part. */
  #announced: string | undefined;
  /** The body that fills the announced part (the last body sent), by reference. */
  #fill: Uint8Array[] = [];
  /** The frame whose body `#fill` is, when the part was sent whole. */
  #fillFrame: F | undefined;
  /** The tail of a streamed body for its key, kept while the key stays. */
  #tail: { key: string; bytes: Uint8Array } | undefined;

  constructor(boundary: string, announce: boolean) {
    this.#announce = announce;
    this.#line = `\r\n--${boundary}`;
    this.open = latin1Bytes(announce ? `${PREAMBLE}--${boundary}\r\n` : this.#line);
  }

  /** The frame whose body fills the announced part (the hub counts the buffer it keeps). */
  get filling(): F | undefined {
    return this.#fillFrame;
  }

  /** A whole part, as the one chunk to send. */
  part(frame: F): Uint8Array {
    if (!this.#announce) return frame.reader;
    const announced = this.#announced;
    const fill = this.#fill;
    this.#announced = frame.key;
    this.#fill = [frame.body];
    this.#fillFrame = frame;
    if (announced === undefined) return frame.first;
    if (announced === frame.key) return frame.fits;
    return concatBytes([...fill, frame.switched]);
  }

  /**
   * A frame waiting to be sent (a hub viewer's slot) whose header block is
   * the announced one fills that part as well as the body sent last: the
   * older body is let go, so a stalled viewer keeps one frame, not two.
   */
  refill(frame: F): void {
    if (!this.#announce || this.#announced !== frame.key) return;
    this.#fill = [frame.body];
    this.#fillFrame = frame;
  }

  /** What goes before a streamed body with header `fields` (`key` without its length). */
  begin(fields: string, key: string): Uint8Array {
    if (!this.#announce) return latin1Bytes(`\r\n${fields}\r\n`);
    const announced = this.#announced;
    const fill = this.#fill;
    this.#announced = key;
    this.#fill = [];
    this.#fillFrame = undefined;
    if (announced === key) return new Uint8Array(0);
    if (announced === undefined) return latin1Bytes(`${fields}\r\n`);
    return concatBytes([...fill, latin1Bytes(`${this.#line}\r\n${fields}\r\n`)]);
  }

  /** Notes one chunk of a streamed body as it is sent: with browser framing it may fill a part. */
  chunk(bytes: Uint8Array): void {
    if (this.#announce) this.#fill.push(bytes);
  }

  /** What goes after a streamed body. */
  end(): Uint8Array {
    if (!this.#announce) return latin1Bytes(this.#line);
    const key = this.#announced!;
    if (this.#tail?.key !== key) {
      this.#tail = { key, bytes: latin1Bytes(`${this.#line}\r\n${key}\r\n`) };
    }
    return this.#tail.bytes;
  }

  /**
   * The last chunks of the push, between parts: the announced part's fill (by
   * reference, not copied: an ending is no steady state), and the close.
   */
  close(): Uint8Array[] {
    if (!this.#announce) return [latin1Bytes("--\r\n")];
    const fill = this.#announced === undefined ? [] : this.#fill;
    this.#fill = [];
    this.#fillFrame = undefined;
    return [...fill, latin1Bytes(`${this.#line}--\r\n`)];
  }
}
