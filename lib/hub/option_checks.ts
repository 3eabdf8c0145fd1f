/**
 * The option checks `new PushHub()` and `hub.snapshot()` share: a boolean
 * flag and a whole number of seconds, each with its default.
 *
 * @module
 */

import { describeValue } from "../shared/describe.ts";

/**
 * `value`, or `fallback` when it is undefined.
 *
 * @example
 * ```ts ignore
 * flag(options.dropSame, false, "options.dropSame"); // false
 * flag("yes", false, "options.dropSame"); // TypeError: options.dropSame must be a boolean, got the string "yes"
 * ```
 * @throws {TypeError} unless it is a boolean.
 */
export function flag(value: unknown, fallback: boolean, name: string): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") {
    throw new TypeError(`${name} must be a boolean, got ${describeValue(value)}`);
  }
  return value;
}

/**
 * `value`, or `fallback` when it is undefined.
 *
 * @example
 * ```ts ignore
 * seconds(options.retryAfter, 1, "options.retryAfter"); // 1
 * seconds(init.maxAge, undefined, "init.maxAge"); // undefined: no max-age
 * ```
 * @throws {RangeError} unless it is a whole number of seconds >= 0.
 */
export function seconds<F extends number | undefined>(
  value: unknown,
  fallback: F,
  name: string,
): number | F {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(
      `${name} must be a whole number of seconds >= 0, got ${describeValue(value)}`,
    );
  }
  return value;
}
