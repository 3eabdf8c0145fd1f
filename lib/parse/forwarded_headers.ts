/**
 * Which header fields of a part received from outside the process (a relayed
 * camera, a publisher's multipart upload) are handed on to viewers: only
 * `X-Timestamp` and `X-Frame`, the per-frame stamps µStreamer-style cameras
 * send (and a hub's `timestamps` writes), which decoders read as
 * `part.timestamp` and `part.frame`.
 * `Content-Type` and `Content-Length` are the encoder's own. Anything else
 * (`Set-Cookie`, `Refresh`, `Content-Disposition`, `Link`, …) would act on
 * every viewer on the upstream's say, so it stays behind. `relay` and
 * `ingest` both use this one rule.
 *
 * @module
 */

/** The part header fields handed on, lowercase. */
export const FORWARDED_PART_HEADERS: readonly string[] = Object.freeze(["x-timestamp", "x-frame"]);

/**
 * The fields of `received` a viewer gets, in a new `Headers`.
 *
 * @example
 * ```ts
 * import { forwardedHeaders } from "./forwarded_headers.ts";
 *
 * const upstream = new Headers({ "X-Timestamp": "1764322800.5", "Set-Cookie": "a=1" });
 * [...forwardedHeaders(upstream)]; // [["x-timestamp", "1764322800.5"]]
 * ```
 */
export function forwardedHeaders(received: Headers): Headers {
  const kept = new Headers();
  for (const name of FORWARDED_PART_HEADERS) {
    const value = received.get(name);
    if (value !== null) kept.set(name, value);
  }
  return kept;
}
