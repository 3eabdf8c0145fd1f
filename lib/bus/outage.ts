/**
 * What a publisher does while its bus connection is down: drop frames
 * instead of letting the client queue them. A client that queues (nats.js's
 * outbound buffer, node-redis's offline queue) grows without bound during a
 * long outage and then floods every viewer with stale frames; a live picture
 * wants the next frame, not the backlog.
 *
 * @module
 */

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
