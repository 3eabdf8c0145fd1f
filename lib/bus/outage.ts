/**
 * What a publisher does while its bus connection is down: drop frames
 * instead of letting the client queue them. A client that queues (nats.js's
 * outbound buffer, node-redis's offline queue) grows without bound during a
 * long outage and then floods every viewer with stale frames; a live picture
 * wants the next frame, not the backlog.
 *
 * @module
 */

import { describeValue } from "../shared/describe.ts";

/**
 * Counts the frames dropped in the current outage and reports each outage once.
 *
 * @example
 * ```ts ignore
 * const outage = new Outage(console.error, "NATS subject camera.1");
 * if (!connected) outage.drop();
 * else (nc.publish(subject, frame), outage.sent());
 * ```
 */
export class Outage {
  #report: (error: unknown) => void;
  #what: string;
  #dropped = 0;

  /** `what` names the bus and subject in the report, e.g. `NATS subject camera.1`. */
  constructor(report: (error: unknown) => void, what: string) {
    this.#report = report;
    this.#what = what;
  }

  /** A frame was not published because the connection is down. */
  drop(): void {
    if (this.#dropped++ === 0) {
      this.#report(
        new Error(`${this.#what}: the connection is down; dropping frames until it is back`),
      );
    }
  }

  /** A frame was published: the outage, if any, is over. */
  sent(): void {
    this.#dropped = 0;
  }
}

/**
 * `onError`, checked, or `console.error`, wrapped so that a reporter that
 * throws never breaks what it reports on.
 *
 * @example
 * ```ts ignore
 * const report = reporter(options?.onError);
 * report(new Error("the subscriber was cut off")); // never throws
 * ```
 * @throws {TypeError} when `onError` is given and not a function.
 */
export function reporter(onError: unknown): (error: unknown) => void {
  const report = onError ?? console.error;
  if (typeof report !== "function") {
    throw new TypeError(`options.onError must be a function, got ${describeValue(onError)}`);
  }
  return (error) => {
    try {
      report(error);
    } catch {
      // The user's reporter failed; what it reports on goes on.
    }
  };
}
