/**
 * The hub-wide timer of a `PushHub`: one `setTimeout` for every subscriber,
 * firing at the earliest keep-alive, idle or duration deadline.
 *
 * @module
 */

import type { HubFrame } from "./frame.ts";
import type { HubSubscriber } from "./viewer.ts";
import { armTimeout } from "./arm_timeout.ts";

/** The deadlines, in milliseconds (`Infinity`: none). */
export interface HubDeadlines {
  /** Resend the latest frame to a subscriber offered nothing for this long. */
  keepAlive: number;
  /**
   * End every subscriber when nothing was published (or since it joined) for
   * this long; break one that took no bytes for this long.
   */
  idleTimeout: number;
  /** End a subscriber this long after it joined. */
  maxDuration: number;
}

/** Schedules and runs the deadlines of one hub's subscribers. */
export class HubTimer {
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
