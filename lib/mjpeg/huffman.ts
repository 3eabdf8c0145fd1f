/**
 * The standard Huffman tables of JPEG (ITU T.81 Annex K.3), put into a picture that has none.
 *
 * USB (UVC) webcams send MJPEG frames without a DHT segment: the decoder is meant to use these
 * tables. Chromium and Firefox do; Safari and iOS paint such frames black. mjpg-streamer inserts
 * the tables for that reason, and so do `ingest` and `jpegFrames({ huffmanTables: true })`.
 *
 * @module
 */

import { mediaTypeOf } from "../shared/media_type.ts";

// Each table: its class and id byte, the number of codes of each length 1..16, the symbols (an
// irregular head, then rows of consecutive symbols).
const DC_LUMINANCE: Table = [0x00, "00010501010101010100000000000000", range(0, 12)];
const DC_CHROMINANCE: Table = [0x01, "00030101010101010101010000000000", range(0, 12)];
const AC_LUMINANCE: Table = [0x10, "0002010303020403050504040000017d", [
  ...hex("01020300041105122131410613516107227114328191a1082342b1c11552d1f02433627282090a"),
  ...rows(0x1, 0x1, 6),
  ...rows(0x2, 0x2, 5),
  ...rows(0x3, 0x3, 4),
  ...rows(0x4, 0x8, 3),
  ...rows(0x9, 0xd, 2),
  ...rows(0xe, 0xf, 1),
]];
const AC_CHROMINANCE: Table = [0x11, "00020102040403040705040400010277", [
  ...hex("000102031104052131061241510761711322328108144291a1b1c109233352f0156272d10a16"),
  ...hex("2434e125f1"),
  ...rows(0x1, 0x1, 7),
  ...rows(0x2, 0x2, 6),
  ...rows(0x3, 0x3, 5),
  ...rows(0x4, 0x7, 3),
  ...rows(0x8, 0xd, 2),
  ...rows(0xe, 0xf, 2),
]];

/** A Huffman table: class and id, the 16 code counts as hex, the symbols. */
type Table = [number, string, number[]];

/** The bytes a hex string spells. */
function hex(text: string): number[] {
  return Array.from(
    { length: text.length / 2 },
    (_, i) => parseInt(text.slice(2 * i, 2 * i + 2), 16),
  );
}

/** `from`, `from + 1`, ... below `to`. */
function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

/** For each high nibble `first..last`: the symbols `h·low`..`h·a` (the tables' regular tail). */
function rows(first: number, last: number, low: number): number[] {
  return range(first, last + 1).flatMap((high) => range(high * 16 + low, high * 16 + 11));
}

/** The DHT segment with the four tables, marker and length included (420 bytes). */
export const STANDARD_DHT: Uint8Array = (() => {
  const body = [DC_LUMINANCE, DC_CHROMINANCE, AC_LUMINANCE, AC_CHROMINANCE].flatMap((
    [id, counts, symbols],
  ) => [id, ...hex(counts), ...symbols]);
  return new Uint8Array([0xff, 0xc4, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body]);
})();

/** SOF markers of arithmetic-coded pictures, which use no Huffman tables. */
const ARITHMETIC = new Set([0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

/**
 * `frame` with {@linkcode STANDARD_DHT} before its first SOS when no DHT comes before it; `frame`
 * itself (no copy) when it has one, is arithmetic-coded or is not a JPEG this can walk. Only the
 * segments before the first SOS are read (a few length hops), never the entropy-coded data.
 *
 * @example
 * ```ts
 * import { withHuffmanTables } from "./huffman.ts";
 *
 * const uvc = new Uint8Array([0xff, 0xd8, 0xff, 0xda, 0x00, 0x02, 0xff, 0xd9]);
 * withHuffmanTables(uvc).length; // 8 + 420
 * ```
 */
export function withHuffmanTables(frame: Uint8Array): Uint8Array {
  if (frame[0] !== 0xff || frame[1] !== 0xd8) return frame;
  let i = 2;
  while (i + 1 < frame.length) {
    if (frame[i] !== 0xff) return frame;
    const code = frame[i + 1];
    if (code === 0xff) i++; // a fill byte before the marker
    else if (code === 0xc4 || code === 0xd9 || ARITHMETIC.has(code)) return frame;
    else if (code === 0xda) return inserted(frame, i);
    else if (code === 0x01 || (code >= 0xd0 && code <= 0xd8)) i += 2;
    else if (i + 3 < frame.length) i += 2 + ((frame[i + 2] << 8) | frame[i + 3]);
    else return frame;
  }
  return frame;
}

function inserted(frame: Uint8Array, at: number): Uint8Array {
  const out = new Uint8Array(frame.length + STANDARD_DHT.length);
  out.set(frame.subarray(0, at));
  out.set(STANDARD_DHT, at);
  out.set(frame.subarray(at), at + STANDARD_DHT.length);
  return out;
}

/**
 * A frame whose `image/jpeg` body gets the standard tables if it lacks them (what `ingest` does
 * to every frame it publishes); any other frame as it is.
 *
 * @example
 * ```ts ignore
 * hub.publish(withHuffmanTablesPart({ contentType: "image/jpeg", body: uvcFrame }));
 * ```
 */
export function withHuffmanTablesPart<F extends { contentType: string; body: Uint8Array }>(
  frame: F,
): F {
  if (mediaTypeOf(frame.contentType) !== "image/jpeg") return frame;
  const body = withHuffmanTables(frame.body);
  return body === frame.body ? frame : { ...frame, body };
}
