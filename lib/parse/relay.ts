/**
 * Relaying an upstream push (an IP camera, another server's GraphQL stream):
 * every part decoded from it is handed to a publish function, for example a
 * `PushHub`'s, which re-encodes it for any number of clients.
 *
 * @module
 */

import type { PartsInput } from "./chunk_source.ts";
import { parseParts, type ParsePartsOptions } from "./parse_parts.ts";
import type { ReceivedPart } from "./received_part.ts";
import { milliseconds } from "../shared/checks.ts";
import { describeValue } from "../shared/describe.ts";
import { reporter } from "../shared/contained.ts";
import { forwardedHeaders } from "./forwarded_headers.ts";
import {
  type Connect,
  connectOnce,
  deliverAll,
  type ReconnectInfo,
  reconnecting,
} from "./relay_reconnect.ts";

/** A decoded part shaped like the encoder's `Part`, ready to publish again. */
export interface RelayedPart {
  /** The upstream part's `Content-Type`, or `options.defaultContentType` when it has none or an empty one. */
  contentType: string;
  /** The upstream part's bytes. */
  body: Uint8Array;
  /**
   * The upstream part's header fields a viewer needs: `X-Timestamp` and
   * `X-Frame` (`FORWARDED_PART_HEADERS`; `Set-Cookie`, `Refresh` and the like stay behind).
   */
  headers: Headers;
}

/** Options for {@linkcode relay}: those of `parseParts`, and the relay's own. */
export interface RelayOptions extends ParsePartsOptions {
  /**
   * `Content-Type` for upstream parts that have none, or an empty one.
   * @default "application/octet-stream"
   */
  defaultContentType?: string | undefined;
  /**
   * With a URL or a connect function as input: connect again when the
   * upstream drops, ends, refuses or answers an error, until `signal` aborts.
   * @default {true}
   */
  reconnect?: boolean | undefined;
  /**
   * The first wait before connecting again; doubled per try without a part.
   * @default {1000}
   */
  retryMs?: number | undefined;
  /**
   * The longest wait between two connections (each wait has up to 50% jitter off).
   * @default {30000}
   */
  maxRetryMs?: number | undefined;
  /**
   * Called before each reconnection with why and how long the wait is.
   * @default {undefined}
   */
  onReconnect?: ((info: ReconnectInfo) => void) | undefined;
  /**
   * Told about each part `publish` refused (threw for): a hub refuses a body
   * or header holding its boundary. The part is skipped and the relay goes
   * on; what `onError` throws is ignored.
   * @default console.error
   */
  onError?: ((error: unknown) => void) | undefined;
}

/**
 * Reads an upstream multipart push and calls `publish` with each part as soon
 * as it arrives. Header values are handed on as received, one character per
 * byte (Latin-1), and the encoder writes them back as the same bytes. A
 * promise returned by `publish` is awaited before the next
 * part is read, so a slow publisher slows the upstream read instead of
 * buffering.
 *
 * A part `publish` throws for (a hub refuses a body holding its boundary) is
 * reported to `options.onError` and skipped: one bad upstream part never
 * stops the relay. Only the part headers a viewer needs are handed on
 * (`X-Timestamp`, `X-Frame`; see `RelayedPart.headers`).
 *
 * Given a `Response` (or a stream or iterable), it ends when the upstream
 * closes; a `MultipartParseError` (the camera went away mid-frame) rejects
 * the returned promise.
 *
 * Given a URL or a connect function, it heals: when the upstream drops, ends,
 * refuses or answers an error it connects again after `retryMs`, doubled per
 * try without a part (with jitter, at most `maxRetryMs`), until
 * `options.signal` aborts; it then resolves with the count. Viewers of a hub
 * it feeds keep the last frame meanwhile. `reconnect: false` connects once.
 *
 * The one-liner for a hub is `relay(url, hub.publish.bind(hub), { signal })`.
 *
 * @example Fan an IP camera out to many clients, reconnecting when it drops
 * ```ts ignore
 * import { PushHub, relay } from "multipart-push";
 *
 * const hub = new PushHub();
 * relay("http://192.168.1.20/video.mjpg", (part) => hub.publish(part), { maxRetryMs: 10_000 });
 * Deno.serve((request) => hub.response(request));
 * ```
 *
 * @example Count the frames of one upstream response
 * ```ts
 * import { relay } from "multipart-push";
 *
 * const frames: { contentType: string; body: Uint8Array }[] = [];
 * const upstream = await fetch("http://127.0.0.1:8081/video.mjpg");
 * const count = await relay(upstream, (part) => void frames.push(part));
 * console.log(`${count} frames relayed`);
 * ```
 *
 * @param input The upstream: a URL or a function that fetches it (reconnects),
 *   or a `Response` (or stream/iterable with `options.boundary`) read once.
 * @param publish Called with each part, in order.
 * @param options See {@linkcode RelayOptions}.
 * @returns The number of parts published (refused ones not counted).
 * @throws {TypeError|RangeError} at once, on a bad argument.
 */
export function relay(
  input: PartsInput | string | URL | Connect,
  publish: (part: RelayedPart) => unknown,
  options?: RelayOptions,
): Promise<number> {
  if (typeof publish !== "function") {
    throw new TypeError(`publish must be a function, got ${describeValue(publish)}`);
  }
  const fallback = options?.defaultContentType === undefined
    ? "application/octet-stream"
    : options.defaultContentType;
  if (typeof fallback !== "string" || fallback.trim() === "") {
    throw new TypeError(
      `options.defaultContentType must be a non-empty string, got ${describeValue(fallback)}`,
    );
  }
  const report = reporter(options?.onError);
  const deliver = (part: ReceivedPart): unknown =>
    // An empty `Content-Type:` says as little as none, and no encoder takes it.
    publish({
      contentType: part.contentType || fallback,
      body: part.body,
      headers: forwardedHeaders(part.headers),
    });
  const connect: Connect | undefined = typeof input === "string" || input instanceof URL
    ? (signal) => fetch(input, { signal })
    : typeof input === "function"
    ? input
    : undefined;
  if (connect === undefined) {
    return once(parseParts(input as PartsInput, options), deliver, report);
  }
  const plan = {
    retryMs: milliseconds(options?.retryMs, 1000, "options.retryMs", ""),
    maxRetryMs: milliseconds(options?.maxRetryMs, 30_000, "options.maxRetryMs", ""),
    onReconnect: options?.onReconnect,
    report,
  };
  if (plan.onReconnect !== undefined && typeof plan.onReconnect !== "function") {
    throw new TypeError(
      `options.onReconnect must be a function, got ${describeValue(plan.onReconnect)}`,
    );
  }
  if (options?.reconnect === false) {
    return Promise.resolve().then(async () =>
      once(await connectOnce(connect, options), deliver, report)
    );
  }
  return reconnecting(connect, deliver, options ?? {}, plan);
}

async function once(
  parts: AsyncIterableIterator<ReceivedPart>,
  deliver: (part: ReceivedPart) => unknown,
  report: (error: unknown) => void,
): Promise<number> {
  const counter = { count: 0 };
  await deliverAll(parts, deliver, counter, report);
  return counter.count;
}
