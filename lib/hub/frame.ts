/**
 * One published frame of a `PushHub`, encoded once for every subscriber: the
 * body is copied once into one buffer laid out for every framing
 * (lib/push/framing.ts, `wireFrame`), so sending a frame to a subscriber is
 * handing over a view of that buffer, the same for 1 byte or 1 MB.
 *
 * @module
 */

import { type WireFrame, wireFrame } from "../push/framing.ts";
import type { WirePart } from "../push/part.ts";

/** A frame ready to be shared. */
export interface HubFrame extends WireFrame {
  /** The part's own `Content-Type` value, for `snapshot()`. */
  contentType: string;
  /** `X-Timestamp` and `X-Frame` fields in the head (not in `fields` or `key`), or `""`. */
  stamp: string;
  /** The size of the one buffer every view of it keeps alive. */
  size: number;
}

/** A checked part whose body is already bytes, as `publish()` requires. */
export type BytesPart = WirePart & { bytes: Uint8Array };

/**
 * Whether a checked part's body is already bytes (not a Blob or stream).
 *
 * @example
 * ```ts ignore
 * if (!hasBytes(wire)) throw new TypeError("read the body first");
 * encodeFrame("B", wire, "text/plain");
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
 * const frame = encodeFrame(boundary, wire, "image/jpeg");
 * ```
 */
export function encodeFrame(
  boundary: string,
  wire: BytesPart,
  contentType: string,
  stamp = "",
): HubFrame {
  const frame = wireFrame(boundary, wire.fields, wire.key, wire.bytes, stamp);
  return { ...frame, contentType, stamp, size: frame.switched.byteLength };
}

/** Whether a part would put exactly the bytes of `frame` on the wire again. */
export function sameFrame(frame: HubFrame, fields: string, bytes: Uint8Array): boolean {
  const body = frame.body;
  if (frame.fields !== fields || body.byteLength !== bytes.byteLength) return false;
  for (let i = 0; i < bytes.byteLength; i++) if (body[i] !== bytes[i]) return false;
  return true;
}
