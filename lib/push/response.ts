/**
 * The encoder as a ready `Response`, with the headers a push needs.
 *
 * @module
 */

import { multipartContentType } from "../shared/boundary.ts";
import { describeValue } from "../shared/describe.ts";
import type { HeadersInit } from "../shared/web_types.ts";
import { mergeHeaders, SERVER_OWNED } from "../shared/header_fields.ts";
import type { PushMode } from "./framing.ts";
import type { PartSource } from "./part.ts";
import { type PushOptions, resolvePushOptions } from "./options.ts";
import { encodeParts } from "./encode_parts.ts";
import { REPLACE_PARAM } from "../shared/fetch_framing.ts";
import { CONTAINED_HEADERS } from "../shared/contained_content.ts";

/** Options of {@linkcode pushResponse}: those of `pushStream`, plus the response's own. */
export interface PushResponseOptions extends PushOptions {
  /**
   * The response status: 200–599, not a null-body status (204, 205, 304).
   * @default {200}
   */
  status?: number | undefined;
  /**
   * More response headers (CORS, say). They may replace `Cache-Control` but
   * not `Content-Type`, and may not set the hop-by-hop or length headers the
   * server owns.
   * @default {undefined} only the push's own headers
   */
  headers?: HeadersInit | undefined;
}

/**
 * Answers a request with a multipart push. With `request` passed, the
 * framing fits the client (browser framing for browsers and when no request
 * is given, reader framing for media readers and `fetch()`, see framing.ts)
 * and the push ends when the client goes away; a `HEAD` request gets the
 * headers alone, and `parts` is not read.
 *
 * Headers: `Content-Type: multipart/x-mixed-replace;boundary=…` (no space
 * before `boundary`: NCSA-era parsers stop at a space), `Cache-Control:
 * no-cache, no-store, must-revalidate, no-transform` (compressing proxies and middleware such
 * as Hono's `compress()` leave it alone), `X-Accel-Buffering: no` so nginx
 * does not buffer the push, and `X-Content-Type-Options: nosniff`.
 *
 * @example A live clock in an `<img>`-free page, on Deno
 * ```ts ignore
 * import { pushResponse } from "multipart-push";
 *
 * async function* clock() {
 *   while (true) {
 *     yield { contentType: "text/html", body: `<h1>${new Date().toLocaleTimeString()}</h1>` };
 *     await new Promise((resolve) => setTimeout(resolve, 1000));
 *   }
 * }
 * Deno.serve((request) => pushResponse(clock(), { request }));
 * ```
 *
 * @param parts The parts, in order.
 * @param options See {@linkcode PushResponseOptions}.
 * @returns The streaming response.
 * @throws {TypeError|RangeError} on a bad option or source, before any byte is sent.
 */
export function pushResponse(parts: PartSource, options?: PushResponseOptions): Response {
  const config = resolvePushOptions(options);
  const status = options?.status === undefined ? 200 : options.status;
  if (
    typeof status !== "number" || !Number.isInteger(status) || status < 200 || status > 599 ||
    status === 204 || status === 205 || status === 304
  ) {
    throw new RangeError(
      "options.status must be an integer from 200 to 599 other than 204, 205 and 304, got " +
        describeValue(status),
    );
  }
  const headers = pushHeaders(
    config.replaceOverMixed ? "over-mixed" : config.mode,
    config.boundary,
    options?.headers,
    "options.headers",
  );
  // HEAD: the headers alone; the source is not read (its first part may be a camera grab).
  if (options?.request?.method === "HEAD") return new Response(null, { status, headers });
  return new Response(encodeParts(parts, config), { status, headers });
}

/**
 * The headers of a push response (also used by `PushHub`): the multipart
 * `Content-Type`, `Cache-Control`, `X-Accel-Buffering` and
 * `X-Content-Type-Options`, then `extra`.
 *
 * @example
 * ```ts ignore
 * pushHeaders("replace", "B", { "X-A": "1" }, "options.headers").get("content-type");
 * // "multipart/x-mixed-replace;boundary=B"
 * ```
 *
 * @throws {TypeError} when `extra` sets a header the push or the server owns.
 */
export function pushHeaders(
  mode: PushMode | "over-mixed",
  boundary: string,
  extra: HeadersInit | undefined,
  where: string,
): Headers {
  const headers = new Headers({
    "Content-Type": mode === "over-mixed"
      ? `${multipartContentType("mixed", boundary)};${REPLACE_PARAM}`
      : multipartContentType(mode === "replace" ? "x-mixed-replace" : "mixed", boundary),
    "Cache-Control": "no-cache, no-store, must-revalidate, no-transform",
    "X-Accel-Buffering": "no",
    // The browser takes the Content-Type as given: no sniffing of what a push carries (the
    // hub's pushes add the sandbox policy too: lib/shared/contained_content.ts).
    "X-Content-Type-Options": CONTAINED_HEADERS["X-Content-Type-Options"],
  });
  return mergeHeaders(headers, extra, SERVER_OWNED, where, "the push or the server sets it");
}
