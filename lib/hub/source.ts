/**
 * The source behind `PushHub.from`: started by the first subscriber, pulled
 * only while a subscriber waits for a frame, stopped `linger` ms after the
 * last subscriber left, restarted by the next one; and what its end does to
 * the viewers (they end, or see the offline picture while it restarts).
 *
 * @module
 */

import { describeValue } from "../shared/describe.ts";
import {
  badIteratorResult,
  isPartSource,
  openPartSource,
  type Part,
  type PartSource,
} from "../push/part.ts";
import { armTimeout } from "./arm_timeout.ts";
import { isFromOutside } from "../shared/outside_source.ts";
import type { LiveFrame } from "./frame.ts";
import type { HubSubscribers } from "./viewers.ts";

/**
 * What `PushHub.from` drives a hub with: parts, or a function returning them,
 * called at each start with a signal that aborts when that run is stopped (so
 * a source waiting for a camera can give up at once and reach its `finally`).
 */
export type PushHubSource = PartSource | ((signal: AbortSignal) => PartSource);

/** What a source run feeds: the hub's own `publish` and `reportError`. */
type Fed = { publish(part: Part): void; reportError(error: unknown): void };

/** The hub's settings for its source. */
type SourceOptions = {
  linger: number;
  stopTimeout: number;
  retryAfter: number;
  camera: { offline: unknown };
};

type Run = {
  iterator: AsyncIterator<Part> | Iterator<Part>;
  controller: AbortController;
  wake?: (() => void) | undefined;
};

/**
 * Checks what `PushHub.from` was given. A source that can be iterated only
 * once (a generator object, any iterator that is its own iterable, a
 * `ReadableStream`) is refused when `linger` is finite: once stopped, the
 * next viewer would restart a finished run.
 *
 * @throws {TypeError}
 */
export function assertSource(source: unknown, linger: number): void {
  if (typeof source === "function") return;
  if (!isPartSource(source)) {
    throw new TypeError(
      "source must be an AsyncIterable<Part>, an Iterable<Part> or a function returning one, got " +
        describeValue(source),
    );
  }
  const oneShot = typeof (source as Partial<Iterator<Part>>).next === "function" ||
    source instanceof ReadableStream;
  if (oneShot && linger !== Infinity) {
    const kind = Object.prototype.toString.call(source).slice(8, -1); // "AsyncGenerator", …
    throw new TypeError(
      `source (${kind}) can be iterated only once, but the hub stops and restarts its source ` +
        `(linger ${linger} ms): pass a function that returns a new one, e.g. PushHub.from(() => camera())`,
    );
  }
}

/**
 * Runs one source for one hub, one run at a time: a restart waits until the
 * stopping run's `return()` has settled (a camera cannot be opened twice).
 */
export class SourceRunner {
  #source: PushHubSource;
  #hub: Fed;
  #subscribers: HubSubscribers;
  #live: LiveFrame;
  #linger: number;
  #stopTimeout: number;
  /** Whether an ended run leaves an offline picture (and restarts) rather than ending the viewers. */
  #offline: boolean;
  #retryMs: number;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #run: Run | undefined;
  /** Settles once the stopped run's `return()` has (its `finally` ran). */
  #stopping: Promise<void> | undefined;
  /** Whether subscribers want the source running (it may still wait for `#stopping`). */
  #wanted = false;
  #lingerTimer: ReturnType<typeof setTimeout> | undefined;

  /**
   * `hub` gets the parts and the errors; `subscribers` and `live` are the
   * hub's viewers and frame, which say who waits and see the run's end.
   */
  constructor(
    source: PushHubSource,
    hub: Fed,
    subscribers: HubSubscribers,
    live: LiveFrame,
    options: SourceOptions,
  ) {
    this.#source = source;
    this.#hub = hub;
    this.#subscribers = subscribers;
    this.#live = live;
    this.#linger = options.linger;
    this.#stopTimeout = options.stopTimeout;
    this.#offline = options.camera.offline !== undefined;
    this.#retryMs = Math.max(1000, options.retryAfter * 1000);
  }

  /** A subscriber arrived: cancel a pending stop, start the source if it is not running. */
  start(): void {
    clearTimeout(this.#lingerTimer);
    this.#lingerTimer = undefined;
    this.#wanted = true;
    this.#open();
  }

  /** A subscriber now waits for a frame. */
  wake(): void {
    this.#run?.wake?.();
  }

  /** The last subscriber left: stop after `linger` ms unless one comes back. */
  idle(): void {
    if (
      !this.#wanted || this.#lingerTimer !== undefined ||
      this.#linger === Infinity
    ) return;
    if (this.#linger === 0) return this.stop();
    this.#lingerTimer = armTimeout(() => this.stop(), this.#linger);
  }

  /** The hub closed: stops the source, and its offline retry. */
  close(): void {
    clearTimeout(this.#retry);
    this.stop();
  }

  /** Stops the source now: its iterator's `return()` runs (a generator's `finally`). */
  stop(): void {
    clearTimeout(this.#lingerTimer);
    this.#lingerTimer = undefined;
    this.#wanted = false;
    const run = this.#run;
    if (!run) return;
    this.#run = undefined;
    run.wake?.();
    this.#close(run);
  }

  #open(): void {
    if (!this.#wanted || this.#run || this.#stopping) return;
    const controller = new AbortController();
    let iterator: Run["iterator"];
    try {
      const source = this.#source;
      iterator = typeof source === "function"
        ? openPartSource(source(controller.signal), undefined, "source()")
        : openPartSource(source, undefined, "source");
    } catch (error) {
      this.#wanted = false;
      return this.#failed(error);
    }
    const run: Run = { iterator, controller };
    this.#run = run;
    this.#pump(run);
  }

  #close(run: Run): void {
    try {
      run.controller.abort(new Error("the hub stopped its source"));
    } catch (error) {
      // workerd refuses to abort from a request other than the one that started the run.
      this.#hub.reportError(error);
    }
    let settled: Promise<unknown>;
    try {
      // A generator busy in next() runs return() once that settles.
      settled = Promise.resolve(run.iterator.return?.());
    } catch (error) {
      settled = Promise.reject(error);
    }
    // A source that ignores its signal and never settles would hold every restart back: past
    // stopTimeout it is reported and left behind (its finally may still run later).
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stuck = new Promise<void>((resolve) => {
      timer = armTimeout(() => {
        this.#hub.reportError(
          new Error(
            `the hub's source did not stop within stopTimeout (${this.#stopTimeout} ms): its ` +
              "return() has not settled (does it ignore its AbortSignal?); starting a new run anyway",
          ),
        );
        resolve();
      }, this.#stopTimeout);
    });
    const stopping: Promise<void> = Promise.race([
      settled.then(() => {}, (error) => this.#hub.reportError(error)),
      stuck,
    ]).finally(() => {
      clearTimeout(timer);
      if (this.#stopping === stopping) this.#stopping = undefined;
      this.#open();
    });
    this.#stopping = stopping;
  }

  /** For `hub.stats()`: stuck while a stopped run's `return()` holds a wanted restart back. */
  get state(): "running" | "stopped" | "stuck" {
    if (this.#run) return "running";
    return this.#wanted && this.#stopping ? "stuck" : "stopped";
  }

  #crash(run: Run, error: unknown, sourceOpen: boolean): void {
    if (this.#run !== run) return;
    this.#run = undefined;
    this.#wanted = false;
    if (sourceOpen) this.#close(run);
    this.#failed(error);
  }

  #failed(error: unknown): void {
    this.#gone(() => this.#subscribers.failAll(error));
    this.#hub.reportError(error);
  }

  /**
   * The run ended (`end`s the viewers) or failed: without an offline picture
   * `end` runs; with one the viewers see it, and the source restarts while
   * viewers remain, at most once per `retryAfter` s (and a second).
   */
  #gone(end: () => void): void {
    if (!this.#offline) return end();
    this.#live.goOffline();
    clearTimeout(this.#retry);
    // At least a second apart, so a source that ends at once cannot spin.
    this.#retry = armTimeout(() => {
      if (this.#subscribers.size > 0) this.start();
    }, this.#retryMs);
  }

  async #pump(run: Run): Promise<void> {
    // Each turn waits for demand or for the source; stop() ends it by replacing #run.
    while (this.#run === run) {
      // Viewers waiting for a frame, and fresh snapshots (they wait as a viewer does).
      if (this.#subscribers.waiting + this.#live.waiting === 0) {
        await new Promise<void>((resolve) => (run.wake = resolve));
        run.wake = undefined;
        continue;
      }
      let result: IteratorResult<Part>;
      try {
        result = await run.iterator.next();
      } catch (error) {
        return this.#crash(run, error, false);
      }
      if (this.#run !== run) return;
      const bad = badIteratorResult(result, "source");
      if (bad) return this.#crash(run, bad, true);
      if (result.done) {
        this.#run = undefined;
        this.#wanted = false;
        return this.#gone(() => this.#subscribers.endAll());
      }
      try {
        this.#hub.publish(await readBody(result.value));
      } catch (error) {
        // A part from outside the process (a bus) is skipped; one from the process is a bug.
        if (isFromOutside(this.#source)) this.#hub.reportError(error);
        else return this.#crash(run, error, true);
      }
    }
  }
}

/** The part with a Blob or stream body read into bytes, so that it can be published. */
async function readBody(part: Part): Promise<Part> {
  const body = part?.body;
  if (!(body instanceof Blob || body instanceof ReadableStream)) return part;
  return { ...part, body: new Uint8Array(await new Response(body).arrayBuffer()) };
}
