/**
 * Options shared by `pushStream` and `pushResponse`, their defaults and their
 * validation. Everything is checked before the first byte is produced.
 *
 * @module
 */

import { assertBoundary, createBoundary } from "../shared/boundary.ts";
import { contained } from "../shared/contained.ts";
import { abortSignal, flag, hook, milliseconds, optionsObject } from "../shared/checks.ts";
import { describeValue } from "../shared/describe.ts";
import type { PushMode } from "./framing.ts";
import { asksForMixed } from "../shared/fetch_framing.ts";

/** Options of {@linkcode pushStream}. */
export interface PushOptions {
  /**
   * `"replace"`: `multipart/x-mixed-replace`, each part replaces the previous
   * one (MJPEG, live pictures). `"mixed"`: `multipart/mixed`, parts append
   * (GraphQL `@defer`/`@stream`). A `"replace"` push answering a `request`
   * whose `Accept` asks for `multipart/mixed` first (a `fetch()` reader such as
   * `pushInto`) goes out in reader framing labelled `multipart/mixed` and marked `push=replace`: WebKit's
   * `fetch()` cannot read `multipart/x-mixed-replace`.
   * @default {"replace"}
   */
  mode?: PushMode | undefined;
  /**
   * The boundary. A caller's boundary is checked against RFC 2046, and a body
   * or header field containing `--boundary` is refused before it is sent.
   * @default {createBoundary()} 128 random bits
   */
  boundary?: string | undefined;
  /**
   * Ends the push cleanly (close delimiter) when aborted.
   * @default {undefined} ends only by the source, a timeout or `request.signal`
   */
  signal?: AbortSignal | undefined;
  /**
   * Milliseconds without a new part after which the push ends cleanly, so
   * nobody camps on an endless push. A streamed body that sends no byte for
   * this long breaks the push off instead (its part is cut, so the stream
   * errors). `Infinity` turns it off.
   * @default {60000}
   */
  idleTimeout?: number | undefined;
  /**
   * Milliseconds after which the push ends cleanly, whatever the source does.
   * @default {Infinity}
   */
  maxDuration?: number | undefined;
  /**
   * Replace mode only: browser framing (true) or reader framing (false), see
   * framing.ts. True: each body goes out with its delimiter line and the next
   * part's header block in one chunk, so Chromium, Firefox and WebKit paint
   * each frame as soon as it arrives, and an ending repeats the last body
   * (decoders read it twice). False: every part with its `Content-Length`, N
   * parts read as N, but browsers show each frame one late.
   * @default {true, but false for a `request` from a client that is no browser
   * page load (no `Sec-Fetch-Dest` of a page, frame or image, and an `Accept`
   * that does not ask for HTML or an image first: ffmpeg, VLC, GStreamer, curl)
   * or a `fetch()` reader asking for `multipart/mixed` first}
   */
  advanceHeaders?: boolean | undefined;
  /**
   * The request being answered: picks the framing for the client (`advanceHeaders`), and
   * ends the push when `request.signal` aborts (the client went away).
   * @default {undefined}
   */
  request?: Request | undefined;
  /**
   * Called with what went wrong when the source throws, yields a bad part, or
   * its `return()` fails. The stream errors too, so the client sees a broken
   * connection rather than a clean end. What `onError` itself throws is
   * ignored: a failing logger never becomes an unhandled rejection.
   * @default {undefined} errors only error the stream
   */
  onError?: ((error: unknown) => void) | undefined;
  /**
   * Called once with a promise that settles when the push is over and the
   * source's `return()` has finished. On Cloudflare Workers pass
   * `(promise) => ctx.waitUntil(promise)`: a Worker stops a request's timers
   * when its client disconnects, so without it a source awaiting a timer
   * never resumes to run its `finally`.
   * @default {undefined}
   */
  waitUntil?: ((promise: Promise<void>) => void) | undefined;
}

/** Options after defaults and checks. */
export interface ResolvedPushOptions {
  mode: PushMode;
  /** A replace push labelled `multipart/mixed;push=replace` for a `fetch()` reader. */
  replaceOverMixed: boolean;
  boundary: string;
  /** The boundary came from the caller, so bodies must be scanned for it. */
  callerBoundary: boolean;
  signals: AbortSignal[];
  idleTimeout: number;
  maxDuration: number;
  /** Browser framing (see framing.ts). */
  advanceHeaders: boolean;
  onError: (error: unknown) => void;
  waitUntil: ((promise: Promise<void>) => void) | undefined;
}

/** The options a push and a `PushHub` share, checked by {@linkcode resolveSharedOptions}. */
export type SharedPushOptions = Pick<
  PushOptions,
  "mode" | "boundary" | "idleTimeout" | "maxDuration" | "onError"
>;

/** The shared options after defaults and checks. */
export type ResolvedSharedOptions = Pick<
  ResolvedPushOptions,
  "mode" | "boundary" | "callerBoundary" | "idleTimeout" | "maxDuration" | "onError"
>;

/**
 * Applies defaults and checks the options a push and a hub share (the hub
 * takes no `request`, `signal`, `advanceHeaders` or `waitUntil`, so it does
 * not bundle their checks).
 *
 * @example
 * ```ts ignore
 * resolveSharedOptions({ mode: "mixed" }).idleTimeout; // 60000
 * ```
 * @throws {TypeError|RangeError} on a bad option, naming it.
 */
export function resolveSharedOptions(options: SharedPushOptions): ResolvedSharedOptions {
  // Only `undefined` means "the default": a null is a mistake, not a wish for the default.
  const mode = options.mode === undefined ? "replace" : options.mode;
  if (mode !== "replace" && mode !== "mixed") {
    const Kind = typeof mode === "string" ? RangeError : TypeError;
    throw new Kind(`options.mode must be "replace" or "mixed", got ${describeValue(mode)}`);
  }
  const onError = hook<(error: unknown) => void>(options.onError, "options.onError");
  return {
    mode,
    boundary: options.boundary === undefined ? createBoundary() : assertBoundary(options.boundary),
    callerBoundary: options.boundary !== undefined,
    idleTimeout: milliseconds(options.idleTimeout, 60_000, "options.idleTimeout"),
    maxDuration: milliseconds(options.maxDuration, Infinity, "options.maxDuration"),
    onError: contained(onError),
  };
}

/**
 * Applies defaults and checks every option.
 *
 * @example
 * ```ts ignore
 * resolvePushOptions({ mode: "mixed" }).idleTimeout; // 60000
 * ```
 * @throws {TypeError|RangeError} on a bad option, naming it.
 */
export function resolvePushOptions(options: PushOptions | undefined): ResolvedPushOptions {
  options = optionsObject(options, "options");
  const shared = resolveSharedOptions(options);
  const { mode } = shared;
  const request = options.request;
  if (request !== undefined && !(request instanceof Request)) {
    throw new TypeError(`options.request must be a Request, got ${describeValue(request)}`);
  }
  const signals = pushSignals(options.signal, request, "options.");
  const advanceHeaders = flag(
    options.advanceHeaders,
    wantsAnnounce(mode, request),
    "options.advanceHeaders",
  );
  if (advanceHeaders && mode !== "replace") {
    throw new RangeError('options.advanceHeaders applies to mode "replace" only');
  }
  const waitUntil = hook<(promise: Promise<void>) => void>(options.waitUntil, "options.waitUntil");
  return {
    ...shared,
    replaceOverMixed: labelsMixed(mode, advanceHeaders, request),
    signals,
    advanceHeaders,
    waitUntil,
  };
}

/**
 * The signals that end a push: `signal`, then `request.signal`, each checked.
 * Errors name them `${prefix}signal` and `${prefix}request.signal`.
 *
 * @example
 * ```ts ignore
 * pushSignals(undefined, request, ""); // [request.signal]
 * ```
 * @throws {TypeError} when one is not an `AbortSignal`.
 */
export function pushSignals(
  signal: unknown,
  request: Request | undefined,
  prefix: string,
): AbortSignal[] {
  const signals: AbortSignal[] = [];
  for (const [name, value] of [["signal", signal], ["request.signal", request?.signal]]) {
    const checked = abortSignal(value, `${prefix}${name}`);
    if (checked) signals.push(checked);
  }
  return signals;
}

/**
 * Whether a push to the client that sent `request` uses browser framing
 * (framing.ts): always without a request (the default must be right for
 * browsers; readers stay correct), and for browser page, frame and image
 * loads; not for mixed mode, a `fetch()` reader asking for `multipart/mixed`
 * first, or a client that is no browser page load (ffmpeg, VLC, GStreamer,
 * OpenCV, curl), which reads each part with its `Content-Length`.
 *
 * @example
 * ```ts ignore
 * wantsAnnounce("replace", new Request("http://x/", { headers: { "User-Agent": "Lavf/60" } })); // false
 * ```
 */
export function wantsAnnounce(mode: PushMode, request: Request | undefined): boolean {
  if (mode !== "replace") return false;
  return request === undefined || (!asksForMixed(request) && isBrowserLoad(request));
}

/**
 * Whether a reader-framed replace push answering `request` is labelled
 * `multipart/mixed;push=replace` (lib/shared/fetch_framing.ts): WebKit's
 * `fetch()` cannot read `multipart/x-mixed-replace`.
 */
export function labelsMixed(
  mode: PushMode,
  advanceHeaders: boolean,
  request: Request | undefined,
): boolean {
  return mode === "replace" && !advanceHeaders && request !== undefined && asksForMixed(request);
}

/** What browsers send as `Sec-Fetch-Dest` for loads that show a push. */
const SHOWN = /^(?:document|iframe|frame|embed|object|image)$/i;

/**
 * Whether a request is a browser loading a page, frame or image:
 * `Sec-Fetch-Dest` says so, or (an older browser, no `Sec-Fetch-Dest`) its
 * `Accept` asks for HTML or an image first.
 *
 * @example
 * ```ts
 * import { isBrowserLoad } from "multipart-push";
 *
 * isBrowserLoad(new Request("http://x/", { headers: { "Sec-Fetch-Dest": "image" } })); // true
 * ```
 */
export function isBrowserLoad(request: Request): boolean {
  const dest = request.headers.get("sec-fetch-dest");
  if (dest !== null) return SHOWN.test(dest.trim());
  return /^\s*(?:image\/|text\/html|application\/xhtml\+xml)/i.test(
    request.headers.get("accept") ?? "",
  );
}
