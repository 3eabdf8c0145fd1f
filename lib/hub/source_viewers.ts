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
import type { HubSubscribers } from "./subscribers.ts";

/** What {@linkcode HubSourceViewers} needs of its hub. */
export interface SourceViewersHost {
  subscribers: HubSubscribers;
  live: LiveFrame;
  /** Whether the hub has an `offline` picture. */
  offlinePicture: boolean;
  /** Milliseconds between restarts of a source that ended or failed, with an `offline` picture. */
  retryMs: number;
  /** Starts the source again (viewers are still there). */
  restart(): void;
}

/**
 * The hub's side of its source.
 *
 * @example
 * ```ts ignore
 * const viewers = new HubSourceViewers(host);
 * new SourceRunner(source, viewers, settings);
 * ```
 */
export class HubSourceViewers implements SourceViewers {
  #host: SourceViewersHost;
  #retry: ReturnType<typeof setTimeout> | undefined;

  constructor(host: SourceViewersHost) {
    this.#host = host;
  }

  /** Viewers waiting for a frame, and fresh snapshots (they wait as a viewer does). */
  get waiting(): number {
    return this.#host.subscribers.waiting + this.#host.live.waiting;
  }

  endAll(): void {
    this.#gone(() => this.#host.subscribers.endAll());
  }

  failAll(error: unknown): void {
    this.#gone(() => this.#host.subscribers.failAll(error));
  }

  /** Cancels a pending restart. */
  stop(): void {
    clearTimeout(this.#retry);
  }

  /** Without an offline picture the viewers end; with one they see it, and the source restarts. */
  #gone(end: () => void): void {
    const host = this.#host;
    if (!host.offlinePicture) return end();
    host.live.goOffline();
    clearTimeout(this.#retry);
    // Once per retryMs (at least a second), so a source that ends at once cannot spin.
    this.#retry = armTimeout(() => {
      if (host.subscribers.size > 0) host.restart();
    }, host.retryMs);
  }
}
