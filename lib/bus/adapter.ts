/**
 * What the NATS and Redis adapters share: the check of the user's client
 * object, and a publisher that drops frames while the connection is down
 * (see `Outage`) instead of handing them to a client that would queue them.
 *
 * @module
 */

import type { Part } from "../push/part.ts";
import { describeValue } from "../shared/describe.ts";
import { encodeFrame } from "./frame_envelope.ts";
import { Outage } from "./outage.ts";
import { reporter } from "../shared/contained.ts";

/**
 * Throws unless `client` has a method `method`; `wanted` says what the
 * argument must be, e.g. `nc must be a connected nats.js NatsConnection`.
 *
 * @example
 * ```ts ignore
 * checkClient(nc, "nc must be a connected nats.js NatsConnection", "publish");
 * ```
 * @throws {TypeError} naming `wanted`, the method and what was given.
 */
export function checkClient(client: unknown, wanted: string, method: string): void {
  if (typeof (client as Record<string, unknown> | null)?.[method] !== "function") {
    throw new TypeError(`${wanted} (with ${method}()), got ${describeValue(client)}`);
  }
}

/** How `outagePublisher` reaches the bus. */
export interface PublisherLink {
  /** Names the bus and subject in the outage report, e.g. `NATS subject camera.1`. */
  what: string;
  /** False while the connection is down: the frame is dropped. */
  isUp(): boolean;
  /** Hands one frame envelope to the client. */
  send(frame: Uint8Array<ArrayBuffer>): void;
}

/**
 * A function that publishes each part as a frame envelope through `link`,
 * or drops it while the link is down and reports the outage once through
 * `onError` (checked here, `console.error` by default).
 *
 * @example
 * ```ts ignore
 * const publish = outagePublisher({
 *   what: `NATS subject ${subject}`,
 *   isUp: () => connected,
 *   send: (frame) => nc.publish(subject, frame),
 * }, options?.onError);
 * ```
 * @throws {TypeError} when `onError` is given and not a function (and, from
 * the returned function, on a bad part).
 */
export function outagePublisher(
  link: PublisherLink,
  onError: unknown,
): { publish: (part: Part) => void; report: (error: unknown) => void } {
  const report = reporter(onError);
  const outage = new Outage(report, link.what);
  const publish = (part: Part): void => {
    const frame = encodeFrame(part);
    if (!link.isUp()) return outage.drop();
    link.send(frame);
    outage.sent();
  };
  return { publish, report };
}
