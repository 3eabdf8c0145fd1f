/**
 * Pushes that heal: an `<img>` push that goes quiet (a proxy dropped it, a
 * laptop slept, the server ended) fires no `error` in Chromium, so nothing
 * tells the page. {@linkcode watchImage} notices that no new frame came for
 * `stallMs` and reloads the push, with backoff and jitter up to a cap.
 *
 * How a new frame is seen differs by engine (measured, issue 14): Firefox
 * fires `load` for every part; Chromium and WebKit fire it once, but hand a
 * canvas the current frame, so a small sample of the picture is compared.
 * Hence a push whose frames stay identical for longer than `stallMs` looks
 * stalled in Chromium and WebKit (one needless reload); a cross-origin image
 * without CORS cannot be sampled, so there only `load` events count.
 *
 * @module
 */

import { backoffMs } from "../shared/backoff.ts";
import { abortSignal, hook, milliseconds, optionsObject } from "../shared/checks.ts";
import { contained } from "../shared/contained.ts";
import { describeValue } from "../shared/describe.ts";
import { RELOAD_PARAM } from "../shared/reload_param.ts";

/** The `<img>` being watched (typed by what is used, so no DOM library is needed). */
export interface WatchedImage {
  /** The push URL; replaced with a fresh one on each reload. */
  src: string;
  /** 0 until a frame is decoded. */
  naturalWidth: number;
  /** Firefox fires `load` per frame; every engine fires `error` on a broken image. */
  addEventListener(type: "load" | "error", listener: () => void): void;
  /** Called by the function {@linkcode watchImage} returns. */
  removeEventListener(type: "load" | "error", listener: () => void): void;
}

/** Options of {@linkcode watchImage}. */
export interface WatchImageOptions {
  /**
   * Milliseconds without a new frame after which the push is reloaded.
   * @default {10000}
   */
  stallMs?: number | undefined;
  /**
   * The first wait before a reload after an error; doubled per failed try.
   * @default {1000}
   */
  retryMs?: number | undefined;
  /**
   * The longest wait between two reloads.
   * @default {30000}
   */
  maxRetryMs?: number | undefined;
  /**
   * Stops watching.
   * @default {undefined} watches until the returned function is called
   */
  signal?: AbortSignal | undefined;
  /**
   * Called before each reload, with why and how many reloads in a row.
   * @default {undefined}
   */
  onReload?: ((info: { reason: "stall" | "error"; attempt: number }) => void) | undefined;
  /**
   * The URL each reload loads, for a `src` that expires (a signed URL, see `signUrl`): called
   * before each reload, it returns (or resolves to) a fresh one, e.g. newly signed by your
   * server. `reload=<ms>` is added to it too. One that throws, rejects or gives no string counts
   * as a failed try: the next waits longer.
   * @default {undefined} the `src` it started with
   */
  reloadUrl?: (() => string | Promise<string>) | undefined;
}

type Sampler = (img: WatchedImage) => string | undefined;

/** Draws the image into an 8×8 canvas and returns its pixels as text, if it may be read. */
function sampler(): Sampler {
  const Offscreen = (globalThis as { OffscreenCanvas?: new (w: number, h: number) => unknown })
    .OffscreenCanvas;
  if (Offscreen === undefined) return () => undefined;
  type Context = {
    clearRect(x: number, y: number, w: number, h: number): void;
    drawImage(img: unknown, x: number, y: number, w: number, h: number): void;
    getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> };
  };
  const canvas = new Offscreen(8, 8) as { getContext(type: "2d", o: unknown): Context | null };
  const context = canvas.getContext("2d", { willReadFrequently: true });
  return (img) => {
    if (context === null || img.naturalWidth === 0) return undefined;
    try {
      context.clearRect(0, 0, 8, 8);
      context.drawImage(img, 0, 0, 8, 8);
      return Array.prototype.join.call(context.getImageData(0, 0, 8, 8).data);
    } catch {
      return undefined; // A cross-origin image taints the canvas: rely on load events.
    }
  };
}

/**
 * Watches an `<img>` push and reloads it when no new frame came for
 * `stallMs` or the image errors, waiting `retryMs`, then twice as long per
 * failed try (with jitter, at most `maxRetryMs`). A new frame resets the wait.
 * Each reload sets the `src` it started with plus `reload=<ms>` (a fresh URL,
 * so the engine fetches again); `verifySignedUrl` leaves that one parameter
 * out of the signature, so a signed `src` heals too, and `reloadUrl` gives a
 * fresh one once it expires.
 *
 * @example Keep a camera view alive
 * ```ts ignore
 * import { watchImage } from "multipart-push/browser";
 *
 * const stop = watchImage(document.querySelector("img")!, { stallMs: 5000 });
 * // later: stop();
 * ```
 *
 * @param img The `<img>` showing the push.
 * @param options See {@linkcode WatchImageOptions}.
 * @returns A function that stops watching.
 * @throws {TypeError|RangeError} on a bad image or option.
 */
export function watchImage(img: WatchedImage, options: WatchImageOptions = {}): () => void {
  if (typeof img !== "object" || img === null || typeof img.addEventListener !== "function") {
    throw new TypeError(`img must be an <img> element, got ${describeValue(img)}`);
  }
  options = optionsObject(options, "options");
  const stallMs = milliseconds(options.stallMs, 10_000, "options.stallMs", "");
  const retryMs = milliseconds(options.retryMs, 1000, "options.retryMs", "");
  const maxRetryMs = milliseconds(options.maxRetryMs, 30_000, "options.maxRetryMs", "");
  const signal = abortSignal(options.signal, "options.signal");
  const onReload = contained(hook<NonNullable<WatchImageOptions["onReload"]>>(
    options.onReload,
    "options.onReload",
  ));
  const reloadUrl = hook<() => string | Promise<string>>(options.reloadUrl, "options.reloadUrl");
  const base = img.src;
  const sample = sampler();
  let last = sample(img);
  let lastFrameAt = Date.now();
  let attempt = 0;
  let reloadAt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  const frame = (): void => {
    lastFrameAt = Date.now();
    attempt = 0;
    // A frame came after all: the push is alive, no reload.
    clearTimeout(timer);
    reloadAt = 0;
  };
  /** Where the next reload goes: `reloadUrl`'s answer or the first `src`, marked fresh. */
  const nextUrl = async (): Promise<string> => {
    const href = reloadUrl ? await reloadUrl() : base;
    if (typeof href !== "string") throw new TypeError("options.reloadUrl gave no string");
    const url = new URL(href, (globalThis as { location?: { href: string } }).location?.href);
    // A fresh URL makes the engine fetch again; verifySignedUrl leaves this mark unsigned.
    url.searchParams.set(RELOAD_PARAM, String(Date.now()));
    return url.href;
  };
  const reload = (reason: "stall" | "error"): void => {
    const wait = backoffMs(retryMs, maxRetryMs, attempt);
    attempt++;
    reloadAt = Date.now() + wait;
    clearTimeout(timer);
    timer = setTimeout(() => {
      // A throwing callback must not stop the healing.
      onReload({ reason, attempt });
      lastFrameAt = Date.now();
      nextUrl().then(
        (href) => {
          if (!stopped) img.src = href;
        },
        () => stopped || reload("error"),
      );
    }, wait);
  };
  const onError = (): void => reload("error");
  const check = setInterval(() => {
    const now = sample(img);
    if (now !== undefined && now !== last) frame();
    last = now;
    if (Date.now() < reloadAt) return;
    if (Date.now() - lastFrameAt >= stallMs) reload("stall");
  }, Math.min(250, stallMs / 4));

  img.addEventListener("load", frame);
  img.addEventListener("error", onError);
  const stop = (): void => {
    stopped = true;
    clearInterval(check);
    clearTimeout(timer);
    img.removeEventListener("load", frame);
    img.removeEventListener("error", onError);
    signal?.removeEventListener("abort", stop);
  };
  signal?.addEventListener("abort", stop);
  if (signal?.aborted) stop();
  return stop;
}
