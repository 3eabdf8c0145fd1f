/**
 * Live memory after a full collection, where the runtime lets a script run one (Node and Deno with
 * --expose-gc, Bun always; not workerd), so memory tests can measure what is really retained.
 *
 * @example
 * ```ts
 * import { liveBytes } from "./_helpers/heap.ts";
 * const before = await liveBytes(); // undefined where the runtime exposes no collector
 * ```
 * @module
 */

import { runtime } from "./runtime.ts";

type Usage = { heapUsed: number; external?: number };
type Globals = {
  gc?: () => void;
  Bun?: { gc(force: boolean): void };
  process?: { memoryUsage?: () => Usage };
};

const g = globalThis as Globals;
const collect: (() => void) | undefined = g.Bun !== undefined
  ? () => g.Bun!.gc(true)
  : typeof g.gc === "function" && runtime !== "workerd"
  ? () => g.gc!()
  : undefined;

/** True where {@linkcode liveBytes} measures. */
export const canMeasureHeap: boolean = collect !== undefined &&
  typeof g.process?.memoryUsage === "function";

/** Why a heap test is skipped here, for its name ("" where it runs). */
export const noHeapReason: string = canMeasureHeap
  ? ""
  : ` (skipped on ${runtime}: no gc exposed${runtime === "workerd" ? "" : " without --expose-gc"})`;

/**
 * JS heap plus memory held outside it (ArrayBuffer contents) after full collections, in bytes.
 * @throws {Error} where {@linkcode canMeasureHeap} is false.
 */
export async function liveBytes(): Promise<number> {
  if (!canMeasureHeap) throw new Error(`no heap measurement on ${runtime}`);
  for (let i = 0; i < 3; i++) {
    collect!();
    // Let finalizers and WeakRef-held jobs run between collections.
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const usage = g.process!.memoryUsage!();
  return usage.heapUsed + (usage.external ?? 0);
}
