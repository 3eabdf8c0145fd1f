/**
 * One published frame of a `PushHub`, encoded once for every subscriber.
 *
 * The body is copied once into a single buffer laid out as
 * `delimiter | head | body | delimiter | announce`, where `head` is the part's
 * header block (with `Content-Length`) and `announce` the block without
 * `Content-Length` that `advanceHeaders` sends ahead of the next part (see
 * part_framer.ts, whose rules `frameViews` mirrors). Every framing a
 * subscriber can need is a view into that buffer, so sending a frame to a
 * subscriber costs the same for 1 byte or 1 MB, and never copies.
 *
 * @module
 */

import { type Framing, headBytes } from "../push/framing.ts";
import type { WirePart } from "../push/part.ts";

/** A frame ready to be shared; every `Uint8Array` is a view of one buffer. */
export interface HubFrame {
  /** `head | body | delimiter`: replace mode without `advanceHeaders`, and mixed mode. */
  plain: Uint8Array;
  /** `head | body | delimiter | announce`: the first part after `open`, with `advanceHeaders`. */
  first: Uint8Array;
  /** `body | delimiter | announce`: the announced block is this frame's header block. */
  fits: Uint8Array;
  /**
   * `delimiter | head | body | delimiter | announce`: follows a repeat of the
   * previous body, which fills a part announced with another header block.
   */
  switched: Uint8Array;
  /** The body alone, for `snapshot()` and `dropSame`. */
  body: Uint8Array<ArrayBuffer>;
  /** The header fields as sent (with `Content-Length`), for `dropSame`. */
  fields: string;
  /** The header block without `Content-Length`; also what this frame announces next. */
  key: string;
  /** The part's own `Content-Type` value, for `snapshot()`. */
  contentType: string;
  /** `X-Timestamp` and `X-Frame` fields in the head (not in `fields` or `key`), or `""`. */
  stamp: string;
}

/** A checked part whose body is already bytes, as `publish()` requires. */
export type BytesPart = WirePart & { bytes: Uint8Array };

/**
 * Whether a checked part's body is already bytes (not a Blob or stream).
 *
 * @example
 * ```ts ignore
 * if (!hasBytes(wire)) throw new TypeError("read the body first");
 * encodeFrame(framing, wire, "text/plain");
 * ```
 */
export function hasBytes(wire: WirePart): wire is BytesPart {
  return wire.bytes !== undefined;
}

/**
 * Encodes a checked part; `contentType` is its own `Content-Type` value, for
 * `snapshot()`; `stamp` are header fields for the head only (`timestamps`:
 * they differ per frame, so `dropSame` and announced blocks leave them out).
 * The body is copied, so the caller may reuse its buffer after publishing.
 *
 * @example
 * ```ts ignore
 * const frame = encodeFrame(framingFor("replace", boundary), wire, "image/jpeg");
 * ```
 */
export function encodeFrame(
  framing: Framing,
  wire: BytesPart,
  contentType: string,
  stamp = "",
): HubFrame {
  const bytes = wire.bytes;
  const delimiter = framing.delimiter;
  const head = headBytes(framing, wire.fields + stamp);
  // Mixed mode has no advanceHeaders, so nothing is ever announced there.
  const announce = framing.headStart === "" ? headBytes(framing, wire.key) : undefined;
  const d = delimiter.byteLength;
  const headAt = d;
  const bodyAt = headAt + head.byteLength;
  const tailAt = bodyAt + bytes.byteLength;
  const announceAt = tailAt + d;
  const out = new Uint8Array(announceAt + (announce?.byteLength ?? 0));
  out.set(delimiter, 0);
  out.set(head, headAt);
  out.set(bytes, bodyAt);
  out.set(delimiter, tailAt);
  if (announce) out.set(announce, announceAt);
  return {
    plain: out.subarray(headAt, announceAt),
    first: out.subarray(headAt),
    fits: out.subarray(bodyAt),
    switched: out,
    body: out.subarray(bodyAt, tailAt),
    fields: wire.fields,
    key: wire.key,
    contentType,
    stamp,
  };
}

/**
 * The views of `frame` a subscriber sends, given the block it announced last
 * (`undefined` right after `open`) and the body it sent last.
 */
export function frameViews(
  frame: HubFrame,
  advanceHeaders: boolean,
  announced: string | undefined,
  previousBody: Uint8Array | undefined,
): Uint8Array[] {
  if (!advanceHeaders) return [frame.plain];
  if (announced === undefined) return [frame.first];
  if (announced === frame.key) return [frame.fits];
  return previousBody ? [previousBody, frame.switched] : [frame.switched];
}

/** Whether a part would put exactly the bytes of `frame` on the wire again. */
export function sameFrame(frame: HubFrame, fields: string, bytes: Uint8Array): boolean {
  const body = frame.body;
  if (frame.fields !== fields || body.byteLength !== bytes.byteLength) return false;
  for (let i = 0; i < bytes.byteLength; i++) if (body[i] !== bytes[i]) return false;
  return true;
}
