/**
 * `PushHub`: one source, many viewers. Each frame is encoded once and shared;
 * each subscriber holds at most one frame (replace mode) or `maxQueue` parts
 * (mixed mode), whatever its client does.
 *
 * @module
 */

import { type Framing, framingFor } from "../push/framing.ts";
import { encodeFrame, type HubFrame, sameFrame } from "./frame.ts";
import type { HubResponseInit, PushHubFromOptions, PushHubOptions } from "./options.ts";
import { type ResolvedHubOptions, resolveHubOptions } from "./options.ts";
import { type PublishCheck, publishCheck } from "./publish_checks.ts";
import { assertSource, type PushHubSource, SourceRunner } from "./source.ts";
import { pushSetup, snapshotResponse, unavailableResponse } from "./responses.ts";
import { HubSubscribers } from "./subscribers.ts";
import { HubTimer } from "./timer.ts";
import { type HubIngestOptions, IngestSlot } from "../ingest/ingest_slot.ts";
import { HubMeter, type HubStats, sourceState } from "./stats.ts";
import type { Part } from "../push/part.ts";

const FULL = "the hub has its maximum number of subscribers";

/**
 * A fan-out hub: `publish()` frames, answer each viewer with `response()`.
 *
 * Replace mode (default): latest wins; a new viewer gets the latest frame at once (`replay`), idle
 * viewers get it again every `keepAlive` ms. Mixed mode: every part in order; a viewer more than
 * `maxQueue` parts behind is cut off (its stream errors, so its client sees the loss).
 *
 * @example One camera, many viewers, on Deno
 * ```ts ignore
 * import { PushHub } from "multipart-push";
 *
 * const hub = PushHub.from(async function* () {
 *   while (true) yield { contentType: "image/jpeg", body: await grabJpeg() };
 * });
 * Deno.serve((request) => hub.response(request));
 * ```
 */
export class PushHub {
  #options: ResolvedHubOptions;
  #framing: Framing;
  #check: PublishCheck;
  #subscribers: HubSubscribers;
  #latest: HubFrame | undefined;
  #timer: HubTimer;
  #closed = false;
  #source: SourceRunner | undefined;
  #ingest: IngestSlot = new IngestSlot(this);
  #meter = new HubMeter();

  /**
   * A hub fed by {@linkcode PushHub.publish} ({@linkcode PushHub.from}: one that runs a source).
   *
   * @param options See {@linkcode PushHubOptions}.
   * @throws {TypeError|RangeError} on a bad option.
   */
  constructor(options?: PushHubOptions) {
    const config = resolveHubOptions(options);
    this.#options = config;
    this.#framing = framingFor(config.mode, config.boundary);
    this.#check = publishCheck(config.boundary);
    const maxQueue = config.mode === "replace" ? Infinity : config.maxQueue;
    this.#subscribers = new HubSubscribers(this.#framing, maxQueue, {
      wanted: () => this.#source?.wake(),
      empty: () => {
        this.#timer.stop();
        this.#source?.idle();
      },
      joined: (subscriber) => config.onSubscribe(subscriber.stats(Date.now())),
      left: (subscriber) => config.onUnsubscribe(subscriber.stats(Date.now())),
    });
    this.#timer = new HubTimer(config, this.#subscribers, () => this.#latest);
  }

  /**
   * A hub fed by `source`, started by the first subscriber, pulled only while
   * one waits for a frame, stopped (`return()`) `linger` ms after the last
   * left. A function is called at each start with a signal that aborts when
   * that run is stopped (a restart waits for the stopped run's `finally`). A
   * source that throws or yields a bad part breaks every subscriber's
   * connection and tells `onError`; one that finishes ends them cleanly.
   *
   * @example
   * ```ts
   * import { PushHub } from "multipart-push";
   *
   * const hub = PushHub.from(async function* (signal) {
   *   for (let i = 0; !signal.aborted; i++) {
   *     yield { contentType: "text/plain", body: `tick ${i}` };
   *     await new Promise((resolve) => setTimeout(resolve, 1000));
   *   }
   * }, { linger: 2000 });
   * ```
   * @throws {TypeError|RangeError} on a bad source or option, or a source
   * that can be iterated only once (a generator object) with a finite `linger`.
   */
  static from(source: PushHubSource, options?: PushHubFromOptions): PushHub {
    const hub = new PushHub(options);
    assertSource(source, hub.#options.linger);
    const publish = (part: Part): void => hub.publish(part);
    hub.#source = new SourceRunner(source, hub.#subscribers, { ...hub.#options, publish });
    return hub;
  }

  /** Subscribers connected now. */
  get subscribers(): number {
    return this.#subscribers.size;
  }

  /**
   * Memory held for subscribers: every frame buffer some subscriber has not
   * taken yet or keeps to fill an announced part, once however many share it
   * (the latest frame kept for `replay` counts only while one holds it too).
   */
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
   *
   * @throws {TypeError} on a bad part, a Blob/stream body (await it first;
   * `PushHub.from` does), or a header value with a character above U+00FF.
   * {RangeError} when the body or a header value holds `--boundary` (the
   * hub's boundary, whoever chose it: every viewer can read it).
   */
  publish(part: Part): void {
    const wire = this.#check(part);
    if (this.#closed) return;
    const now = Date.now();
    this.#timer.publishedAt = now;
    const latest = this.#latest;
    if (this.#options.dropSame && latest && sameFrame(latest, wire.fields, wire.bytes)) return;
    const frame = encodeFrame(this.#framing, wire, part.contentType);
    this.#meter.published(now);
    this.#latest = frame;
    this.#subscribers.offer(frame, now);
    if (!latest) this.#timer.arm();
  }

  /**
   * A push response for one viewer. With `request`, an `<img>` load gets
   * `advanceHeaders` and the viewer leaves when `request.signal` aborts.
   * Past `maxSubscribers`, or after `close()`: `503` with `Retry-After`.
   * A `HEAD` request gets the same status and headers with no body, and is
   * never counted as a subscriber.
   *
   * @example
   * ```ts
   * import { PushHub } from "multipart-push";
   *
   * const hub = new PushHub();
   * const response = hub.response(new Request("http://localhost/cam"), { fps: 5 });
   * hub.publish({ contentType: "text/plain", body: "hello" });
   * hub.close();
   * await response.text();
   * ```
   * @throws {TypeError|RangeError} on a bad request or init.
   */
  response(request?: Request, init?: HubResponseInit): Response {
    const { config, headers } = pushSetup(this.#options, request, init);
    const head = request?.method === "HEAD";
    const full = this.#subscribers.size >= this.#options.maxSubscribers;
    const why = this.#closed ? "the hub is closed" : full ? FULL : undefined;
    if (why) return unavailableResponse(why, this.#options.retryAfter, head);
    if (head) return new Response(null, { headers });
    const now = Date.now();
    const meter = this.#meter.viewer(request, now);
    const replay = this.#options.replay ? this.#latest : undefined;
    const subscriber = this.#subscribers.join({ ...config, meter }, replay, now);
    if (!subscriber.aborted) {
      this.#source?.start();
      if (!this.#timer.armed) this.#timer.arm();
    }
    return new Response(subscriber.stream, { headers });
  }

  /**
   * The latest frame as an ordinary response (`Content-Type`,
   * `Content-Length`, `Cache-Control: no-store`), for clients that cannot
   * take a push; `503` with `Retry-After` before the first frame.
   *
   * @example
   * ```ts
   * import { PushHub } from "multipart-push";
   *
   * const hub = new PushHub();
   * hub.publish({ contentType: "text/plain", body: "still" });
   * await hub.snapshot().text(); // "still"
   * ```
   * @throws {TypeError} when `init.headers` sets `Content-Type` or `Content-Length`.
   */
  snapshot(init?: { headers?: HeadersInit }): Response {
    if (!this.#latest) {
      return unavailableResponse("no frame has been published yet", this.#options.retryAfter);
    }
    return snapshotResponse(this.#latest, init);
  }

  /** Publishes a publisher's upload until it ends, one at a time: see {@linkcode ingest}. */
  ingest(request: Request, options?: HubIngestOptions): Promise<Response> {
    return this.#ingest.run(request, options);
  }

  /**
   * The hub's figures as a plain, JSON-ready object: viewers (id, joined at,
   * fps, frames sent and dropped, bytes held, user agent, `?key=`), source
   * state, frames published, fps in and out, bytes retained. See {@linkcode HubStats}.
   *
   * @example
   * ```ts
   * import { PushHub } from "multipart-push";
   *
   * const hub = new PushHub();
   * const viewer = hub.response(new Request("http://localhost/cam?key=lobby"));
   * hub.stats().viewers[0].key; // "lobby"
   * hub.close();
   * await viewer.body?.cancel();
   * ```
   */
  stats(): HubStats {
    const now = Date.now();
    const fresh = !!this.#latest && now - this.#timer.publishedAt < this.#options.idleTimeout;
    const source = sourceState(this.#closed, this.#source?.state, fresh);
    return this.#meter.stats(source, this.#subscribers.stats(now), this, now);
  }

  /** Ends every subscriber cleanly (pending frame, then the close delimiter) and stops the source. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#ingest.close();
    this.#source?.stop();
    this.#subscribers.endAll();
    this.#timer.stop();
  }
}
