/**
 * A Worker's `ctx.waitUntil`, found by feature detection: the examples' handlers take a second
 * argument because Workers pass their ExecutionContext there, but `Deno.serve` passes its serve
 * info and `Bun.serve` its server, neither of which has `waitUntil`.
 *
 * @module
 */

/**
 * `ctx.waitUntil` bound to `ctx` when `ctx` is a Worker's ExecutionContext, else `undefined`.
 *
 * @example
 * ```ts
 * import { waitUntilOf } from "./worker_context.ts";
 *
 * waitUntilOf({ remoteAddr: {} }); // undefined: Deno.serve's info
 * ```
 */
export function waitUntilOf(ctx: unknown): ((promise: Promise<void>) => void) | undefined {
  const context = ctx as { waitUntil?: (promise: Promise<unknown>) => void } | undefined;
  return typeof context?.waitUntil === "function"
    ? (promise) => context.waitUntil!(promise)
    : undefined;
}
