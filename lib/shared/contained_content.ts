/**
 * Content that may come from outside the process (a publisher's upload, a
 * relayed camera, a bus message) must never run as script in the origin that
 * serves it. A hub cannot tell where a frame came from, so every response
 * that serves a frame, and every plain-text answer next to it, carries:
 *
 * - `X-Content-Type-Options: nosniff`: the browser takes the declared type,
 *   so a `text/plain` answer or an image is never read as HTML;
 * - `Content-Security-Policy: sandbox`: a document opened from it (an HTML or
 *   SVG frame opened as a page, an HTML push navigated to) gets a unique
 *   origin and no script. Images, `<img>` pushes and `fetch()` readers are
 *   unaffected: the policy only binds documents.
 *
 * @module
 */

/** The header fields, as a constant so a test can name them. */
export const CONTAINED_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "X-Content-Type-Options": "nosniff",
  "Content-Security-Policy": "sandbox",
});

/**
 * Sets the {@linkcode CONTAINED_HEADERS} on `headers` (replacing what was
 * there: a caller's own policy cannot loosen them) and returns it.
 *
 * @example
 * ```ts
 * import { containHeaders } from "./contained_content.ts";
 *
 * containHeaders(new Headers()).get("content-security-policy"); // "sandbox"
 * ```
 */
export function containHeaders(headers: Headers): Headers {
  for (const [name, value] of Object.entries(CONTAINED_HEADERS)) headers.set(name, value);
  return headers;
}
