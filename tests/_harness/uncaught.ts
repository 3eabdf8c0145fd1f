/**
 * Errors no test code caught: unhandled rejections and errors thrown in timer callbacks. Node's
 * test runner fails the running test on either; the workerd and Deno harnesses record them here
 * and fail the test that was running (or a result of their own after the last test) the same way.
 *
 * @example
 * ```ts
 * import { reportUncaught, takeUncaught } from "./uncaught.ts";
 * reportUncaught(new Error("lost"));
 * console.log(takeUncaught()); // "uncaught error: Error: lost ..."
 * ```
 * @module
 */

const pending: unknown[] = [];

/** Records an error nobody caught, to fail the test running now. */
export function reportUncaught(error: unknown): void {
  pending.push(error);
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    return error.stack?.includes(error.message) ? error.stack : `${error}`;
  }
  return String(error);
}

/** The errors recorded since the last call, as one failure message; undefined when none. */
export function takeUncaught(): string | undefined {
  if (pending.length === 0) return undefined;
  return pending.splice(0).map((e) => `uncaught error: ${describe(e)}`).join("\n");
}

type TimerFn = (fn: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => unknown;

/**
 * Wraps the global `setTimeout` and `setInterval` so an error thrown by a callback is recorded
 * (workerd only logs it). The timers themselves are the runtime's own.
 */
export function catchTimerErrors(): void {
  const g = globalThis as unknown as Record<"setTimeout" | "setInterval", TimerFn>;
  for (const name of ["setTimeout", "setInterval"] as const) {
    const real = g[name];
    g[name] = (fn, ms, ...args) =>
      real(
        (...a: unknown[]) => {
          try {
            fn(...a);
          } catch (error) {
            reportUncaught(error);
          }
        },
        ms,
        ...args,
      );
  }
}

/** Lets pending rejection events and due timers run before the caller looks at what was caught. */
export function settleTurn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
