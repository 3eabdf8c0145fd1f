/**
 * The responses of a `PushHub` that are not a push: the latest frame as an
 * ordinary response (`snapshot()`), and `503` when the hub cannot serve.
 *
 * @module
 */

import type { HubFrame } from "./hub_frame.ts";

/**
 * `503 Service Unavailable` with `Retry-After` (seconds, as a string) and a
 * plain-text body saying why.
 */
export function unavailableResponse(why: string, retryAfter: string): Response {
  return new Response(`503 Service Unavailable: ${why}\n`, {
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
  const headers = new Headers({ "Cache-Control": "no-store" });
  for (const [name, value] of new Headers(init?.headers)) {
    if (name === "content-type" || name === "content-length") {
      throw new TypeError(`init.headers must not set ${name}: the frame sets it`);
    }
    headers.set(name, value);
  }
  headers.set("Content-Type", frame.contentType);
  headers.set("Content-Length", String(frame.body.byteLength));
  return new Response(frame.body, { headers });
}
