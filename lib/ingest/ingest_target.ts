/**
 * Where `ingest` publishes: anything with `publish(part)`; a `PushHub` also
 * has the optional members, which tie an upload to the hub's life.
 *
 * @module
 */

import type { Part } from "../push/part.ts";

/**
 * Where ingested frames go: anything with `publish(part)`, such as a
 * `PushHub` (which has the optional members too).
 */
export interface IngestTarget {
  /** Called with each frame in order; a returned promise is awaited before the next is read. */
  publish(part: Part): unknown;
  /**
   * Called when a stream upload ended and no other publisher took over: the
   * publisher left (a hub shows its `offline` picture).
   */
  goOffline?(): void;
  /**
   * Settles when the target closes (a hub's `close()`): the live upload is
   * cut and later ones are refused, answered `503`.
   */
  readonly closed?: PromiseLike<unknown> | undefined;
  /** Told of a frame `publish` refused when `options.onError` is not given (a hub's `onError`). */
  reportError?(error: unknown): void;
}
