/**
 * `hub.snapshot()`: the latest frame as an ordinary response, or with
 * `fresh: true` the next one (bounded by `timeout`), with CORS and
 * `Cache-Control` as asked.
 *
 * @module
 */

import type { CorsPolicy } from "../access/cors.ts";
import { resolveSnapshotInit, type SnapshotInit } from "./options.ts";
import type { HubFrame, LiveFrame } from "./frame.ts";
import { snapshotHeaders, snapshotResponse, unavailableResponse, withCors } from "./responses.ts";

/** What a snapshot needs of its hub. */
export interface SnapshotHost {
  live: LiveFrame;
  cors: CorsPolicy | undefined;
  retryAfter: string;
  closed: boolean;
  /** A fresh snapshot waits: run a lazy source. */
  wake(): void;
  /** A fresh snapshot's wait ended. */
  done(): void;
}

/**
 * The snapshot response for `init`; a promise when `init.fresh`.
 *
 * @example
 * ```ts ignore
 * const response = await takeSnapshot({ fresh: true, timeout: 500 }, host);
 * ```
 * @throws {TypeError|RangeError} on a bad init (before any wait).
 */
export function takeSnapshot(
  init: SnapshotInit | undefined,
  host: SnapshotHost,
): Response | Promise<Response> {
  const config = resolveSnapshotInit(init);
  const { request, fresh, timeout } = config;
  const headers = snapshotHeaders(config); // a bad header throws now, not after a wait
  const preflight = request && host.cors?.preflight(request);
  if (preflight) return fresh ? Promise.resolve(preflight) : preflight;
  const answer = (frame: HubFrame | undefined, why: string): Response =>
    withCors(
      host.cors,
      request,
      frame ? snapshotResponse(frame, headers) : unavailableResponse(why, host.retryAfter),
    );
  if (!fresh) return answer(host.live.latest, "no frame has been published yet");
  if (host.closed) return Promise.resolve(answer(undefined, "the hub is closed"));
  const next = host.live.next(timeout);
  host.wake();
  return next.then((frame) => {
    host.done();
    // Past the timeout: the offline picture while offline, else a 503 saying why.
    const shown = frame ?? (host.live.offline ? host.live.latest : undefined);
    return answer(shown, `no new frame within ${timeout} ms`);
  });
}
