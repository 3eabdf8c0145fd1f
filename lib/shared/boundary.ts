/**
 * Multipart boundaries: random generation, RFC 2046 validation and the
 * `boundary=` parameter of a `Content-Type` header.
 *
 * @module
 */

import { describeValue } from "./describe.ts";
import { TOKEN } from "./header_fields.ts";

// RFC 2046 §5.1.1: bcharsnospace, plus space (never last).
const BCHARS = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;

/**
 * Creates a random boundary of 32 hex characters (128 bits from
 * `crypto.getRandomValues`), so no part body written by a user can contain it
 * by chance or on purpose.
 *
 * @example Use it to know the boundary before the stream starts
 * ```ts
 * import { createBoundary, pushResponse } from "multipart-push";
 *
 * const boundary = createBoundary();
 * const response = pushResponse([{ contentType: "text/plain", body: "hi" }], { boundary });
 * console.log(response.headers.get("content-type")); // multipart/x-mixed-replace;boundary=<boundary>
 * ```
 *
 * @returns A fresh boundary such as `"9f2c4e7a0b1d3f5e6a8c0e2f4a6b8d0c"`.
 */
export function createBoundary(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let hex = "";
  for (const byte of bytes) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

/**
 * Checks a caller's boundary against RFC 2046 (1–70 `bchars`, no trailing
 * space) and returns it.
 *
 * @example
 * ```ts ignore
 * assertBoundary("frame"); // "frame"
 * assertBoundary("a b "); // RangeError: options.boundary … got the string "a b "
 * ```
 *
 * @throws {TypeError} when `boundary` is not a string.
 * @throws {RangeError} when it breaks the RFC 2046 rule.
 */
export function assertBoundary(boundary: unknown, name = "options.boundary"): string {
  if (typeof boundary !== "string") {
    throw new TypeError(`${name} must be a string, got ${describeValue(boundary)}`);
  }
  if (!BCHARS.test(boundary)) {
    throw new RangeError(
      `${name} must be 1-70 characters from RFC 2046 bchars (letters, digits, ` +
        `'()+_,-./:=? and space, not ending in a space), got ${describeValue(boundary)}`,
    );
  }
  return boundary;
}

/**
 * The media type with its boundary parameter, quoted only when needed and
 * with no space before `boundary` (NCSA httpd truncated content types at the
 * first space, and some camera clients still do).
 *
 * @example
 * ```ts ignore
 * multipartContentType("mixed", "a:b"); // 'multipart/mixed;boundary="a:b"'
 * ```
 */
export function multipartContentType(
  subtype: "x-mixed-replace" | "mixed",
  boundary: string,
): string {
  // A boundary made only of RFC 9110 token characters needs no quotes.
  const value = TOKEN.test(boundary) ? boundary : `"${boundary}"`;
  return `multipart/${subtype};boundary=${value}`;
}
