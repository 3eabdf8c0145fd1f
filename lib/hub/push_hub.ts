/**
 * `PushHub`: one source, many viewers, each frame encoded once and shared;
 * with its one timer (`HubTimer`: a single `setTimeout` for every viewer,
 * firing at the earliest keep-alive, idle or duration deadline).
 *
 * @module
 */

import {
  encodeFrame,
  encodeOffline,
  type HubFrame,
  LiveFrame,
  type PublishCheck,
  publishCheck,
  sameFrame,
  unstamped,
} from "./frame.ts";
import {
  type HubResponseInit,
  type PushHubFromOptions,
  type PushHubOptions,
  type ResolvedHubOptions,
  resolveHubOptions,
  resolveSnapshotInit,
  type SnapshotInit,
} from "./options.ts";
import { assertSource, type PushHubSource, SourceRunner } from "./source.ts";
import {
  pushRefusal,
  pushSetup,
  snapshotHeaders,
  snapshotResponse,
  unavailableResponse,
  withCors,
} from "./responses.ts";
import { HubSubscribers } from "./viewers.ts";
import { HubMeter, type HubStats, sourceState } from "./stats.ts";
import type { Part } from "../push/part.ts";
import type { HubSubscriber } from "./viewers.ts";
import { armTimeout } from "./arm_timeout.ts";

/**
 * A fan-out hub: `publish()` frames, answer each viewer with `response()`.
 *
 * Replace mode (default): latest wins; a new viewer gets the latest frame at once (`replay`), idle
 * viewers get it again every `keepAlive` ms. Mixed mode: every part in order; a viewer more than
 * `maxQueue` parts behind is cut off (its stream errors, so its client sees the loss).
 *
 * @example One camera, many viewers, on Deno
 * ```ts ignore
 * const hub = PushHub.from(() => camera()); // an async generator of { contentType, body } parts
 * Deno.serve((request) => hub.response(request));
 * ```
 */
export class PushHub {
  #options: ResolvedHubOptions;
  #check: PublishCheck;
  #subscribers: HubSubscribers;
  #live: LiveFrame;
  #timer: HubTimer;
  #closed = false;
  #source: SourceRunner | undefined;
  #onClosed: () => void = () => {};
  /**
   * Settles when `close()` runs, for work that feeds the hub (`ingest` cuts
   * its live upload). A promise, not an `AbortSignal`: on Workers a signal
   * made in one request cannot be listened to from another.
   */
  readonly closed: Promise<void> = new Promise((resolve) => (this.#onClosed = resolve));
  #meter = new HubMeter();

  /**
   * A hub fed by {@linkcode PushHub.publish} ({@linkcode PushHub.from}: one that runs a source).
   * @param options See {@linkcode PushHubOptions}. @throws {TypeError|RangeError} on a bad option.
   */
  constructor(options?: PushHubOptions) {
    const config = resolveHubOptions(options);
    this.#options = config;
    this.#check = publishCheck(config.boundary);
    const offer = (frame: HubFrame): void => this.#subscribers.offer(frame, Date.now());
    this.#live = new LiveFrame(config.camera, encodeOffline(config), offer);
    const maxQueue = config.mode === "replace" ? Infinity : config.maxQueue;
    this.#subscribers = new HubSubscribers(config.boundary, maxQueue, {
      wanted: () => this.#source?.wake(),
      // A fresh snapshot still waiting keeps a lazy source running.
      empty: () => (this.#timer.stop(), this.#live.waiting === 0 && this.#source?.idle()),
      joined: (subscriber) => config.onSubscribe(subscriber.stats(Date.now())),
      left: (subscriber) => config.onUnsubscribe(subscriber.stats(Date.now())),
    });
    const idle = config.camera.offline && (() => this.#live.goOffline());
    this.#timer = new HubTimer(config, this.#subscribers, () => this.#live.latest, idle);
  }

  /**
   * A hub fed by `source`, started by the first subscriber, pulled only while
   * one waits for a frame, stopped (`return()`) `linger` ms after the last
   * left. A function is called at each start with a signal that aborts when
   * that run is stopped (a restart waits for the stopped run's `finally`). A
   * source that throws or yields a bad part breaks every subscriber's
   * connection and tells `onError`; one that finishes ends them cleanly (with
   * an `offline` picture: they see it, and the source restarts).
   *
   * @example
   * ```ts ignore
   * const hub = PushHub.from((signal) => camera(signal), { linger: 2000 });
   * ```
   * @throws {TypeError|RangeError} on a bad source or option, or a source
   * that can be iterated only once (a generator object) with a finite `linger`.
   */
  static from(source: PushHubSource, options?: PushHubFromOptions): PushHub {
    const hub = new PushHub(options);
    assertSource(source, hub.#options.linger);
    [hub.#live.offline, hub.#live.latest] = [false, undefined]; // it starts with the first viewer
    hub.#source = new SourceRunner(source, hub, hub.#subscribers, hub.#live, hub.#options);
    return hub;
  }

  /** Subscribers connected now. */
  get subscribers(): number {
    return this.#subscribers.size;
  }

  /** Memory held for subscribers, each shared frame buffer once (the `replay` one while held). */
  get retainedBytes(): number {
    return this.#subscribers.real;
  }

  /** Bytes held for subscribers, summed per subscriber (a shared frame once per holder). */
  get subscriberBytes(): number {
    return this.#subscribers.retained;
  }

  /** The boundary of every subscriber's push. */
  get boundary(): string {
    return this.#options.boundary;
  }

  /**
   * Sends a part to every subscriber. Its body is copied once, so the caller
   * may reuse its buffer. Ignored after `close()` (but still checked).
   * @throws {TypeError} on a bad part, a Blob/stream body (await it first;
   * `PushHub.from` does), or a header value with a character above U+00FF.
   * {RangeError} when the body or a header value holds `--boundary` (the
   * hub's boundary, whoever chose it: every viewer can read it).
   */
  publish(part: Part): void {
    const checked = this.#check(part);
    if (this.#closed) return;
    const wire = this.#live.stamps ? unstamped(checked) : checked;
    const now = Date.now();
    this.#timer.publishedAt = now;
    const live = this.#live, last = live.live;
    if (this.#options.dropSame && last && sameFrame(last, wire.fields, wire.bytes)) {
      if (live.repeat()) this.#subscribers.offer(last, now); // dualFinalFrames
      return;
    }
    live.set(encodeFrame(this.#options.boundary, wire, part.contentType, live.stamp()));
    this.#meter.published(now);
    this.#subscribers.offer(live.latest!, now);
    if (!last) this.#timer.arm(); // the first frame, or back from offline: keep-alives start
  }

  /**
   * A push response for one viewer. With `request`, the framing fits the
   * client (as `pushResponse`'s: browser framing for browsers and when no
   * request is given, reader framing for media readers and `fetch()`) and
   * the viewer leaves when `request.signal` aborts. Past
   * `maxSubscribers`, or after `close()`: `503` with `Retry-After`. `HEAD`:
   * the same status and headers, no body, never counted as a subscriber.
   *
   * @example
   * ```ts ignore
   * Deno.serve((request) => hub.response(request, { fps: 5 }));
   * ```
   * @throws {TypeError|RangeError} on a bad request or init.
   */
  response(request?: Request, init?: HubResponseInit): Response {
    const { config, headers } = pushSetup(this.#options, request, init);
    const { retryAfter, maxSubscribers, camera: { cors } } = this.#options;
    const full = this.#subscribers.size >= maxSubscribers;
    const refused = pushRefusal({ closed: this.#closed, full, retryAfter, cors }, request, headers);
    if (refused) return refused;
    const now = Date.now();
    const meter = this.#meter.viewer(request, now);
    this.#checkIdle(now);
    const replay = this.#options.replay ? this.#live.latest : undefined;
    const subscriber = this.#subscribers.join({ ...config, meter }, replay, now);
    if (!subscriber.aborted) {
      this.#source?.start();
      if (!this.#timer.armed) this.#timer.arm();
    }
    return new Response(subscriber.stream, { headers });
  }

  /**
   * The latest frame as an ordinary response (`Content-Type`,
   * `Content-Length`, `Cache-Control: no-store` or `max-age`), for clients that
   * cannot take a push; `503` with `Retry-After` before the first frame. With
   * `fresh: true`, a promise of the next frame (see {@linkcode SnapshotInit}).
   *
   * @example
   * ```ts
   * import { PushHub } from "multipart-push";
   *
   * const hub = new PushHub();
   * const next = hub.snapshot({ fresh: true, timeout: 1000 });
   * hub.publish({ contentType: "text/plain", body: "new" });
   * await (await next).text(); // "new"
   * ```
   * @throws {TypeError|RangeError} on a bad init, or when `init.headers` sets
   * `Content-Type` or `Content-Length`.
   */
  snapshot(init?: SnapshotInit & { fresh?: false | undefined }): Response;
  /** With `fresh: true`: a promise of the next frame's response. */
  snapshot(init: SnapshotInit & { fresh: true }): Promise<Response>;
  /** A response, or with `fresh: true` a promise of one. */
  snapshot(init?: SnapshotInit): Response | Promise<Response>;
  snapshot(init?: SnapshotInit): Response | Promise<Response> {
    this.#checkIdle(Date.now());
    const config = resolveSnapshotInit(init);
    const { request, fresh, timeout } = config;
    const headers = snapshotHeaders(config); // a bad header throws now, not after a wait
    const { retryAfter, camera: { cors } } = this.#options;
    const preflight = request && cors?.preflight(request);
    if (preflight) return fresh ? Promise.resolve(preflight) : preflight;
    const answer = (frame: HubFrame | undefined, why: string): Response =>
      withCors(
        cors,
        request,
        frame ? snapshotResponse(frame, headers) : unavailableResponse(why, retryAfter),
      );
    if (!fresh) return answer(this.#live.latest, "no frame has been published yet");
    if (this.#closed) return Promise.resolve(answer(undefined, "the hub is closed"));
    const next = this.#live.next(timeout);
    // A lazy source runs for a fresh snapshot as for a viewer, and may stop after it.
    this.#source?.start();
    this.#source?.wake();
    return next.then((frame) => {
      if (this.#subscribers.size === 0 && this.#live.waiting === 0) this.#source?.idle();
      // Past the timeout: the offline picture while offline, else a 503 saying why.
      const shown = frame ?? (this.#live.offline ? this.#live.latest : undefined);
      return answer(shown, `no new frame within ${timeout} ms`);
    });
  }

  /**
   * The source is gone (a publisher left): viewers and snapshots get the
   * `offline` picture and `stats().source` says `"offline"` until the next
   * `publish()`. Without an `offline` picture viewers keep the last frame.
   * `ingest` calls it when a stream upload ends.
   */
  goOffline(): void {
    this.#live.goOffline();
  }

  /** Tells `options.onError` (what it throws is ignored), for code that feeds the hub. */
  reportError(error: unknown): void {
    this.#options.onError(error);
  }

  /**
   * The hub's figures as a plain, JSON-ready object: viewers (id, joined at,
   * fps, frames sent and dropped, bytes held, user agent, `?key=`), source
   * state, frames published, fps in and out, bytes retained. See {@linkcode HubStats}.
   *
   * @example
   * ```ts ignore
   * Deno.serve((request) => Response.json(hub.stats())); // { source: "running", viewers: [...], … }
   * ```
   */
  stats(): HubStats {
    const now = Date.now();
    this.#checkIdle(now);
    const source = sourceState(this.#closed, this.#source?.state, this.#live.offline);
    return this.#meter.stats(source, this.#subscribers.stats(now), this, now);
  }

  /** Ends every subscriber cleanly (pending frame, then the close delimiter) and stops the source. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#live.close();
    this.#onClosed();
    this.#source?.close();
    this.#subscribers.endAll();
    this.#timer.stop();
  }

  /** Idle without a timer (no viewer armed one): a snapshot or stats must not show a stale frame. */
  #checkIdle(now: number): void {
    const idle = now - this.#timer.publishedAt >= this.#options.idleTimeout;
    if (idle && !this.#source) this.#live.goOffline();
  }
}

/** The deadlines, in milliseconds (`Infinity`: none): `keepAlive`, `idleTimeout`, `maxDuration`. */
type HubDeadlines = Pick<ResolvedHubOptions, "keepAlive" | "idleTimeout" | "maxDuration">;

/** Schedules and runs the deadlines of one hub's subscribers. */
class HubTimer {
  /** When the hub last published (or was created), for `idleTimeout`. */
  publishedAt: number = Date.now();
  #deadlines: HubDeadlines;
  #subscribers: Iterable<HubSubscriber>;
  #latest: () => HubFrame | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #idle: (() => void) | undefined;
  /** The `publishedAt` whose idle deadline has fired already. */
  #idledAt = NaN;

  /**
   * `latest` gives the frame a keep-alive resends (none before the first
   * publish). With `idle` (a hub with an `offline` picture), `idleTimeout`
   * without a publish calls it once instead of ending the subscribers.
   */
  constructor(
    deadlines: HubDeadlines,
    subscribers: Iterable<HubSubscriber>,
    latest: () => HubFrame | undefined,
    idle?: () => void,
  ) {
    this.#deadlines = deadlines;
    this.#subscribers = subscribers;
    this.#latest = latest;
    this.#idle = idle;
  }

  /** Whether a deadline is scheduled. */
  get armed(): boolean {
    return this.#timer !== undefined;
  }

  /**
   * Schedules the earliest deadline of all subscribers. A new subscriber's
   * deadlines are never earlier than those already armed, so joining only
   * arms when nothing is armed.
   */
  arm(): void {
    this.stop();
    const { keepAlive, idleTimeout, maxDuration } = this.#deadlines;
    const resend = this.#latest() !== undefined && keepAlive !== Infinity;
    const idleAt = this.#idledAt === this.publishedAt ? Infinity : this.publishedAt + idleTimeout;
    let next = Infinity;
    for (const s of this.#subscribers) {
      if (resend) next = Math.min(next, s.offeredAt + keepAlive);
      if (this.#idle) next = Math.min(next, idleAt);
      else next = Math.min(next, Math.max(this.publishedAt, s.joinedAt) + idleTimeout);
      next = Math.min(next, s.stalledSince + idleTimeout);
      next = Math.min(next, s.joinedAt + maxDuration);
    }
    if (next === Infinity) return;
    this.#timer = armTimeout(() => this.#tick(), next - Date.now());
  }

  /** Cancels the scheduled deadline. */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #tick(): void {
    this.#timer = undefined;
    const now = Date.now();
    const { keepAlive, idleTimeout, maxDuration } = this.#deadlines;
    if (this.#idle && this.#idledAt !== this.publishedAt && now >= this.publishedAt + idleTimeout) {
      this.#idledAt = this.publishedAt;
      this.#idle();
    }
    const latest = this.#latest();
    for (const s of [...this.#subscribers]) {
      const idle = !this.#idle && now >= Math.max(this.publishedAt, s.joinedAt) + idleTimeout;
      if (idle || now >= s.joinedAt + maxDuration) s.end(true);
      else if (now >= s.stalledSince + idleTimeout) s.fail(stalled(idleTimeout));
      else if (latest && now >= s.offeredAt + keepAlive) s.offer(latest, now);
    }
    this.arm();
  }
}

function stalled(idleTimeout: number): Error {
  return new Error(
    `the subscriber took no bytes for idleTimeout (${idleTimeout} ms): dropped to free its slot`,
  );
}
