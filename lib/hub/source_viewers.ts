/**
 * What a `PushHub.from` source sees of its hub's viewers: how many wait for a
 * frame (fresh snapshots count), and what its end or failure does to them,
 * which with an `offline` picture is to show it and restart the source.
 *
 * @module
 */

import { armTimeout } from "./arm_timeout.ts";
import type { LiveFrame } from "./live.ts";
import type { SourceViewers } from "./source.ts";
import type { HubSubscribers } from "./viewers.ts";

/**
 * The hub's side of its source.
 *
 * @example
 * ```ts ignore
 * const viewers = new HubSourceViewers(subscribers, live, options, () => runner.start());
 * new SourceRunner(source, viewers, settings);
 * ```
 */
export class HubSourceViewers implements SourceViewers {
  #subscribers: HubSubscribers;
  #live: LiveFrame;
  #offline: boolean;
  #retryMs: number;
  #restart: () => void;
  #retry: ReturnType<typeof setTimeout> | undefined;

  /**
   * `restart` starts the source again while viewers remain, at most once per
   * `retryAfter` s (and a second), after it ended or failed with an `offline` picture.
   */
  constructor(
    subscribers: HubSubscribers,
    live: LiveFrame,
    options: { retryAfter: string; camera: { offline: unknown } },
    restart: () => void,
  ) {
    this.#subscribers = subscribers;
    this.#live = live;
    this.#offline = options.camera.offline !== undefined;
    this.#retryMs = Math.max(1000, Number(options.retryAfter) * 1000);
    this.#restart = restart;
  }

  /** Viewers waiting for a frame, and fresh snapshots (they wait as a viewer does). */
  get waiting(): number {
    return this.#subscribers.waiting + this.#live.waiting;
  }

  endAll(): void {
    this.#gone(() => this.#subscribers.endAll());
  }

  failAll(error: unknown): void {
    this.#gone(() => this.#subscribers.failAll(error));
  }

  /** Cancels a pending restart. */
  stop(): void {
    clearTimeout(this.#retry);
  }

  /** Without an offline picture the viewers end; with one they see it, and the source restarts. */
  #gone(end: () => void): void {
    if (!this.#offline) return end();
    this.#live.goOffline();
    clearTimeout(this.#retry);
    // At least a second apart, so a source that ends at once cannot spin.
    this.#retry = armTimeout(() => {
      if (this.#subscribers.size > 0) this.#restart();
    }, this.#retryMs);
  }
}
