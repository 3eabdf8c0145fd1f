/**
 * The options of `jpegFrames` and their rules.
 *
 * @module
 */

import { describeValue } from "../shared/describe.ts";

/** Options of `jpegFrames`. */
export interface JpegFramesOptions {
  /**
   * The largest frame accepted, in bytes. A stream that is not JPEG, or a frame that never ends,
   * would otherwise grow memory without bound; past the limit the stream errors with a
   * `RangeError`.
   * @default {16777216} 16 MiB
   */
  maxFrameSize?: number | undefined;
  /**
   * Put JPEG's standard Huffman tables (a DHT segment) before the first SOS of a frame that has
   * none, as USB webcams send them: Safari and iOS paint such frames black. Frames with a DHT
   * pass untouched; a repaired one is a copy, 420 bytes longer.
   * @default false
   */
  huffmanTables?: boolean | undefined;
}

const DEFAULT_MAX = 16 * 1024 * 1024;

/**
 * `options` with their defaults, checked before any byte is read.
 *
 * @example
 * ```ts
 * import { checkedOptions } from "./jpeg_frames_options.ts";
 *
 * checkedOptions({}); // { maxFrameSize: 16777216, huffmanTables: false }
 * ```
 * @throws {TypeError} when `options` is not an object or `options.huffmanTables` not a boolean.
 * @throws {RangeError} when `options.maxFrameSize` is not an integer >= 4.
 */
export function checkedOptions(
  options: JpegFramesOptions,
): { maxFrameSize: number; huffmanTables: boolean } {
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
  return { maxFrameSize, huffmanTables };
}
