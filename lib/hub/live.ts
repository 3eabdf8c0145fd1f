/**
 * What a hub shows now: the latest live frame, or its `offline` picture once
 * the source is gone; with the per-frame stamps (`timestamps`), the repeat
 * `dualFinalFrames` lets through, and the snapshots waiting for a fresh frame.
 *
 * @module
 */

import { encodeFrame, type HubFrame } from "./frame.ts";
import { publishCheck } from "./publish_checks.ts";
import { armTimeout } from "./arm_timeout.ts";
import type { Part } from "../push/part.ts";
import { formatTimestamp } from "./timestamp.ts";

/**
 * The `offline` option encoded once, checked as `publish()` checks a part,
 * its errors naming `options.offline`.
 *
 * @example
 * ```ts ignore
 * const frame = encodeOffline(resolveHubOptions({ offline }));
 * ```
 * @throws {TypeError|RangeError} as `publish()` would.
 */
export function encodeOffline(
  options: { boundary: string; camera: { offline: Part | undefined } },
): HubFrame | undefined {
  const offline = options.camera.offline;
  if (offline === undefined) return undefined;
  const wire = publishCheck(options.boundary, "options.offline")(offline);
  return encodeFrame(options.boundary, wire, offline.contentType);
}

/**
 * The latest frame and the offline state of one hub.
 *
 * @example
 * ```ts ignore
 * const live = new LiveFrame(options.camera, encodeOffline(options), offerToAll);
 * live.set(encodeFrame(options.boundary, wire, "image/jpeg", live.stamp()));
 * live.goOffline(); // the offline frame, to offer to every viewer
 * ```
 */
export class LiveFrame {
  /** What viewers and snapshots get now (the offline picture while offline, if any). */
  latest: HubFrame | undefined;
  /** Whether the source is gone (publisher left, idle, source ended) and no frame came since. */
  offline: boolean;
  #settings: { timestamps: boolean; dualFinalFrames: boolean };
  #offline: HubFrame | undefined;
  #offer: (frame: HubFrame) => void;
  #count = 0;
  #repeated = false;
  #waiters = new Set<(frame: HubFrame | undefined) => void>();
  #closed = false;

  /**
   * Starts offline, showing `offline` (a hub fed by `publish()`; `PushHub.from`
   * resets both). `offer` hands the offline picture to every viewer.
   */
  constructor(
    settings: { timestamps: boolean; dualFinalFrames: boolean },
    offline: HubFrame | undefined,
    offer: (frame: HubFrame) => void,
  ) {
    this.#settings = settings;
    this.#offline = offline;
    this.#offer = offer;
    this.offline = true;
    this.latest = offline;
  }

  /** The last live frame, which `dropSame` compares with (none while offline). */
  get live(): HubFrame | undefined {
    return this.offline ? undefined : this.latest;
  }

  /** Snapshots waiting for a fresh frame. */
  get waiting(): number {
    return this.#waiters.size;
  }

  /** The header fields to add to the next frame: `X-Timestamp` and `X-Frame`, or none. */
  stamp(): string {
    if (!this.#settings.timestamps) return "";
    // Microseconds since the epoch stay below 2^53 until the year 2255.
    const micros = Math.round((performance.timeOrigin + performance.now()) * 1000);
    return `X-Timestamp: ${formatTimestamp(micros)}\r\nX-Frame: ${++this.#count}\r\n`;
  }

  /** `dropSame` found a repeat: whether to send it anyway (the first one, with `dualFinalFrames`). */
  repeat(): boolean {
    if (!this.#settings.dualFinalFrames || this.#repeated) return false;
    this.#repeated = true;
    return true;
  }

  /** A new live frame: it is the latest, the hub is online, waiting snapshots get it. */
  set(frame: HubFrame): void {
    this.latest = frame;
    this.offline = false;
    this.#repeated = false;
    for (const resolve of this.#waiters) resolve(frame);
    this.#waiters.clear();
  }

  /** The source is gone (publisher left, idle, source ended): viewers get the offline picture. */
  goOffline(): void {
    if (this.offline || this.#closed) return;
    this.offline = true;
    const frame = this.#offline;
    if (!frame) return;
    this.latest = frame;
    this.#offer(frame);
  }

  /**
   * The next frame set after this call, or `undefined` after `timeout` ms or
   * at `close()`.
   */
  next(timeout: number): Promise<HubFrame | undefined> {
    return new Promise((resolve) => {
      const done = (frame: HubFrame | undefined): void => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        resolve(frame);
      };
      const timer = armTimeout(() => done(undefined), timeout);
      this.#waiters.add(done);
    });
  }

  /** Ends every wait with `undefined`; the hub stays as it is from now on. */
  close(): void {
    this.#closed = true;
    for (const resolve of [...this.#waiters]) resolve(undefined);
  }
}
