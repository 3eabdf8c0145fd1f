/**
 * The responses of a `PushHub` apart from the push itself: checking what a
 * push response is asked for, the latest frame as an ordinary response
 * (`snapshot()`), and `503` when the hub cannot serve.
 *
 * @module
 */

import { describeValue } from "../shared/describe.ts";
import { multipartContentType } from "../shared/boundary.ts";
import { asksForMixed, REPLACE_PARAM } from "../shared/fetch_framing.ts";
import type { PushMode } from "../push/framing.ts";
import type { HubFrame } from "./frame.ts";
import { fpsInterval, type HubResponseInit } from "./options.ts";
import type { SubscriberConfig } from "./subscriber.ts";
import { defaultAdvanceHeaders, pushSignals } from "../push/options.ts";
import { mergeHeaders, pushHeaders } from "../push/response.ts";

const FRAME_OWNED = ["content-type", "content-length"];

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
  if (init !== undefined && (typeof init !== "object" || init === null)) {
    throw new TypeError(`init must be an object, got ${describeValue(init)}`);
  }
  // The hub checked its mode and boundary once; per viewer only the request is new.
  if (request !== undefined && !(request instanceof Request)) {
    throw new TypeError(`request must be a Request, got ${describeValue(request)}`);
  }
  const signals = pushSignals(undefined, request, "");
  const advanceHeaders = defaultAdvanceHeaders(mode, request);
  const interval = fpsInterval(init?.fps);
  const headers = pushHeaders(mode, boundary, init?.headers, "init.headers");
  // A fetch() reader asking for multipart/mixed first (pushInto) gets the same bytes labelled
  // multipart/mixed, marked push=replace: WebKit's fetch() cannot read x-mixed-replace, and the
  // replace layout is valid multipart/mixed (lib/shared/fetch_framing.ts).
  if (mode === "replace" && !advanceHeaders && request !== undefined && asksForMixed(request)) {
    headers.set("Content-Type", `${multipartContentType("mixed", boundary)};${REPLACE_PARAM}`);
  }
  return { config: { advanceHeaders, interval, signals }, headers };
}

/**
 * `503 Service Unavailable` with `Retry-After` (seconds, as a string) and a
 * plain-text body saying why; for a `HEAD` request the same without a body.
 */
export function unavailableResponse(why: string, retryAfter: string, head = false): Response {
  return new Response(head ? null : `503 Service Unavailable: ${why}\n`, {
    status: 503,
    headers: {
      "Retry-After": retryAfter,
      "Cache-Control": "no-store",
      "Content-Type": "text/plain; charset=utf-8",
    },
  });
}

/**
 * `frame`'s body with its own `Content-Type`, its `Content-Length` and
 * `Cache-Control: no-store` (overridable by `init.headers`).
 *
 * @throws {TypeError} when `init.headers` sets `Content-Type` or `Content-Length`.
 */
export function snapshotResponse(frame: HubFrame, init?: { headers?: HeadersInit }): Response {
  const headers = mergeHeaders(
    new Headers({ "Cache-Control": "no-store" }),
    init?.headers,
    FRAME_OWNED,
    "init.headers",
    "the frame sets it",
  );
  headers.set("Content-Type", frame.contentType);
  headers.set("Content-Length", String(frame.body.byteLength));
  return new Response(frame.body, { headers });
}
