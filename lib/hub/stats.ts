/**
 * What `hub.stats()` reports, and the counters behind it: per viewer (frames
 * sent and dropped, fps delivered, who it is) and per hub (frames published,
 * fps in and out). Every figure is a plain number or string, so the object
 * can be served as JSON as it is.
 *
 * @module
 */

/**
 * Where a hub's frames come from, now. `"running"`: a `PushHub.from` run is
 * live, or (a hub fed by `publish()`) frames come. `"stopped"`: no run (no
 * viewer, or the source ended or failed), or the hub is closed. `"stuck"`: a
 * stopped run's `return()` has not settled and holds the next run back (for
 * at most `stopTimeout`). `"offline"`: a hub fed by `publish()` got no frame
 * yet or none for `idleTimeout`, or its stream upload to `ingest` ended (at
 * once); with an `offline` picture, also a `PushHub.from` source that ended.
 */
export type SourceState = "running" | "stopped" | "stuck" | "offline";

/**
 * A hub's {@linkcode SourceState}: `closed`, then `offline`, then its
 * `PushHub.from` runner's state if it has one, else running.
 *
 * @example
 * ```ts ignore
 * sourceState(false, undefined, false); // "running": a hub fed by publish()
 * ```
 */
export function sourceState(
  closed: boolean,
  runner: "running" | "stopped" | "stuck" | undefined,
  offline: boolean,
): SourceState {
  if (closed) return "stopped";
  if (offline) return "offline";
  return runner ?? "running";
}

/** One viewer in `hub.stats()`, and what `onSubscribe` / `onUnsubscribe` are given. */
export interface ViewerStats {
  /** Unique within the hub, counting from 1 in order of arrival. */
  id: number;
  /** When it joined, in ms since the epoch. */
  joinedAt: number;
  /** Frames sent to it in about the last second. */
  fps: number;
  /** Frames sent to it in all. */
  framesSent: number;
  /** Frames it never got: replaced before it took them (latest wins, `fps` cap), or cut off. */
  framesDropped: number;
  /** Bytes held for it and not taken yet (a shared frame counts in full for each viewer). */
  bytesHeld: number;
  /** The request's `User-Agent`, cut to {@linkcode MAX_USER_AGENT} characters, or `null`. */
  userAgent: string | null;
  /**
   * The request URL's `?key=` (a client's own label, as in µStreamer), cut to
   * {@linkcode MAX_KEY} characters, or `null`.
   */
  key: string | null;
}

/** The longest `userAgent` kept per viewer: real browsers' fit, a client's 8 KiB one does not. */
export const MAX_USER_AGENT = 256;
/** The longest `key` kept per viewer. */
export const MAX_KEY = 64;

/**
 * `value` cut to `max` characters, as a string of its own: a slice of a long
 * header would keep the whole header alive as long as the viewer.
 */
function bounded(value: string | null, max: number): string | null {
  if (value === null || value.length <= max) return value;
  return JSON.parse(JSON.stringify(value.slice(0, max))) as string;
}

/** `hub.stats()`: a plain, JSON-ready object. */
export interface HubStats {
  /** See {@linkcode SourceState}. */
  source: SourceState;
  /** The viewers connected now, in order of arrival. */
  viewers: ViewerStats[];
  /** Frames published since the hub was created (frames `dropSame` skipped not counted). */
  framesPublished: number;
  /** Frames published in about the last second. */
  fpsIn: number;
  /** Frames sent to all viewers together in about the last second. */
  fpsOut: number;
  /** Memory held for viewers, each shared frame once (`hub.retainedBytes`). */
  retainedBytes: number;
  /** Bytes held for viewers summed per viewer (`hub.subscriberBytes`). */
  subscriberBytes: number;
}

/**
 * Events per second over about the last second, from two one-second buckets
 * (the previous one weighted by how much of it is still within the second).
 *
 * @example
 * ```ts ignore
 * const meter = new RateMeter();
 * meter.tick(Date.now());
 * meter.rate(Date.now()); // 1
 * ```
 */
export class RateMeter {
  #bucket = 0;
  #count = 0;
  #previous = 0;

  /** Counts one event at `now` (ms). */
  tick(now: number): void {
    this.#roll(now);
    this.#count++;
  }

  /** Events in about the last second before `now`, rounded to 0.1. */
  rate(now: number): number {
    this.#roll(now);
    const rate = this.#previous * (1 - (now % 1000) / 1000) + this.#count;
    return Math.round(rate * 10) / 10;
  }

  #roll(now: number): void {
    const bucket = Math.floor(now / 1000);
    if (bucket === this.#bucket) return;
    this.#previous = bucket === this.#bucket + 1 ? this.#count : 0;
    this.#bucket = bucket;
    this.#count = 0;
  }
}

/**
 * The counters of one viewer; the subscriber reports to it, `stats()` reads it.
 *
 * @example
 * ```ts ignore
 * const meter = new ViewerMeter(1, request, Date.now(), hubOut);
 * meter.sent(Date.now());
 * meter.stats(0, Date.now()).framesSent; // 1
 * ```
 */
export class ViewerMeter {
  readonly id: number;
  readonly joinedAt: number;
  #userAgent: string | null;
  #key: string | null;
  #sent = 0;
  #dropped = 0;
  #rate = new RateMeter();
  #out: RateMeter;

  /** `out` counts the frames sent to every viewer of the hub. */
  constructor(id: number, request: Request | undefined, now: number, out: RateMeter) {
    this.id = id;
    this.joinedAt = now;
    this.#userAgent = bounded(request?.headers.get("user-agent") ?? null, MAX_USER_AGENT);
    this.#key = bounded(request ? new URL(request.url).searchParams.get("key") : null, MAX_KEY);
    this.#out = out;
  }

  /** A frame was sent to the viewer. */
  sent(now: number): void {
    this.#sent++;
    this.#rate.tick(now);
    this.#out.tick(now);
  }

  /** `count` frames will never reach the viewer. */
  dropped(count: number): void {
    this.#dropped += count;
  }

  /** The viewer's figures, with the bytes held for it now. */
  stats(bytesHeld: number, now: number): ViewerStats {
    return {
      id: this.id,
      joinedAt: this.joinedAt,
      fps: this.#rate.rate(now),
      framesSent: this.#sent,
      framesDropped: this.#dropped,
      bytesHeld,
      userAgent: this.#userAgent,
      key: this.#key,
    };
  }
}

/**
 * A hub's own counters: frames published, fps in and out, viewer ids.
 *
 * @example
 * ```ts ignore
 * const meter = new HubMeter();
 * meter.published(Date.now());
 * const viewer = meter.viewer(request, Date.now());
 * ```
 */
export class HubMeter {
  #published = 0;
  #in = new RateMeter();
  #out = new RateMeter();
  #nextId = 1;

  /** A frame was published (not skipped by `dropSame`). */
  published(now: number): void {
    this.#published++;
    this.#in.tick(now);
  }

  /** The counters of a new viewer answering `request`. */
  viewer(request: Request | undefined, now: number): ViewerMeter {
    return new ViewerMeter(this.#nextId++, request, now, this.#out);
  }

  /** The hub's figures, given what only the hub knows. */
  stats(
    source: SourceState,
    viewers: ViewerStats[],
    bytes: { retainedBytes: number; subscriberBytes: number },
    now: number,
  ): HubStats {
    return {
      source,
      viewers,
      framesPublished: this.#published,
      fpsIn: this.#in.rate(now),
      fpsOut: this.#out.rate(now),
      retainedBytes: bytes.retainedBytes,
      subscriberBytes: bytes.subscriberBytes,
    };
  }
}
