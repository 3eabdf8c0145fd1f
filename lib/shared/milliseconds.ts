/**
 * Checking a duration option: every timer option of the library takes the
 * same numbers and says the same thing about a wrong one.
 *
 * @module
 */

import { describeValue } from "./describe.ts";

/** The longest wait `setTimeout` takes; it fires at once for anything larger. */
const MAX_TIMER = 2 ** 31 - 1;

/**
 * Checks a duration option: milliseconds a timer can take, or `Infinity`
 * (for "never") unless `infinity` is false; `fallback` when `undefined`.
 *
 * @example
 * ```ts
 * import { milliseconds } from "./milliseconds.ts";
 *
 * milliseconds(undefined, 60_000, "options.idleTimeout"); // 60000
 * milliseconds(Infinity, 1000, "options.retryMs", false); // RangeError: … got Infinity
 * ```
 * @throws {RangeError} naming `name` and what was given.
 */
export function milliseconds(
  value: unknown,
  fallback: number,
  name: string,
  infinity = true,
): number {
  if (value === undefined) return fallback;
  if (
    typeof value !== "number" || !(value > 0) ||
    (value > MAX_TIMER && !(infinity && value === Infinity))
  ) {
    throw new RangeError(
      `${name} must be a number of milliseconds > 0 and <= ${MAX_TIMER}${
        infinity ? ", or Infinity" : ""
      }, got ${describeValue(value)}`,
    );
  }
  return value;
}
