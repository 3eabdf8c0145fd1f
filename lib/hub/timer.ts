/**
 * The hub-wide timer of a `PushHub`: one `setTimeout` for every subscriber,
 * firing at the earliest keep-alive, idle or duration deadline.
 *
 * @module
 */

import type { HubFrame } from "./frame.ts";
import type { HubSubscriber } from "./subscriber.ts";

/** The longest delay `setTimeout` honours; past it, runtimes fire after 1 ms. */
export const MAX_TIMER = 2 ** 31 - 1;

/**
 * `setTimeout` for every timer of the hub, with the delay kept within 1 ms
 * and {@linkcode MAX_TIMER}: each caller re-checks its deadline when it
 * fires, so a far deadline only costs one early wake-up per 24.8 days.
 *
 * @example
 * ```ts ignore
 * const timer = armTimeout(() => console.log("late"), 2 ** 40); // fires in 24.8 days
 * clearTimeout(timer);
 * ```
 */
export function armTimeout(run: () => void, ms: number): ReturnType<typeof setTimeout> {
  return setTimeout(run, Math.min(MAX_TIMER, Math.max(1, ms)));
}

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

  /** `latest` gives the frame a keep-alive resends (none before the first publish). */
  constructor(
    deadlines: HubDeadlines,
    subscribers: Iterable<HubSubscriber>,
    latest: () => HubFrame | undefined,
  ) {
    this.#deadlines = deadlines;
    this.#subscribers = subscribers;
    this.#latest = latest;
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
    let next = Infinity;
    for (const s of this.#subscribers) {
      if (resend) next = Math.min(next, s.offeredAt + keepAlive);
      next = Math.min(next, Math.max(this.publishedAt, s.joinedAt) + idleTimeout);
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
    const latest = this.#latest();
    for (const s of [...this.#subscribers]) {
      const idle = now >= Math.max(this.publishedAt, s.joinedAt) + idleTimeout;
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
