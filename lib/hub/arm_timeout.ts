/**
 * The one way the hub arms a timer: every delay kept within what
 * `setTimeout` honours (runtimes fire at once, after 1 ms, past 2^31−1 ms).
 *
 * @module
 */

import { MAX_TIMER } from "../shared/checks.ts";

/**
 * `setTimeout` for every timer of the hub, with the delay kept within 1 ms
 * and {@linkcode MAX_TIMER}. The hub timer and the fps wait re-check their
 * deadline when they fire, so a far one costs an early wake-up per 24.8
 * days; `linger` and `stopTimeout` are options checked to be within it.
 *
 * @example
 * ```ts ignore
 * const timer = armTimeout(() => console.log("late"), 2 ** 40); // fires in 24.8 days
 * clearTimeout(timer);
 * ```
 */
export function armTimeout(run: () => void, ms: number): ReturnType<typeof setTimeout> {
  return setTimeout(run, Math.min(MAX_TIMER, Math.max(1, ms)));
}
