/**
 * Backoff with jitter, shared by everything that tries again (the relay's
 * reconnections, `watchImage`'s reloads): the wait options are checked the
 * same way, and the wait doubles per failed try up to a cap, with up to 50%
 * taken off at random so that many clients dropped at once do not come back
 * in step.
 *
 * @module
 */

import { describeValue } from "./describe.ts";

/**
 * Checks a wait option (`retryMs`, `maxRetryMs`, `stallMs`): a number of
 * milliseconds a timer can take, or `fallback` when it is `undefined`.
 *
 * @example
 * ```ts
 * import { retryOption } from "./backoff.ts";
 *
 * retryOption(undefined, 1000, "retryMs"); // 1000
 * ```
 * @throws {RangeError} naming `options.<name>` and what was given.
 */
export function retryOption(value: unknown, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !(value > 0) || value > 2 ** 31 - 1) {
    throw new RangeError(
      `options.${name} must be a number of milliseconds > 0 and <= 2147483647, got ${
        describeValue(value)
      }`,
    );
  }
  return value;
}

/**
 * The wait before try number `attempt + 1`: `retryMs` doubled per earlier
 * failed try, at most `maxRetryMs`, then between half and all of that.
 *
 * @example
 * ```ts
 * import { backoffMs } from "./backoff.ts";
 *
 * backoffMs(1000, 30_000, 2); // between 2000 and 4000
 * ```
 */
export function backoffMs(retryMs: number, maxRetryMs: number, attempt: number): number {
  return Math.min(maxRetryMs, retryMs * 2 ** attempt) * (0.5 + Math.random() / 2);
}
