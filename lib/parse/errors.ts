/**
 * The one error class the decoder throws for bad input bytes, with a `code`
 * that says which rule the stream broke. Bad arguments are `TypeError` or
 * `RangeError` instead, because those are caller bugs, not wire problems.
 *
 * @module
 */

/**
 * Why a multipart stream could not be decoded.
 *
 * - `"truncated"`: the stream ended before the close delimiter `--boundary--`
 *   (or before the first boundary).
 * - `"preamble-too-large"`: more than `maxPartSize` bytes arrived before the
 *   first boundary (usually a wrong boundary).
 * - `"header-too-large"`: a part's header block, or the rest of a boundary
 *   line, is longer than `maxHeaderSize`.
 * - `"part-too-large"`: a part (header block plus body) is longer than
 *   `maxPartSize`.
 * - `"malformed-header"`: a header line is not `name: value` with a token name,
 *   or its value contains NUL or a bare CR.
 * - `"too-many-parts"`: more than `maxParts` parts.
 */
export type MultipartParseErrorCode =
  | "truncated"
  | "preamble-too-large"
  | "header-too-large"
  | "part-too-large"
  | "malformed-header"
  | "too-many-parts";

/**
 * Thrown (by the iterator of `parseParts`) when the bytes are not a multipart
 * body the decoder can read within its limits. Parts before the fault have
 * already been yielded.
 *
 * @example
 * ```ts
 * import { MultipartParseError, parseParts } from "multipart-push";
 *
 * const response = await fetch("http://127.0.0.1:8080/camera");
 * try {
 *   for await (const part of parseParts(response)) console.log(part.body.byteLength);
 * } catch (error) {
 *   if (error instanceof MultipartParseError && error.code === "truncated") {
 *     console.log("the camera went away");
 *   } else throw error;
 * }
 * ```
 */
export class MultipartParseError extends Error {
  /** Which rule the stream broke; stable, unlike the message. */
  readonly code: MultipartParseErrorCode;

  /**
   * Creates the error the decoder throws; user code rarely needs to.
   *
   * @param code Which rule the stream broke.
   * @param message What happened, for people.
   */
  constructor(code: MultipartParseErrorCode, message: string) {
    super(message);
    this.name = "MultipartParseError";
    this.code = code;
  }
}
