/**
 * User callbacks that cannot take the library down.
 *
 * @module
 */

import { describeValue } from "./describe.ts";

/**
 * A user callback (`onError`, a hub hook, relay's `onReconnect`,
 * `watchImage`'s `onReload`) made safe to call anywhere: a logger that throws
 * must not become an unhandled rejection (or an uncaught timer error) and end
 * the process, nor stop a relay or a healing image. What it throws is dropped: reporting it
 * would call a failing callback again, and there is nobody else to tell.
 *
 * @example
 * ```ts
 * import { contained } from "./contained.ts";
 *
 * contained((error: unknown) => { throw error; })(new Error("x")); // nothing escapes
 * ```
 */
export function contained<T>(callback: ((value: T) => void) | undefined): (value: T) => void {
  if (callback === undefined) return () => {};
  return (value) => {
    try {
      callback(value);
    } catch {
      // Dropped on purpose: see above.
    }
  };
}

/**
 * An `options.onError` checked and made safe: `fallback` when it is
 * undefined, then {@linkcode contained}. The one rule for every `onError`
 * option (relay, ingest, the bus adapters).
 *
 * @example
 * ```ts
 * import { reporter } from "./contained.ts";
 *
 * const report = reporter(undefined); // console.error, contained
 * report(new Error("the subscriber was cut off")); // never throws
 * ```
 * @param onError What the caller gave.
 * @param fallback Used when `onError` is undefined.
 * @throws {TypeError} when `onError` is neither undefined nor a function.
 */
export function reporter(
  onError: unknown,
  fallback: (error: unknown) => void = console.error,
): (error: unknown) => void {
  if (onError !== undefined && typeof onError !== "function") {
    throw new TypeError(`options.onError must be a function, got ${describeValue(onError)}`);
  }
  return contained((onError ?? fallback) as (error: unknown) => void);
}
