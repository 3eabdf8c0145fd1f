/**
 * The hub options for camera servers (what µStreamer and go2rtc users rely
 * on): an offline picture, per-part timestamps, dual final frames and CORS;
 * and `snapshot()`'s options. Checked once, when the hub is built.
 *
 * @module
 */

import { type AllowOrigin, type CorsPolicy, corsPolicy } from "../access/cors.ts";
import { describeValue } from "../shared/describe.ts";
import type { HeadersInit } from "../shared/web_types.ts";
import type { Part } from "../push/part.ts";
import { flag, optionsObject, seconds } from "../shared/checks.ts";

/** The camera options of `new PushHub()` (see `PushHubOptions`). */
export interface CameraOptions {
  /**
   * The picture viewers and snapshots get while the source is offline, instead
   * of a stale one: once a `hub.ingest` stream upload ended (the publisher
   * left), `idleTimeout` passed without a publish (the viewers stay open, they
   * are not ended), a `PushHub.from` source finished or failed (restarted every
   * `retryAfter` s while viewers remain), and before a `publish()`-fed hub's
   * first frame. Checked like a published part. The next live frame replaces it.
   * @default {undefined (viewers keep the last picture; idle viewers are ended)}
   */
  offline?: Part | undefined;
  /**
   * Adds `X-Timestamp` (seconds.microseconds of the publish, as µStreamer
   * writes it) and `X-Frame` (1, 2, 3… per published frame) to every part.
   * A viewer whose `<img>` gets headers ahead (`advanceHeaders`) sees them only
   * on parts whose headers were not announced; decoders see them on each part.
   * @default {false}
   */
  timestamps?: boolean | undefined;
  /**
   * With `dropSame`: the first repeat of a frame is sent once more before the
   * rest of the run is dropped, because Safari (WebKit) paints a part only
   * when the next one starts (µStreamer's `--dual-final-frames`).
   * @default {false}
   */
  dualFinalFrames?: boolean | undefined;
  /**
   * Origins that may read push and snapshot responses (a `<canvas>` drawing
   * an `<img crossorigin>`): `"*"`, an origin, a list, or a function of the
   * origin, as `corsPolicy`. `hub.response`, `hub.snapshot({ request })` and
   * `hub.ingest` then answer `OPTIONS` preflights and set
   * `Access-Control-Allow-Origin`.
   * @default {undefined (no CORS headers)}
   */
  allowOrigin?: AllowOrigin | undefined;
}

/** Options of `hub.snapshot()`. */
export interface SnapshotInit {
  /**
   * More response headers (not `Content-Type` or `Content-Length`).
   * @default {undefined}
   */
  headers?: HeadersInit | undefined;
  /**
   * The viewer's request: with `allowOrigin`, answers its `OPTIONS` preflight
   * and gets CORS headers.
   * @default {undefined}
   */
  request?: Request | undefined;
  /**
   * Wait for the next frame published after the call instead of serving the
   * latest one (up to `timeout` ms; then `503` with `Retry-After`, or the
   * `offline` picture while offline). The promise is the response.
   * @default {false}
   */
  fresh?: boolean | undefined;
  /**
   * With `fresh`: the longest wait in milliseconds.
   * @default {2000}
   */
  timeout?: number | undefined;
  /**
   * Seconds a client or proxy may reuse the snapshot: `Cache-Control:
   * max-age=N` instead of `no-store`.
   * @default {undefined (no-store)}
   */
  maxAge?: number | undefined;
}

/** Camera options after the checks. */
export interface ResolvedCamera {
  offline: Part | undefined;
  timestamps: boolean;
  dualFinalFrames: boolean;
  cors: CorsPolicy | undefined;
}

/**
 * Checks the camera options; `dropSame` is the hub's.
 *
 * @example
 * ```ts ignore
 * const camera = resolveCameraOptions({ timestamps: true, allowOrigin: "*" }, false);
 * ```
 * @throws {TypeError|RangeError} on a bad option.
 */
export function resolveCameraOptions(options: CameraOptions, dropSame: boolean): ResolvedCamera {
  const { offline, allowOrigin } = options;
  if (offline !== undefined && (typeof offline !== "object" || offline === null)) {
    throw new TypeError(
      `options.offline must be a part { contentType, body }, got ${describeValue(offline)}`,
    );
  }
  const timestamps = flag(options.timestamps, false, "options.timestamps");
  const dualFinalFrames = flag(options.dualFinalFrames, false, "options.dualFinalFrames");
  if (dualFinalFrames && !dropSame) {
    throw new RangeError(
      "options.dualFinalFrames applies only with options.dropSame: true, got dropSame false",
    );
  }
  const cors = allowOrigin === undefined ? undefined : corsPolicy({ allowOrigin });
  return { offline, timestamps, dualFinalFrames, cors };
}

/** Snapshot options after the checks. */
export interface ResolvedSnapshot {
  headers: HeadersInit | undefined;
  request: Request | undefined;
  fresh: boolean;
  timeout: number;
  maxAge: number | undefined;
}

/**
 * Checks `hub.snapshot()`'s options.
 *
 * @example
 * ```ts ignore
 * resolveSnapshotInit({ fresh: true }).timeout; // 2000
 * ```
 * @throws {TypeError|RangeError} on a bad init.
 */
export function resolveSnapshotInit(init: unknown): ResolvedSnapshot {
  const given = optionsObject(init as SnapshotInit | undefined, "init");
  const { headers, request, timeout = 2000 } = given;
  if (request !== undefined && !(request instanceof Request)) {
    throw new TypeError(`init.request must be a Request, got ${describeValue(request)}`);
  }
  const fresh = flag(given.fresh, false, "init.fresh");
  if (typeof timeout !== "number" || !(timeout > 0 && timeout <= 60_000)) {
    throw new RangeError(
      `init.timeout must be milliseconds > 0 and <= 60000, got ${describeValue(timeout)}`,
    );
  }
  const maxAge = seconds(given.maxAge, undefined, "init.maxAge");
  return { headers, request, fresh, timeout, maxAge };
}
