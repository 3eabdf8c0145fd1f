/**
 * What a hub shows now: the latest live frame, or its `offline` picture once
 * the source is gone; with the per-frame stamps (`timestamps`), the repeat
 * `dualFinalFrames` lets through, and the snapshots waiting for a fresh frame.
 *
 * @module
 */

import { type BytesPart, encodeFrame, type HubFrame } from "./frame.ts";
import { armTimeout } from "./arm_timeout.ts";
import type { Framing } from "../push/framing.ts";
import type { Part } from "../push/part.ts";

/**
 * The `offline` option encoded once, checked as `publish()` checks a part
 * (`check`), its errors naming `options.offline`.
 *
 * @example
 * ```ts ignore
 * const frame = encodeOffline({ contentType: "image/jpeg", body: jpeg }, check, framing);
 * ```
 * @throws {TypeError|RangeError} as `publish()` would.
 */
export function encodeOffline(
  offline: Part,
  check: (part: Part) => BytesPart,
  framing: Framing,
): HubFrame {
  try {
    return encodeFrame(framing, check(offline), offline.contentType);
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    const Class = error instanceof RangeError ? RangeError : TypeError;
    throw new Class(error.message.replace(/^part\b/, "options.offline"));
  }
}

/** Settings of {@linkcode LiveFrame}. */
export interface LiveSettings {
  /** The encoded `offline` picture, if the hub has one. */
  offline: HubFrame | undefined;
  timestamps: boolean;
  dualFinalFrames: boolean;
  /** Whether the hub starts offline (fed by `publish()`, not by a source). */
  startOffline: boolean;
  /** Hands a frame to every viewer (the offline picture, when the source goes). */
  offer(frame: HubFrame): void;
}

/**
 * The latest frame and the offline state of one hub.
 *
 * @example
 * ```ts ignore
 * const live = new LiveFrame({ offline, timestamps: true, dualFinalFrames: false, startOffline: true });
 * live.set(encodeFrame(framing, wire, "image/jpeg", live.stamp()));
 * live.goOffline(); // the offline frame, to offer to every viewer
 * ```
 */
export class LiveFrame {
  /** What viewers and snapshots get now (the offline picture while offline, if any). */
  latest: HubFrame | undefined;
  /** Whether the source is gone (publisher left, idle, source ended) and no frame came since. */
  offline: boolean;
  #settings: LiveSettings;
  #count = 0;
  #repeated = false;
  #waiters = new Set<(frame: HubFrame | undefined) => void>();
  #closed = false;

  constructor(settings: LiveSettings) {
    this.#settings = settings;
    this.offline = settings.startOffline;
    this.latest = settings.startOffline ? settings.offline : undefined;
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
    const seconds = Math.floor(micros / 1e6);
    const fraction = String(micros - seconds * 1e6).padStart(6, "0");
    return `X-Timestamp: ${seconds}.${fraction}\r\nX-Frame: ${++this.#count}\r\n`;
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
    const frame = this.#settings.offline;
    if (!frame) return;
    this.latest = frame;
    this.#settings.offer(frame);
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
