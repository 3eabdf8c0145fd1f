/**
 * A frame of a `PushHub` and what is shown of it.
 *
 * One published frame is encoded once for every subscriber: the body is
 * copied once into one buffer laid out for every framing
 * (lib/push/framing.ts, `wireFrame`), so sending a frame to a subscriber is
 * handing over a view of that buffer, the same for 1 byte or 1 MB.
 *
 * What a hub shows now (`LiveFrame`): the latest live frame, or its `offline`
 * picture once the source is gone; with the per-frame stamps (`timestamps`),
 * the repeat `dualFinalFrames` lets through, and the snapshots waiting for a
 * fresh frame.
 *
 * What `publish` refuses beyond a malformed part (which `toWirePart` refuses,
 * header values above U+00FF among it): content that would forge a part for
 * other viewers. A hub's boundary is shown to every viewer in its
 * `Content-Type`, random or not, so anyone whose text reaches `publish()` (a
 * chat line, an HTML fragment) can learn it from their own response. A body
 * or header value holding `--boundary` would then end the part early for
 * every other viewer (browsers split on `--boundary` wherever it appears), so
 * every published frame is scanned in both modes with the decoder's Horspool
 * search (about 0.3 ms per MiB; see bench/hub.bench.ts).
 *
 * @module
 */

import { type WireFrame, wireFrame } from "../push/framing.ts";
import { type Part, toWirePart, type WirePart } from "../push/part.ts";
import { armTimeout } from "./arm_timeout.ts";
import { describeValue } from "../shared/describe.ts";
import { boundaryGuard } from "../push/boundary_guard.ts";

/** A frame ready to be shared. */
export interface HubFrame extends WireFrame {
  /** The part's own `Content-Type` value, for `snapshot()`. */
  contentType: string;
  /** Its `X-Timestamp` and `X-Frame` (`timestamps`), sent in the head only (not in `fields` or `key`). */
  stamp: FrameStamp | undefined;
  /** The size of the one buffer every view of it keeps alive. */
  size: number;
}

/** A frame's `X-Timestamp` value (µStreamer's format, see {@linkcode formatTimestamp}) and `X-Frame` number. */
export interface FrameStamp {
  timestamp: string;
  frame: number;
}

/** A checked part whose body is already bytes, as `publish()` requires. */
export type BytesPart = WirePart & { bytes: Uint8Array };

/**
 * Whether a checked part's body is already bytes (not a Blob or stream).
 *
 * @example
 * ```ts ignore
 * if (!hasBytes(wire)) throw new TypeError("read the body first");
 * encodeFrame("B", wire, "text/plain");
 * ```
 */
export function hasBytes(wire: WirePart): wire is BytesPart {
  return wire.bytes !== undefined;
}

/**
 * Encodes a checked part; `contentType` is its own `Content-Type` value, for
 * `snapshot()`; `stamp` goes in the head only (`timestamps`: it differs per
 * frame, so `dropSame` and announced blocks leave it out).
 * The body is copied, so the caller may reuse its buffer after publishing.
 *
 * @example
 * ```ts ignore
 * const frame = encodeFrame(boundary, wire, "image/jpeg");
 * ```
 */
export function encodeFrame(
  boundary: string,
  wire: BytesPart,
  contentType: string,
  stamp?: FrameStamp,
): HubFrame {
  const fields = stamp ? `X-Timestamp: ${stamp.timestamp}\r\nX-Frame: ${stamp.frame}\r\n` : "";
  const frame = wireFrame(boundary, wire.fields, wire.key, wire.bytes, fields);
  return { ...frame, contentType, stamp, size: frame.switched.byteLength };
}

/** The names of the fields a hub with `timestamps` writes itself, as header lines begin. */
const STAMPED = /^(?:x-timestamp|x-frame):/i;

/**
 * `wire` without its own `X-Timestamp` and `X-Frame` lines: a hub with `timestamps` writes its
 * own (a relayed part carries the upstream hub's; sending both would give a reader two).
 */
export function unstamped(wire: BytesPart): BytesPart {
  const keep = (block: string): string =>
    block.split("\r\n").filter((line) => !STAMPED.test(line)).join("\r\n");
  return { ...wire, fields: keep(wire.fields), key: keep(wire.key) };
}

/** Whether a part would put exactly the bytes of `frame` on the wire again. */
export function sameFrame(frame: HubFrame, fields: string, bytes: Uint8Array): boolean {
  const body = frame.body;
  if (frame.fields !== fields || body.byteLength !== bytes.byteLength) return false;
  for (let i = 0; i < bytes.byteLength; i++) if (body[i] !== bytes[i]) return false;
  return true;
}

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

  /** The next frame's `X-Timestamp` and `X-Frame`, or none without `timestamps`. */
  stamp(): FrameStamp | undefined {
    if (!this.#settings.timestamps) return undefined;
    // Microseconds since the epoch stay below 2^53 until the year 2255.
    const micros = Math.round((performance.timeOrigin + performance.now()) * 1000);
    return { timestamp: formatTimestamp(micros), frame: ++this.#count };
  }

  /** Whether frames get `X-Timestamp` and `X-Frame` (`timestamps`). */
  get stamps(): boolean {
    return this.#settings.timestamps;
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

/** Checks one part before it is published, returning it ready to encode. @throws {RangeError|TypeError} */
export type PublishCheck = (part: unknown) => BytesPart;

/**
 * The checks for a hub whose boundary is `boundary`; messages name the part
 * `where` (`"part"` for `publish()`, `"options.offline"` for the offline picture).
 *
 * @example
 * ```ts ignore
 * const check = publishCheck("b");
 * check({ contentType: "text/plain", body: "--b" });
 * // RangeError: part.body contains "--b", the hub's boundary, …
 * ```
 */
export function publishCheck(boundary: string, where = "part"): PublishCheck {
  // The encoder's guard, with the hub's reason: even a random boundary is public here.
  const guard = boundaryGuard(boundary, (field, name) =>
    new RangeError(
      `${name === undefined || name === "Content-Type" ? field : `${field} ${name}`} contains ` +
        `"--${boundary}", the hub's boundary, which every viewer can read from its ` +
        "Content-Type: it would end the part early and forge a part for every other viewer; " +
        "escape or drop such content before publishing",
    ));
  return (part) => {
    const wire = toWirePart(part, where, guard);
    if (!hasBytes(wire)) {
      throw new TypeError(
        `${where}.body must be a string, Uint8Array, ArrayBuffer or ArrayBufferView for ` +
          `publish(), got ${describeValue((part as Part).body)}; read a Blob or ReadableStream ` +
          "into bytes first",
      );
    }
    guard.checkBody(wire.bytes, `${where}.body`);
    return wire;
  };
}

/**
 * The `X-Timestamp` value of a frame (`timestamps: true`), as µStreamer writes it: seconds since
 * the epoch, a dot, and the microseconds in six digits, from `micros` (whole microseconds since
 * the epoch). Apart from the clock read in `LiveFrame` so the format is tested at fixed instants.
 *
 * @example
 * ```ts ignore
 * formatTimestamp(1_700_000_000_000_042); // "1700000000.000042"
 * ```
 */
export function formatTimestamp(micros: number): string {
  const seconds = Math.floor(micros / 1e6);
  const fraction = String(micros - seconds * 1e6).padStart(6, "0");
  return `${seconds}.${fraction}`;
}
