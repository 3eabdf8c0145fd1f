/**
 * Backoff with jitter, shared by everything that tries again (the relay's
 * reconnections, `watchImage`'s reloads): the wait doubles per failed try up
 * to a cap, with up to 50% taken off at random so that many clients dropped
 * at once do not come back in step.
 *
 * @module
 */

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
