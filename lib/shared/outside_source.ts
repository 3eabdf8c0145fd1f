/**
 * A `PushHub.from` source whose parts come from outside the process (a bus
 * subscription: any client of the bus may publish to it). A part of such a
 * source that the hub refuses (a body holding the hub's boundary, which every
 * viewer can read) is reported through the hub's `onError` and skipped: one
 * message must not fail the run and cut every viewer off. A source written in
 * the process keeps the strict rule (a bad part is a bug: the run fails).
 *
 * @module
 */

const OUTSIDE: unique symbol = Symbol.for("multipart-push.outside-source");

/**
 * Marks `source` as fed from outside the process and returns it.
 *
 * @example
 * ```ts
 * import { fromOutside, isFromOutside } from "./outside_source.ts";
 *
 * isFromOutside(fromOutside(() => [])); // true
 * ```
 */
export function fromOutside<T extends object>(source: T): T {
  Object.defineProperty(source, OUTSIDE, { value: true });
  return source;
}

/**
 * Whether `source` was marked by {@linkcode fromOutside}.
 *
 * @example
 * ```ts
 * import { isFromOutside } from "./outside_source.ts";
 *
 * isFromOutside(() => []); // false
 * ```
 */
export function isFromOutside(source: unknown): boolean {
  return (typeof source === "function" || (typeof source === "object" && source !== null)) &&
    (source as { [OUTSIDE]?: boolean })[OUTSIDE] === true;
}
