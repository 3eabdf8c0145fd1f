/**
 * Records unhandled promise rejections and uncaught exceptions while a test
 * runs, on each runtime's own hook, so a test can assert there were none
 * instead of relying on the process dying.
 *
 * @example
 * ```ts
 * import { watchUnhandled } from "./_helpers/unhandled.ts";
 *
 * const watch = watchUnhandled();
 * try {
 *   // ... run the code under test, then let timers and microtasks run
 * } finally {
 *   console.log(watch.stop()); // [] when nothing escaped
 * }
 * ```
 * @module
 */

import { runtime } from "./runtime.ts";

type Process = {
  on(event: string, listener: (error: unknown) => void): void;
  off(event: string, listener: (error: unknown) => void): void;
};

/** What escaped while watching: "rejection: …" or "exception: …" per event. */
export interface UnhandledWatch {
  /** Stops watching and returns what was seen. */
  stop(): string[];
}

/** Starts recording unhandled rejections and uncaught exceptions. */
export function watchUnhandled(): UnhandledWatch {
  const seen: string[] = [];
  const process = (globalThis as { process?: Process }).process;
  if ((runtime === "node" || runtime === "bun") && process) {
    const onRejection = (error: unknown): void => void seen.push(`rejection: ${String(error)}`);
    const onException = (error: unknown): void => void seen.push(`exception: ${String(error)}`);
    process.on("unhandledRejection", onRejection);
    process.on("uncaughtException", onException);
    return {
      stop() {
        process.off("unhandledRejection", onRejection);
        process.off("uncaughtException", onException);
        return seen;
      },
    };
  }
  // Deno and workerd dispatch web events on globalThis; preventDefault keeps the process alive.
  const onRejection = (event: Event): void => {
    event.preventDefault();
    seen.push(`rejection: ${String((event as PromiseRejectionEvent).reason)}`);
  };
  const onError = (event: Event): void => {
    event.preventDefault();
    seen.push(`exception: ${String((event as ErrorEvent).error)}`);
  };
  addEventListener("unhandledrejection", onRejection);
  addEventListener("error", onError);
  return {
    stop() {
      removeEventListener("unhandledrejection", onRejection);
      removeEventListener("error", onError);
      return seen;
    },
  };
}
