/**
 * Split a byte stream of concatenated JPEGs (a camera's MJPEG, ffmpeg's `-f mjpeg` stdout) into
 * one `Uint8Array` per picture.
 *
 * @module
 */

import { describeValue } from "../shared/describe.ts";
import { concatBytes } from "../shared/bytes.ts";

/** Options of {@linkcode jpegFrames}. */
export interface JpegFramesOptions {
  /**
   * The largest frame accepted, in bytes. A stream that is not JPEG, or a frame that never ends,
   * would otherwise grow memory without bound; past the limit the stream errors with a
   * `RangeError`.
   * @default {16777216} 16 MiB
   */
  maxFrameSize?: number;
}

// Parser states. A byte-at-a-time state machine carries every partial marker, length and skip
// across chunk boundaries, so any chunking gives the same frames.
const SEEK = 0; // outside a frame, looking for SOI (FF D8)
const SEEK_FF = 1; // outside a frame, saw FF
const MARKER = 2; // inside a frame, a marker (FF) must come next
const CODE = 3; // saw FF, the marker code (or FF fill) comes next
const LENGTH_HI = 4;
const LENGTH_LO = 5;
const SKIP = 6; // skipping a segment's payload: APP/COM/DQT bytes are never scanned for markers
const SCAN = 7; // entropy-coded data after SOS, where FF is stuffed as FF 00
const SCAN_FF = 8;

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
 * and restart-marker rules. Bytes between pictures are ignored; a picture broken mid-way (a marker
 * where none can be) is dropped and the splitter resynchronises at the next SOI; an incomplete
 * last picture is dropped. Each frame is a fresh copy, safe to keep.
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
  let state = SEEK;
  let pieces: Uint8Array[] = [];
  let size = 0;
  let code = 0;
  let remaining = 0;

  function drop(): void {
    pieces = [];
    size = 0;
  }

  function keep(piece: Uint8Array): void {
    size += piece.length;
    if (size > maxFrameSize) {
      drop();
      throw new RangeError(
        `jpegFrames: a frame is larger than options.maxFrameSize (${maxFrameSize} bytes); ` +
          "is the input MJPEG?",
      );
    }
    pieces.push(piece);
  }

  function frame(): Uint8Array {
    const out = concatBytes(pieces);
    drop();
    return out;
  }

  return new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller): void {
      if (!(chunk instanceof Uint8Array)) {
        throw new TypeError(`jpegFrames: chunks must be Uint8Array, got ${describeValue(chunk)}`);
      }
      // Start of the current frame's bytes within this chunk, or -1 outside a frame.
      let from = state >= MARKER ? 0 : -1;
      let i = 0;
      for (; i < chunk.length; i++) {
        const byte = chunk[i];
        switch (state) {
          case SEEK:
          case SCAN: {
            // Outside a frame and inside entropy-coded data only an FF can matter.
            const ff = chunk.indexOf(0xff, i);
            if (ff === -1) i = chunk.length;
            else {
              i = ff;
              state = state === SEEK ? SEEK_FF : SCAN_FF;
            }
            break;
          }
          case SEEK_FF:
            if (byte === 0xd8) startFrame();
            else if (byte !== 0xff) state = SEEK;
            break;
          case MARKER:
            if (byte === 0xff) state = CODE;
            else resync();
            break;
          case SCAN_FF:
            // FF 00 is a stuffed data byte, RSTn and FF fill bytes stay inside the scan.
            if (byte === 0x00 || (byte >= 0xd0 && byte <= 0xd7)) state = SCAN;
            else if (byte !== 0xff) marker(byte);
            break;
          case CODE:
            if (byte !== 0xff) marker(byte);
            break;
          case LENGTH_HI:
            remaining = byte << 8;
            state = LENGTH_LO;
            break;
          case LENGTH_LO:
            remaining = (remaining | byte) - 2;
            if (remaining < 0) resync();
            else state = remaining === 0 ? afterSegment() : SKIP;
            break;
          case SKIP: {
            const n = Math.min(remaining, chunk.length - i);
            remaining -= n;
            i += n - 1;
            if (remaining === 0) state = afterSegment();
            break;
          }
        }
      }
      if (from !== -1 && state >= MARKER) keep(chunk.subarray(from));

      function marker(value: number): void {
        if (value === 0xd9) {
          keep(chunk.subarray(from, i + 1));
          controller.enqueue(frame());
          from = -1;
          state = SEEK;
        } else if (value === 0xd8) {
          // An SOI inside a picture: the previous one was cut off; start over from here.
          drop();
          startFrame();
        } else if (standalone(value)) state = MARKER;
        else {
          code = value;
          state = LENGTH_HI;
        }
      }

      /** The SOI whose D8 is at `i` starts a frame. */
      function startFrame(): void {
        keep(SOI);
        from = i + 1;
        state = MARKER;
      }

      function resync(): void {
        drop();
        from = -1;
        state = SEEK;
      }
    },
  });

  function afterSegment(): number {
    return code === 0xda ? SCAN : MARKER;
  }
}
