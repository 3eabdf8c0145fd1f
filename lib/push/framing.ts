/**
 * The wire rule: which bytes go out around each part, and when. The encoder
 * (`pushStream`, `pushResponse`) and `PushHub` both write every push through
 * {@linkcode PartWriter}, so the two cannot disagree; each frame goes out as
 * one chunk, and no part waits on a timer (only an ending may, see below).
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
 * block first fills the announced part with the previous body.
 *
 * Reader framing (replace mode for media readers and `fetch()`, and all of
 * mixed mode): `CRLF --B` opens, each part is `CRLF fields CRLF body CRLF --B`
 * (the line's `CRLF` starts the next part), `-- CRLF` closes. Each part has
 * its `Content-Length`, which FFmpeg (ffmpeg, OpenCV) needs to hand a part
 * over as it arrives rather than one part late; but browsers would show each
 * frame one late (and a lone frame never), so they are not given it.
 *
 * The ending, whatever ends a replace push (its source returns, at once or
 * later, an abort, a timeout, `hub.close()`): the last part again, then the
 * close. Browser framing must fill the part it announced: an empty part there
 * blanks a Firefox document and breaks a Chromium or WebKit `<img>` (issue
 * 14), and GStreamer, Python's `email` and our decoder would read it as a part.
 * Reader framing repeats it too, since VLC drops the part that the close
 * delimiter ends. So readers count one part more than was pushed, the last
 * one twice (VLC: exactly those pushed). Mixed mode repeats nothing.
 *
 * The fill never follows the part before it within {@linkcode FILL_GAP_MS}:
 * WebKitGTK 2.50 leaves a top-level HTML document empty (no `<html>`, for
 * good) when a part's body comes right behind the part before it: 25 of 30
 * such endings ended blank with the fill in the same turn, 5 of 30 with it
 * 1 ms later, none of 30 at 3 or 10 ms (idle or with both cores busy) or at
 * 25 ms (both busy). So an ending right after a part (a source that returns
 * at once, a deadline or `hub.close()` just after a frame) waits out the rest
 * of that gap; every other ending goes at once.
 *
 * Measured in issue 19 (WebKitGTK 2.50, libsoup 3.2): WebKit shows nothing of
 * a response until 512 bytes of its body have come (libsoup's content sniffer
 * buffers them, `X-Content-Type-Options: nosniff` or not); browser framing
 * opens with a 512-byte preamble, which every reader skips, so a lone small
 * first part shows at once.
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
 * holds back a response's first 512 body bytes (libsoup's content sniffer,
 * `BUFFER_SIZE 512`). Text before the first delimiter is a preamble (RFC 2046)
 * that every reader skips, so browser framing opens with 510 spaces and CRLF.
 */
const PREAMBLE = `${" ".repeat(510)}\r\n`;

/**
 * How long after the part before it the ending's fill may go out (browser
 * framing): see the module doc.
 */
export const FILL_GAP_MS = 25;

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
 * The framing one client gets: `browser` and `reader` for replace mode (see
 * the module doc), `mixed` for mixed mode (reader framing, nothing repeated).
 */
export type Wire = "browser" | "reader" | "mixed";

/**
 * The framing of a push in `mode`, `announce` telling browser framing
 * (`advanceHeaders`, picked per client in options.ts) from reader framing.
 */
export function wireFor(mode: PushMode, announce: boolean): Wire {
  return mode === "mixed" ? "mixed" : announce ? "browser" : "reader";
}

/**
 * The framing of one push to one client: it frames each part as it goes out
 * and knows what ends the push, keeping (by reference) the last part to
 * repeat at the end in replace mode.
 *
 * @example
 * ```ts ignore
 * const writer = new PartWriter("B", "browser");
 * enqueue(writer.open);
 * enqueue(writer.part(wireFrame("B", wire.fields, wire.key, wire.bytes)));
 * for (const chunk of writer.close()) enqueue(chunk);
 * ```
 */
export class PartWriter<F extends WireFrame = WireFrame> {
  /** Sent first, on its own: the push's opening. */
  readonly open: Uint8Array;
  readonly #wire: Wire;
  readonly #line: string;
  /** The header block announced last (browser framing), `undefined` before the first part. */
  #announced: string | undefined;
  /**
   * What repeats the last part at the end: its body (browser framing: the
   * announced block is out already) or the whole part (reader framing).
   */
  #fill: Uint8Array[] = [];
  /** The frame `#fill` comes from, when the part was sent whole. */
  #fillFrame: F | undefined;
  /** The tail of a streamed body for its key, kept while the key stays. */
  #tail: { key: string; bytes: Uint8Array } | undefined;
  /** When the last part went out whole (browser framing): the fill keeps its distance. */
  #sentAt = -Infinity;

  constructor(boundary: string, wire: Wire) {
    this.#wire = wire;
    this.#line = `\r\n--${boundary}`;
    this.open = latin1Bytes(wire === "browser" ? `${PREAMBLE}--${boundary}\r\n` : this.#line);
  }

  /** The frame kept to repeat at the end (the hub counts the buffer it keeps). */
  get filling(): F | undefined {
    return this.#fillFrame;
  }

  /** A whole part, as the one chunk to send, sent at `now`. */
  part(frame: F, now: number = Date.now()): Uint8Array {
    if (this.#wire !== "browser") {
      this.#keep(frame, frame.reader);
      return frame.reader;
    }
    const announced = this.#announced;
    const fill = this.#fill;
    this.#announced = frame.key;
    this.#keep(frame, frame.body);
    this.#sentAt = now;
    if (announced === undefined) return frame.first;
    if (announced === frame.key) return frame.fits;
    return concatBytes([...fill, frame.switched]);
  }

  /**
   * A frame waiting to be sent (a hub viewer's slot) that could repeat at
   * the end as well as the part sent last (browser framing: one with the
   * announced header block) takes its place: the older one is let go, so a
   * stalled viewer keeps one frame, not two.
   */
  refill(frame: F): void {
    if (this.#wire === "reader") this.#keep(frame, frame.reader);
    else if (this.#wire === "browser" && this.#announced === frame.key) {
      this.#keep(frame, frame.body);
    }
  }

  /** What goes before a streamed body with header `fields` (`key` without its length). */
  begin(fields: string, key: string): Uint8Array {
    if (this.#wire !== "browser") {
      const head = latin1Bytes(`\r\n${fields}\r\n`);
      this.#keep(undefined, head);
      return head;
    }
    const announced = this.#announced;
    const fill = this.#fill;
    this.#announced = key;
    this.#keep(undefined);
    if (announced === key) return new Uint8Array(0);
    if (announced === undefined) return latin1Bytes(`${fields}\r\n`);
    return concatBytes([...fill, latin1Bytes(`${this.#line}\r\n${fields}\r\n`)]);
  }

  /** Notes one chunk of a streamed body as it is sent: it may repeat at the end. */
  chunk(bytes: Uint8Array): void {
    if (this.#wire !== "mixed") this.#fill.push(bytes);
  }

  /** What goes after a streamed body. */
  end(): Uint8Array {
    if (this.#wire !== "browser") {
      const line = latin1Bytes(this.#line);
      if (this.#wire === "reader") this.#fill.push(line);
      return line;
    }
    const key = this.#announced!;
    this.#sentAt = Date.now();
    if (this.#tail?.key !== key) {
      this.#tail = { key, bytes: latin1Bytes(`${this.#line}\r\n${key}\r\n`) };
    }
    return this.#tail.bytes;
  }

  /**
   * Milliseconds to wait before sending {@linkcode close}'s chunks: the rest
   * of {@linkcode FILL_GAP_MS} after the last part, when the close fills it
   * (browser framing); 0 otherwise.
   */
  closeDelay(): number {
    if (this.#wire !== "browser" || this.#announced === undefined) return 0;
    return Math.max(0, this.#sentAt + FILL_GAP_MS - Date.now());
  }

  /**
   * The last chunks of the push, between parts: in replace mode the last part
   * again (by reference, not copied: an ending is no steady state), then the
   * close delimiter.
   */
  close(): Uint8Array[] {
    const fill = this.#fill;
    this.#keep(undefined);
    if (this.#wire !== "browser") return [...fill, latin1Bytes("--\r\n")];
    if (this.#announced === undefined) return [latin1Bytes(`${this.#line}--\r\n`)];
    return [...fill, latin1Bytes(`${this.#line}--\r\n`)];
  }

  /** Keeps what repeats the last part (nothing in mixed mode). */
  #keep(frame: F | undefined, ...fill: Uint8Array[]): void {
    if (this.#wire === "mixed") return;
    this.#fill = fill;
    this.#fillFrame = frame;
  }
}
