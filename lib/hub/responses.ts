/**
 * The responses of a `PushHub` apart from the push itself: checking what a
 * push response is asked for, the latest frame as an ordinary response
 * (`snapshot()`), `503` when the hub cannot serve, and the `cors` option's
 * CORS headers on all of them (`hub.snapshot()` itself, which waits on the
 * hub's live frame and wakes its source, is a method of the hub).
 *
 * @module
 */

import { describeValue } from "../shared/describe.ts";
import type { HeadersInit } from "../shared/web_types.ts";
import { optionsObject } from "../shared/checks.ts";
import { type PushMode, wireFor } from "../push/framing.ts";
import type { HubFrame } from "./frame.ts";
import { fpsInterval, type HubResponseInit } from "./options.ts";
import type { SubscriberConfig } from "./viewers.ts";
import { labelsMixed, pushSignals, wantsAnnounce } from "../push/options.ts";
import { pushHeaders } from "../push/response.ts";
import { mergeHeaders } from "../shared/header_fields.ts";
import type { CorsPolicy } from "../access/cors.ts";
import { containHeaders } from "../shared/contained_content.ts";

const FRAME_OWNED = ["content-type", "content-length"];
const FULL = "the hub has its maximum number of subscribers";

/**
 * What `hub.response()` answers without a subscriber, or `undefined` when one should join.
 *
 * @example
 * ```ts ignore
 * const refused = pushRefusal({ closed, full, retryAfter: 5, cors }, request, headers);
 * if (refused) return refused; // a preflight, a 503, or a HEAD answer
 * ```
 */
export function pushRefusal(
  hub: { closed: boolean; full: boolean; retryAfter: number; cors: CorsPolicy | undefined },
  request: Request | undefined,
  headers: Headers,
): Response | undefined {
  const preflight = corsHeaders(hub.cors, request, headers);
  if (preflight) return preflight;
  const head = request?.method === "HEAD";
  const why = hub.closed ? "the hub is closed" : hub.full ? FULL : undefined;
  if (why) return withCors(hub.cors, request, unavailableResponse(why, hub.retryAfter, head));
  if (head) return new Response(null, { headers });
}

/**
 * The subscriber settings and response headers for `hub.response(request, init)`,
 * checked before the hub changes anything.
 *
 * @throws {TypeError|RangeError} on a bad request or init.
 */
export function pushSetup(
  { mode, boundary }: { mode: PushMode; boundary: string },
  request: Request | undefined,
  init: HubResponseInit | undefined,
): { config: Omit<SubscriberConfig, "meter">; headers: Headers } {
  optionsObject(init, "init");
  // The hub checked its mode and boundary once; per viewer only the request is new.
  if (request !== undefined && !(request instanceof Request)) {
    throw new TypeError(`request must be a Request, got ${describeValue(request)}`);
  }
  const signals = pushSignals(undefined, request, "");
  // The framing for this client, and its label, by the encoder's rule (lib/push/options.ts).
  const advanceHeaders = wantsAnnounce(mode, request);
  const interval = fpsInterval(init?.fps);
  const label = labelsMixed(mode, advanceHeaders, request) ? "over-mixed" : mode;
  const headers = containHeaders(pushHeaders(label, boundary, init?.headers, "init.headers"));
  return { config: { wire: wireFor(mode, advanceHeaders), interval, signals }, headers };
}

/**
 * `503 Service Unavailable` with `Retry-After` (whole seconds) and a
 * plain-text body saying why; for a `HEAD` request the same without a body.
 */
export function unavailableResponse(why: string, retryAfter: number, head = false): Response {
  return new Response(head ? null : `503 Service Unavailable: ${why}\n`, {
    status: 503,
    headers: containHeaders(
      new Headers({
        "Retry-After": String(retryAfter),
        "Cache-Control": "no-store",
        "Content-Type": "text/plain; charset=utf-8",
      }),
    ),
  });
}

/**
 * A snapshot's headers before its frame is known: `Cache-Control: no-store`
 * (`max-age=N` with `maxAge`), then `init.headers`.
 *
 * @example
 * ```ts ignore
 * snapshotHeaders({ maxAge: 5 }).get("cache-control"); // "max-age=5"
 * ```
 *
 * @throws {TypeError} when `init.headers` sets `Content-Type` or `Content-Length`.
 */
export function snapshotHeaders(
  init: { headers?: HeadersInit | undefined; maxAge?: number | undefined },
): Headers {
  const cache = init.maxAge === undefined ? "no-store" : `max-age=${init.maxAge}`;
  return mergeHeaders(
    new Headers({ "Cache-Control": cache }),
    init.headers,
    FRAME_OWNED,
    "init.headers",
    "the frame sets it",
  );
}

/**
 * `frame`'s body with `headers` (from {@linkcode snapshotHeaders}), its own
 * `Content-Type`, its `Content-Length`, and its `X-Timestamp` and `X-Frame`
 * (`timestamps`); `nosniff` and `Content-Security-Policy: sandbox`, since the
 * frame may come from outside the process (lib/shared/contained_content.ts).
 */
export function snapshotResponse(frame: HubFrame, headers: Headers): Response {
  headers = containHeaders(new Headers(headers));
  headers.set("Content-Type", frame.contentType);
  headers.set("Content-Length", String(frame.body.byteLength));
  if (frame.stamp) {
    headers.set("X-Timestamp", frame.stamp.timestamp);
    headers.set("X-Frame", String(frame.stamp.frame));
  }
  return new Response(frame.body, { headers });
}

/**
 * `response` with the CORS headers for `request`, if the hub has a `cors` policy.
 *
 * @example
 * ```ts ignore
 * return withCors(corsPolicy({ allowOrigin: "*" }), request, hub.snapshot());
 * ```
 */
export function withCors(
  cors: CorsPolicy | undefined,
  request: Request | undefined,
  response: Response,
): Response {
  return cors && request ? cors.apply(request, response) : response;
}

/**
 * The answer to `request` if it is a CORS preflight; else adds the CORS
 * headers for it to `headers` and returns `null`.
 *
 * @example
 * ```ts ignore
 * const preflight = corsHeaders(cors, request, headers);
 * if (preflight) return preflight;
 * ```
 */
export function corsHeaders(
  cors: CorsPolicy | undefined,
  request: Request | undefined,
  headers: Headers,
): Response | null {
  if (!cors || !request) return null;
  const preflight = cors.preflight(request);
  if (preflight) return preflight;
  for (const [name, value] of cors.headers(request)) headers.append(name, value);
  return null;
}
