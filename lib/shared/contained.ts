/**
 * User callbacks that cannot take the library down.
 *
 * @module
 */

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
