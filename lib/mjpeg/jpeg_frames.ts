/**
 * Split a byte stream of concatenated JPEGs (a camera's MJPEG, ffmpeg's `-f mjpeg` stdout) into
 * one `Uint8Array` per picture.
 *
 * @module
 */

import { describeValue } from "../shared/describe.ts";
import { PartBuffer } from "../shared/part_buffer.ts";
import { nativeSearch } from "../shared/native_search.ts";
import { LastScan, SOS } from "./last_scan.ts";
import { FF_AT_END, lastScanEnd, scanEnd } from "./scan_end.ts";
import { withHuffmanTables } from "./huffman.ts";

/** Options of {@linkcode jpegFrames}. */
export interface JpegFramesOptions {
  /**
   * The largest frame accepted, in bytes. A stream that is not JPEG, or a frame that never ends,
   * would otherwise grow memory without bound; past the limit the stream errors with a
   * `RangeError`.
   * @default {16777216} 16 MiB
   */
  maxFrameSize?: number;
  /**
   * Put JPEG's standard Huffman tables (a DHT segment) before the first SOS of a frame that has
   * none, as USB webcams send them: Safari and iOS paint such frames black. Frames with a DHT
   * pass untouched; a repaired one is a copy, 420 bytes longer.
   * @default false
   */
  huffmanTables?: boolean | undefined;
}

// Parser states. Every partial marker, length and skip is carried across chunk boundaries, so
// any chunking gives the same frames.
const SEEK = 0; // outside a frame, looking for SOI (FF D8)
const SEEK_FF = 1; // outside a frame, saw FF
const MARKER = 2; // inside a frame, a marker (FF) must come next
const CODE = 3; // saw FF, the marker code (or FF fill) comes next
const LENGTH_HI = 4;
const LENGTH_LO = 5;
const SKIP = 6; // skipping a segment's payload: APP/COM/DQT bytes are never scanned for markers
const SCAN = 7; // entropy-coded data after SOS, where FF is stuffed as FF 00
const SCAN_FF = 8;
const HEADER = 9; // the first bytes of an SOF or SOS payload, which say whether a scan is the last
const LAST_SCAN = 10; // the last scan of a sequential picture: only its EOI can end it
const LAST_SCAN_FF = 11;

const DEFAULT_MAX = 16 * 1024 * 1024;
const SOI = new Uint8Array([0xff, 0xd8]);

/** Markers without a length field: TEM, RST0-7, SOI, EOI. */
function standalone(code: number): boolean {
  return code === 0x01 || (code >= 0xd0 && code <= 0xd9);
}

/**
 * A `TransformStream` that turns bytes of back-to-back JPEG pictures into whole pictures, each
 * from its SOI (`FF D8`) to its EOI (`FF D9`).
 *
 * Segments are walked by their length fields, so an `FF D9` inside a segment (an EXIF thumbnail,
 * a comment) does not end the picture, and entropy-coded data is scanned with JPEG's byte-stuffing
 * and restart-marker rules (in the last scan of a sequential picture, with a native search for
 * `FF D9`). Bytes between pictures are ignored; a picture broken mid-way (a marker where none
 * can be) is dropped and the splitter resynchronises at the next SOI; an incomplete last picture
 * is dropped.
 *
 * A picture that arrived within one chunk is a view into that chunk, not a copy: it keeps the
 * chunk's whole `ArrayBuffer` alive while you keep the picture, and changing the chunk changes
 * it (copy with `frame.slice()` to keep a few pictures of a big buffer). A picture spread over
 * several chunks is one fresh copy. While a picture arrives, memory is proportional to its size
 * whatever the chunking (chunks under 1 KiB are copied together, larger ones kept as views).
 *
 * @example Publish ffmpeg's camera frames to viewers
 * ```ts ignore
 * import { jpegFrames, PushHub } from "multipart-push";
 *
 * const hub = new PushHub();
 * const ffmpeg = new Deno.Command("ffmpeg", {
 *   args: ["-f", "v4l2", "-i", "/dev/video0", "-f", "mjpeg", "-q:v", "5", "-"],
 *   stdout: "piped",
 * }).spawn();
 * for await (const frame of ffmpeg.stdout.pipeThrough(jpegFrames())) {
 *   hub.publish({ contentType: "image/jpeg", body: frame });
 * }
 * ```
 *
 * @param options See {@linkcode JpegFramesOptions}.
 * @returns A stream of bytes in, whole JPEG pictures out.
 * @throws {RangeError} when `options.maxFrameSize` is not a positive integer.
 * @throws {TypeError} when `options.huffmanTables` is not a boolean.
 */
export function jpegFrames(
  options: JpegFramesOptions = {},
): TransformStream<Uint8Array, Uint8Array> {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`options must be an object, got ${describeValue(options)}`);
  }
  const maxFrameSize = options.maxFrameSize === undefined ? DEFAULT_MAX : options.maxFrameSize;
  if (!Number.isSafeInteger(maxFrameSize) || maxFrameSize < 4) {
    throw new RangeError(
      "options.maxFrameSize must be an integer number of bytes >= 4, got " +
        describeValue(maxFrameSize),
    );
  }
  const huffmanTables = options.huffmanTables ?? false;
  if (typeof huffmanTables !== "boolean") {
    throw new TypeError(
      `options.huffmanTables must be a boolean, got ${describeValue(huffmanTables)}`,
    );
  }
  const needleSearch = nativeSearch.needle;
  const kept = new PartBuffer(); // the current frame's bytes from earlier chunks
  let state = SEEK;
  let code = 0;
  let remaining = 0;
  const scans = new LastScan();

  function tooLarge(): RangeError {
    kept.clear();
    state = SEEK;
    return new RangeError(
      `jpegFrames: a frame is larger than options.maxFrameSize (${maxFrameSize} bytes); ` +
        "is the input MJPEG?",
    );
  }

  return new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller): void {
      if (!(chunk instanceof Uint8Array)) {
        throw new TypeError(`jpegFrames: chunks must be Uint8Array, got ${describeValue(chunk)}`);
      }
      const n = chunk.length;
      const needles = needleSearch?.from(chunk.buffer, chunk.byteOffset, n);
      let from = 0; // where the current frame's bytes start in this chunk
      let i = 0; // the next byte to read
      while (i < n) {
        switch (state) {
          case SEEK: {
            const ff = chunk.indexOf(0xff, i);
            i = ff === -1 ? n : ff + 1;
            if (ff !== -1) state = SEEK_FF;
            break;
          }
          case SEEK_FF: {
            const byte = chunk[i++];
            if (byte === 0xd8) start();
            else if (byte !== 0xff) state = SEEK;
            break;
          }
          case SCAN:
          case LAST_SCAN: {
            // The hot loop (scan_end.ts).
            const ff = state === SCAN ? scanEnd(chunk, i) : lastScanEnd(chunk, needles!, i);
            if (ff >= 0) {
              i = ff + 2;
              marker(chunk[ff + 1]);
            } else {
              if (ff === FF_AT_END) state = state === SCAN ? SCAN_FF : LAST_SCAN_FF;
              i = n;
            }
            break;
          }
          case SCAN_FF: {
            // FF 00 is a stuffed data byte, RSTn and FF fill bytes stay inside the scan.
            const byte = chunk[i++];
            if (byte === 0x00 || (byte >= 0xd0 && byte <= 0xd7)) state = SCAN;
            else if (byte !== 0xff) marker(byte);
            break;
          }
          case MARKER:
            if (chunk[i++] === 0xff) state = CODE;
            else resync();
            break;
          case CODE: {
            const byte = chunk[i++];
            if (byte !== 0xff) marker(byte);
            break;
          }
          case LENGTH_HI:
            remaining = chunk[i++] << 8;
            state = LENGTH_LO;
            break;
          case LENGTH_LO:
            remaining = (remaining | chunk[i++]) - 2;
            if (remaining < 0) resync();
            else if (scans.wants(code, remaining) > 0) state = HEADER;
            else state = remaining === 0 ? afterSegment() : SKIP;
            break;
          case HEADER:
            remaining--;
            if (scans.byte(chunk[i++])) state = remaining === 0 ? afterSegment() : SKIP;
            break;
          case SKIP: {
            const skipped = Math.min(remaining, n - i);
            remaining -= skipped;
            i += skipped;
            if (remaining === 0) state = afterSegment();
            break;
          }
          case LAST_SCAN_FF: {
            const byte = chunk[i++];
            if (byte === 0xd8 || byte === 0xd9) marker(byte);
            else if (byte !== 0xff) state = LAST_SCAN;
            break;
          }
        }
      }
      if (state >= MARKER && from < n) {
        kept.keep(from === 0 ? chunk : chunk.subarray(from));
        if (kept.size > maxFrameSize) throw tooLarge();
      }

      /** The marker whose code byte is just before `i`. */
      function marker(value: number): void {
        if (value === 0xd9) emit();
        else if (value === 0xd8) {
          // An SOI inside a picture: the previous one was cut off; start over from here.
          kept.clear();
          start();
        } else if (standalone(value)) state = MARKER;
        else {
          code = value;
          state = LENGTH_HI;
        }
      }

      /** The SOI whose D8 is just before `i` starts a frame. */
      function start(): void {
        state = MARKER;
        scans.reset();
        if (i >= 2) from = i - 2;
        else {
          kept.keep(SOI); // its FF came in the previous chunk
          from = i;
        }
      }

      /** The EOI just before `i` ends the frame. */
      function emit(): void {
        const size = kept.size + i - from;
        if (size > maxFrameSize) throw tooLarge();
        // In one chunk: a view, no copy. Spread over chunks: one copy.
        const frame = kept.size === 0 ? chunk.subarray(from, i) : kept.take(chunk, from, size);
        kept.clear();
        state = SEEK;
        controller.enqueue(huffmanTables ? withHuffmanTables(frame) : frame);
      }

      function resync(): void {
        kept.clear();
        state = SEEK;
      }
    },
  });

  function afterSegment(): number {
    if (code !== SOS) return MARKER;
    return scans.last && needleSearch !== undefined ? LAST_SCAN : SCAN;
  }
}
