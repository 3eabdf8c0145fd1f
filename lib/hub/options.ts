/**
 * Options of `PushHub`, their defaults and their checks, among them those for
 * camera servers (what µStreamer and go2rtc users rely on: an offline picture,
 * per-part timestamps, dual final frames and CORS) and `snapshot()`'s options.
 * Checked once, when the hub is built.
 *
 * @module
 */

import { describeValue } from "../shared/describe.ts";
import type { HeadersInit } from "../shared/web_types.ts";
import type { PushMode } from "../push/framing.ts";
import { resolveSharedOptions } from "../push/options.ts";
import { contained } from "../shared/contained.ts";
import {
  corsOption,
  count,
  flag,
  hook,
  milliseconds,
  optionsObject,
  seconds,
} from "../shared/checks.ts";
import type { ViewerStats } from "./stats.ts";
import type { CorsPolicy } from "../access/cors.ts";
import type { Part } from "../push/part.ts";

/** Options of `new PushHub()`; the camera options are in {@linkcode CameraOptions}. */
export interface PushHubOptions extends CameraOptions {
  /**
   * `"replace"` (`multipart/x-mixed-replace`, latest frame wins) or `"mixed"`
   * (`multipart/mixed`, every part kept in order).
   * @default {"replace"}
   */
  mode?: PushMode | undefined;
  /**
   * The boundary of every subscriber's push. A caller's boundary is checked
   * against RFC 2046, and a body containing `--boundary` is refused.
   * @default {createBoundary()}
   */
  boundary?: string | undefined;
  /**
   * Send the latest frame to a new subscriber at once, so a new viewer sees a
   * picture without waiting for the next publish.
   * @default {true in replace mode, false in mixed mode}
   */
  replay?: boolean | undefined;
  /**
   * Milliseconds without a frame for a subscriber after which the latest frame
   * is sent to it again: proxies keep the connection, Chromium paints the last
   * frame. `Infinity` turns it off.
   * @default {1000 in replace mode, Infinity in mixed mode}
   */
  keepAlive?: number | undefined;
  /**
   * Do not send a frame byte-equal (headers and body) to the previous one.
   * @default {false}
   */
  dropSame?: boolean | undefined;
  /**
   * Subscribers at once; `hub.response()` answers `503` past it.
   * @default {Infinity}
   */
  maxSubscribers?: number | undefined;
  /**
   * Mixed mode: parts held for one subscriber that does not read; one more and
   * its connection is broken (an error, not a clean end: it lost parts).
   * @default {100}
   */
  maxQueue?: number | undefined;
  /**
   * Milliseconds without a publish after which each subscriber ends cleanly.
   * Also the bound for a subscriber that takes no bytes (a response never
   * read, a client whose connection stalled): after this long without asking
   * for bytes its connection is broken and its slot freed. `Infinity` turns
   * both off.
   * @default {60000}
   */
  idleTimeout?: number | undefined;
  /**
   * Milliseconds after which each subscriber ends cleanly.
   * @default {Infinity}
   */
  maxDuration?: number | undefined;
  /**
   * Seconds sent in `Retry-After` with a `503` (hub full, no frame yet, closed).
   * @default {1}
   */
  retryAfter?: number | undefined;
  /**
   * Called with what went wrong when a `PushHub.from` source throws, yields
   * a bad part, or does not stop within `stopTimeout`, and with what
   * `hub.reportError()` is given (a frame `ingest` could not publish). If it
   * throws, that is ignored: the hub and its source carry on.
   * @default {undefined}
   */
  onError?: ((error: unknown) => void) | undefined;
  /**
   * Called when a viewer joins (a `GET` that got a push, not a `HEAD` or a
   * `503`), with its figures as in `hub.stats()`. If it throws, that is ignored.
   * @default {undefined}
   */
  onSubscribe?: ((viewer: ViewerStats) => void) | undefined;
  /**
   * Called when a viewer leaves, whatever the reason, with its final figures.
   * If it throws, that is ignored.
   * @default {undefined}
   */
  onUnsubscribe?: ((viewer: ViewerStats) => void) | undefined;
}

/** Options of `PushHub.from()`. */
export interface PushHubFromOptions extends PushHubOptions {
  /**
   * Milliseconds the source keeps running after the last subscriber left, so
   * a page reload does not restart the camera. `0` stops it at once.
   * @default {5000}
   */
  linger?: number | undefined;
  /**
   * Milliseconds the hub waits for a stopped run's `return()` (its `finally`)
   * before starting a new run anyway, telling `onError`: a source that
   * ignores its `AbortSignal` and never settles cannot wedge the hub.
   * @default {10000}
   */
  stopTimeout?: number | undefined;
}

/** Options of `hub.response()` for one subscriber. */
export interface HubResponseInit {
  /**
   * Frames per second at most for this subscriber (a phone on a slow link);
   * latest wins in between. `Infinity` for no cap; at least `0.001` (one
   * frame every 1000 s), so a `?fps=` from a URL cannot ask for a timer
   * beyond what `setTimeout` can arm.
   * @default {Infinity}
   */
  fps?: number | undefined;
  /** More response headers, as in `pushResponse`. */
  headers?: HeadersInit | undefined;
}

/** Hub options after defaults and checks. */
export interface ResolvedHubOptions {
  mode: PushMode;
  boundary: string;
  callerBoundary: boolean;
  replay: boolean;
  keepAlive: number;
  dropSame: boolean;
  maxSubscribers: number;
  maxQueue: number;
  idleTimeout: number;
  maxDuration: number;
  retryAfter: number;
  linger: number;
  stopTimeout: number;
  onError: (error: unknown) => void;
  onSubscribe: (viewer: ViewerStats) => void;
  onUnsubscribe: (viewer: ViewerStats) => void;
  camera: ResolvedCamera;
}

/** Applies defaults and checks every option. @throws {TypeError|RangeError} */
export function resolveHubOptions(options: PushHubFromOptions | undefined): ResolvedHubOptions {
  options = optionsObject(options, "options");
  const push = resolveSharedOptions({
    mode: options.mode,
    boundary: options.boundary,
    idleTimeout: options.idleTimeout,
    maxDuration: options.maxDuration,
    onError: options.onError,
  });
  const replace = push.mode === "replace";
  const dropSame = flag(options.dropSame, false, "options.dropSame");
  return {
    mode: push.mode,
    boundary: push.boundary,
    callerBoundary: push.callerBoundary,
    replay: flag(options.replay, replace, "options.replay"),
    keepAlive: milliseconds(options.keepAlive, replace ? 1000 : Infinity, "options.keepAlive"),
    dropSame,
    maxSubscribers: count(options.maxSubscribers, Infinity, "options.maxSubscribers"),
    maxQueue: count(options.maxQueue, 100, "options.maxQueue"),
    idleTimeout: push.idleTimeout,
    maxDuration: push.maxDuration,
    retryAfter: seconds(options.retryAfter, 1, "options.retryAfter"),
    linger: lingerOf(options.linger),
    stopTimeout: milliseconds(options.stopTimeout, 10_000, "options.stopTimeout"),
    onError: push.onError,
    onSubscribe: contained(hook<(viewer: ViewerStats) => void>(
      options.onSubscribe,
      "options.onSubscribe",
    )),
    onUnsubscribe: contained(hook<(viewer: ViewerStats) => void>(
      options.onUnsubscribe,
      "options.onUnsubscribe",
    )),
    camera: resolveCameraOptions(options, dropSame),
  };
}

/** The lowest `fps` a subscriber may ask for: one frame every 1000 s. */
const MIN_FPS = 0.001;

/** Checks `fps` and returns the minimum milliseconds between frames. @throws {RangeError} */
export function fpsInterval(fps: unknown): number {
  if (fps === undefined || fps === Infinity) return 0;
  if (typeof fps !== "number" || !Number.isFinite(fps) || !(fps >= MIN_FPS)) {
    throw new RangeError(
      `init.fps must be a number >= ${MIN_FPS} (one frame every 1000 s) or Infinity, got ${
        describeValue(fps)
      }`,
    );
  }
  return 1000 / fps;
}

function lingerOf(value: unknown): number {
  if (value === undefined) return 5000;
  if (value === 0) return 0;
  return milliseconds(value, 5000, "options.linger");
}

/** The camera options of `new PushHub()` (see `PushHubOptions`). */
export interface CameraOptions {
  /**
   * The picture viewers and snapshots get while the source is offline, instead
   * of a stale one: once a stream upload to `ingest` ended (the publisher
   * left: `hub.goOffline()`), `idleTimeout` passed without a publish (the viewers stay open, they
   * are not ended), a `PushHub.from` source finished or failed (restarted every
   * `retryAfter` s while viewers remain), and before a `publish()`-fed hub's
   * first frame. Checked like a published part. The next live frame replaces it.
   * @default {undefined (viewers keep the last picture; idle viewers are ended)}
   */
  offline?: Part | undefined;
  /**
   * Adds `X-Timestamp` (seconds.microseconds of the publish, as µStreamer
   * writes it) and `X-Frame` (1, 2, 3… per published frame) to every part,
   * in place of a part's own (a relayed part carries the upstream's).
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
   * Who may read push and snapshot responses from another origin (a
   * `<canvas>` drawing an `<img crossorigin>`): a policy from `corsPolicy({
   * allowOrigin })` (`multipart-push/access`), which `ingest` can share.
   * `hub.response` and `hub.snapshot({ request })` then answer `OPTIONS`
   * preflights and set `Access-Control-Allow-Origin`.
   * @default {undefined (no CORS headers)}
   */
  cors?: CorsPolicy | undefined;
}

/** Options of `hub.snapshot()`. */
export interface SnapshotInit {
  /**
   * More response headers (not `Content-Type` or `Content-Length`).
   * @default {undefined}
   */
  headers?: HeadersInit | undefined;
  /**
   * The viewer's request: with the hub's `cors`, answers its `OPTIONS` preflight
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
 * const camera = resolveCameraOptions({ timestamps: true }, false);
 * ```
 * @throws {TypeError|RangeError} on a bad option.
 */
export function resolveCameraOptions(options: CameraOptions, dropSame: boolean): ResolvedCamera {
  const { offline } = options;
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
  const cors = corsOption<CorsPolicy>(options.cors, "options.cors");
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
