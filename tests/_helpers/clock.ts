/**
 * A test clock, for code whose clock is the global one (the hub's deadlines, watchImage): from
 * `installClock()` until `uninstall()`, `Date.now`, `setTimeout`, `setInterval` and their clear
 * functions on the global are the clock's. The library looks them up at each call, so a deadline fires when the test
 * advances the clock past it, and a deadline not yet due cannot fire, however loaded the machine
 * is: the test asserts the instant itself, with no window around it. The test's own waits
 * (`delay`, `until`, `within` in streams.ts) keep the runtime's timers ({@linkcode runtimeTimers}).
 *
 * @example
 * ```ts
 * import { installClock } from "./_helpers/clock.ts";
 * const clock = installClock();
 * try {
 *   // ... arm the code under test: its setTimeout(fn, 300) is the clock's ...
 *   await clock.advance(299); // fn has not run
 *   await clock.advance(1); // fn ran, at Date.now() === start + 300
 * } finally {
 *   clock.uninstall();
 * }
 * ```
 * @module
 */

type TimerFn = (...args: unknown[]) => void;
type Globals = {
  setTimeout: (fn: TimerFn, ms?: number, ...args: unknown[]) => unknown;
  clearTimeout: (id: unknown) => void;
  setInterval: (fn: TimerFn, ms?: number, ...args: unknown[]) => unknown;
  clearInterval: (id: unknown) => void;
};
/** A timer on the clock: due at `due`, again every `every` ms for an interval. */
type Timer = { due: number; order: number; every?: number; run: () => void };

const g = globalThis as unknown as Globals;

/** The runtime's timers, as they were when this module loaded: the test's own waits use them. */
export const runtimeTimers: {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
} = {
  setTimeout: g.setTimeout.bind(globalThis),
  clearTimeout: g.clearTimeout.bind(globalThis),
};

/** How long a clock may stay installed (no test takes near this long). */
const ORPHANED_MS = 60_000;

/** A clock the test moves; see the module documentation. */
export interface TestClock {
  /**
   * Moves the clock `ms` forward, running each timer due by then at its due time, in order, each
   * in a turn of its own as the runtime would: what a timer set off (a reader taking a chunk) runs
   * before the next timer fires.
   */
  advance(ms: number): Promise<void>;
  /** Timers armed on the clock and neither run nor cleared. */
  readonly pending: number;
  /** Puts the runtime's `Date.now` and timer functions back; pending timers never run. */
  uninstall(): void;
}

/**
 * Installs a {@linkcode TestClock} that starts at the runtime's `Date.now()`. Timers armed before
 * keep running on the runtime's clock (clearing them still works), but read the test's `Date.now`.
 */
export function installClock(): TestClock {
  const realNow = Date.now;
  const saved: Globals = {
    setTimeout: g.setTimeout,
    clearTimeout: g.clearTimeout,
    setInterval: g.setInterval,
    clearInterval: g.clearInterval,
  };
  let now = realNow();
  let armed = 0;
  /** Armed timers by id (an object, so it never equals a runtime's numeric id). */
  const timers = new Map<object, Timer>();
  Date.now = () => now;
  // Whole milliseconds, as the runtimes keep them (backoff asks for fractions).
  const arm = (fn: TimerFn, ms: number | undefined, args: unknown[], repeat: boolean): object => {
    const id = {};
    const delay = Math.max(0, Math.ceil(Number(ms) || 0));
    const every = repeat ? Math.max(1, delay) : undefined;
    timers.set(id, { due: now + delay, order: armed++, every, run: () => fn(...args) });
    return id;
  };
  g.setTimeout = (fn, ms, ...args) => arm(fn, ms, args, false);
  g.setInterval = (fn, ms, ...args) => arm(fn, ms, args, true);
  g.clearTimeout = g.clearInterval = (id) => {
    if (typeof id === "object" && id !== null && timers.has(id)) timers.delete(id);
    else saved.clearTimeout.call(globalThis, id);
  };
  // A test that hangs never reaches its `uninstall()`; where every file runs in one process (Bun,
  // workerd) the clock would then hang the timers of every test after it, hiding which one hung.
  const orphaned = runtimeTimers.setTimeout(() => {
    clock.uninstall();
    console.error(`a test clock was still installed after ${ORPHANED_MS} ms: a hung test`);
  }, ORPHANED_MS);
  const clock: TestClock = {
    async advance(ms) {
      const end = now + ms;
      for (;;) {
        let next: [object, Timer] | undefined;
        for (const entry of timers) {
          const [, timer] = entry;
          if (timer.due > end) continue;
          if (
            !next || timer.due < next[1].due ||
            (timer.due === next[1].due && timer.order < next[1].order)
          ) {
            next = entry;
          }
        }
        if (!next) break;
        const [id, timer] = next;
        timers.delete(id);
        now = timer.due;
        if (timer.every !== undefined) timers.set(id, { ...timer, due: now + timer.every });
        timer.run();
        await turn();
      }
      now = end;
    },
    get pending() {
      return timers.size;
    },
    uninstall() {
      runtimeTimers.clearTimeout(orphaned);
      Date.now = realNow;
      Object.assign(g, saved);
      timers.clear();
    },
  };
  return clock;
}

/** A turn of the runtime's timers: microtasks queued before it have run. */
function turn(): Promise<void> {
  return new Promise((resolve) => runtimeTimers.setTimeout(resolve, 0));
}

/**
 * Whether `promise` has settled once the runtime's timers have had a turn. In-process work that a
 * clock's timer set off (a hub handing a reader a chunk) settles within microtasks, so `false`
 * says it was not set off, however loaded the machine.
 */
export async function settledAfterTurn(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(() => (settled = true), () => (settled = true));
  await turn();
  return settled;
}
