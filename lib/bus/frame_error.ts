/**
 * The error `decodeFrame` throws on bytes that are not a frame.
 *
 * @module
 */

/**
 * Bytes that are not a frame envelope of this version: a stray message on the
 * subject, a truncated one, or one from a newer publisher. A `TypeError`, so
 * code that catches bad input in general catches it too.
 *
 * @example
 * ```ts
 * import { decodeFrame, FrameError } from "multipart-push";
 *
 * try {
 *   decodeFrame(new TextEncoder().encode("hello"));
 * } catch (error) {
 *   if (error instanceof FrameError) console.log("not a frame:", error.message);
 * }
 * ```
 */
export class FrameError extends TypeError {
  /** `"FrameError"`. */
  override name = "FrameError";
}
