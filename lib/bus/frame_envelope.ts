/**
 * The frame envelope: one `Part` as one message any pub/sub bus can carry
 * (NATS, Redis, a Durable Object, a WebSocket).
 *
 * Layout (version 1):
 *
 * | bytes | what |
 * | ----- | ---- |
 * | 2     | magic `6d 70` (`"mp"`), so a stray message on the subject is told apart |
 * | 1     | version, `1` |
 * | 2     | length H of the header block, big-endian |
 * | 4     | length B of the body, big-endian (a truncated message is refused) |
 * | H     | UTF-8 header block: `Content-Type: …\r\n` then the part's own fields, each `Name: value\r\n` |
 * | B     | the body |
 *
 * The header block is the one the encoder checks (`toWirePart`), so a frame
 * that encodes is a part `PushHub.publish` accepts, and a decoded frame is
 * checked by the same rules before it is handed out.
 *
 * @module
 */

import { headerLine, partHeaderPairs } from "../shared/header_fields.ts";
import { toWirePart } from "../push/part.ts";
import type { Part } from "../push/part.ts";
import { FrameError } from "./frame_error.ts";
import { describeValue } from "../shared/describe.ts";

/**
 * The envelope version this module writes and reads (the third byte of every frame).
 *
 * @example
 * ```ts
 * import { encodeFrame, FRAME_VERSION } from "multipart-push/bus";
 *
 * encodeFrame({ contentType: "text/plain", body: "x" })[2] === FRAME_VERSION; // true
 * ```
 */
export const FRAME_VERSION = 1;
const MAGIC_0 = 0x6d;
const MAGIC_1 = 0x70;
const PREFIX = 9;
const MAX_BODY = 0xffffffff;
const MAX_HEAD = 0xffff;
const TYPE_PREFIX = "Content-Type: ";

const encoder = new TextEncoder();
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * A decoded frame: a `Part` whose body is a view into the message's bytes
 * (no copy) and whose headers are `[name, value]` pairs in their order.
 */
export interface DecodedPart extends Part {
  /** The body: a view into the message, not a copy. */
  body: Uint8Array;
  /** The part's own header fields (not `Content-Type`), in order, duplicates kept. */
  headers: [string, string][];
}

/**
 * One part as one bus message. The body is copied once, into the message.
 *
 * @example
 * ```ts
 * import { decodeFrame, encodeFrame } from "multipart-push";
 *
 * const bytes = encodeFrame({ contentType: "text/plain", body: "hi", headers: { "X-Seq": "1" } });
 * decodeFrame(bytes).headers; // [["X-Seq", "1"]]
 * ```
 * @throws {TypeError} on a bad part, or a Blob or stream body (read it into bytes first).
 * @throws {RangeError} when the header block is over 65535 bytes.
 */
export function encodeFrame(part: Part): Uint8Array<ArrayBuffer> {
  const wire = toWirePart(part, "part");
  const bytes = wire.bytes;
  if (bytes === undefined) {
    throw new TypeError(
      "part.body must be a string, Uint8Array, ArrayBuffer or ArrayBufferView for encodeFrame(), " +
        `got ${describeValue(part.body)}; read it into bytes first`,
    );
  }
  // wire.key is the checked header block without Content-Length, each field ending CRLF.
  const head = encoder.encode(wire.key);
  if (head.byteLength > MAX_HEAD) {
    throw new RangeError(
      `part: the header block (Content-Type and headers) must be at most ${MAX_HEAD} bytes ` +
        `in UTF-8, got ${head.byteLength}`,
    );
  }
  if (bytes.byteLength > MAX_BODY) {
    throw new RangeError(`part.body must be at most ${MAX_BODY} bytes, got ${bytes.byteLength}`);
  }
  const out = new Uint8Array(PREFIX + head.byteLength + bytes.byteLength);
  const view = new DataView(out.buffer);
  out[0] = MAGIC_0;
  out[1] = MAGIC_1;
  out[2] = FRAME_VERSION;
  view.setUint16(3, head.byteLength);
  view.setUint32(5, bytes.byteLength);
  out.set(head, PREFIX);
  out.set(bytes, PREFIX + head.byteLength);
  return out;
}

/**
 * The part in a message made by {@linkcode encodeFrame}. Nothing is copied:
 * the body is a view of `bytes`, so do not reuse that buffer while the part
 * is in use (`PushHub.publish` copies it).
 *
 * @example
 * ```ts
 * import { decodeFrame, encodeFrame } from "multipart-push";
 *
 * const part = decodeFrame(encodeFrame({ contentType: "image/jpeg", body: new Uint8Array([1]) }));
 * part.contentType; // "image/jpeg"
 * ```
 * @throws {TypeError} when `bytes` is not a `Uint8Array`.
 * @throws {FrameError} when it is not a frame of this version (wrong magic,
 * version or lengths, bad UTF-8, or header fields the encoder would refuse).
 */
export function decodeFrame(bytes: Uint8Array): DecodedPart {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`bytes must be a Uint8Array, got ${describeValue(bytes)}`);
  }
  if (bytes.byteLength < PREFIX) {
    throw new FrameError(`bytes must be at least ${PREFIX} bytes long, got ${bytes.byteLength}`);
  }
  if (bytes[0] !== MAGIC_0 || bytes[1] !== MAGIC_1) {
    throw new FrameError(
      `bytes must start with the magic 6d 70 ("mp"), got ${hex(bytes[0])} ${hex(bytes[1])}`,
    );
  }
  if (bytes[2] !== FRAME_VERSION) {
    throw new FrameError(`bytes has envelope version ${bytes[2]}; this module reads version 1`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headLength = view.getUint16(3);
  const bodyLength = view.getUint32(5);
  const size = PREFIX + headLength + bodyLength;
  if (size !== bytes.byteLength) {
    throw new FrameError(
      `bytes declares a ${headLength}-byte header block and a ${bodyLength}-byte body ` +
        `(${size} bytes in all), got ${bytes.byteLength} bytes`,
    );
  }
  const { contentType, headers } = parseHead(bytes.subarray(PREFIX, PREFIX + headLength));
  return { contentType, headers, body: bytes.subarray(PREFIX + headLength) };
}

function parseHead(head: Uint8Array): { contentType: string; headers: [string, string][] } {
  let text: string;
  try {
    text = strictUtf8.decode(head);
  } catch {
    throw new FrameError("bytes has a header block that is not valid UTF-8");
  }
  if (!text.startsWith(TYPE_PREFIX) || !text.endsWith("\r\n")) {
    throw new FrameError(
      `bytes has a header block that must start with "Content-Type: " and end with CRLF, ` +
        `got ${JSON.stringify(text.slice(0, 40))}`,
    );
  }
  const lines = text.slice(0, -2).split("\r\n");
  const contentType = lines[0].slice(TYPE_PREFIX.length);
  const headers: [string, string][] = [];
  try {
    headerLine("Content-Type", contentType, "frame");
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(": ");
      if (colon < 1) throw new TypeError(`field ${JSON.stringify(line)} has no "Name: value"`);
      const pair: [string, string] = [line.slice(0, colon), line.slice(colon + 2)];
      headerLine(pair[0], pair[1], "frame");
      headers.push(pair);
    }
    partHeaderPairs(headers, "frame.headers");
  } catch (error) {
    throw new FrameError(`bytes has a bad header block: ${(error as Error).message}`);
  }
  if (contentType.trim() === "") throw new FrameError("bytes has an empty Content-Type");
  return { contentType, headers };
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, "0");
}
