/**
 * Counts the live timers (set, neither fired nor cleared) that code creates through the global
 * `setTimeout`, on every runtime alike: the real timers still run, the wrapper only keeps count.
 * The library looks `setTimeout` up on the global at each call, so its timers are counted too.
 *
 * @example
 * ```ts
 * import { trackTimers } from "./_helpers/timers.ts";
 * const timers = trackTimers();
 * try {
 *   // ... run the code under test ...
 *   console.log(timers.live()); // 0 when everything it armed fired or was cleared
 * } finally {
 *   timers.stop();
 * }
 * ```
 * @module
 */

type Timers = {
  setTimeout: (fn: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => unknown;
  clearTimeout: (id: unknown) => void;
};

/** A live-timer count from now until `stop()`, which puts the globals back. */
export function trackTimers(): { live(): number; stop(): void } {
  const g = globalThis as unknown as Timers;
  const realSet = g.setTimeout;
  const realClear = g.clearTimeout;
  const live = new Set<unknown>();
  g.setTimeout = (fn, ms, ...args) => {
    const id: unknown = realSet(
      (...a: unknown[]) => {
        live.delete(id);
        fn(...a);
      },
      ms,
      ...args,
    );
    live.add(id);
    return id;
  };
  g.clearTimeout = (id) => {
    live.delete(id);
    realClear(id);
  };
  return {
    live: () => live.size,
    stop: () => {
      g.setTimeout = realSet;
      g.clearTimeout = realClear;
    },
  };
}
