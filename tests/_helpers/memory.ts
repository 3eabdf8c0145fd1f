/**
 * Memory measured from outside the library: the bytes a stream still delivers, and off-heap
 * (ArrayBuffer) memory after a full GC where the runtime lets a script run one. Tests of the hub's
 * memory bounds use these as well as `hub.retainedBytes`, which the code under test computes.
 *
 * @example
 * ```ts
 * import { bufferBytesAfterGc } from "./_helpers/memory.ts";
 * const before = await bufferBytesAfterGc(); // undefined on workerd
 * ```
 * @module
 */
import { runtime } from "./runtime.ts";
import { delay } from "./streams.ts";

type Usage = { heapUsed: number; external: number };
type Globals = {
  gc?: () => void;
  Bun?: { gc(force: boolean): void };
  Deno?: { memoryUsage(): Usage };
  process?: { memoryUsage?: () => Usage };
};
const g = globalThis as Globals;

let cached: Promise<(() => void) | undefined> | undefined;

/** A function that runs a full GC, or undefined where a script cannot (workerd). */
export function gcFunction(): Promise<(() => void) | undefined> {
  cached ??= find();
  return cached;
}

async function find(): Promise<(() => void) | undefined> {
  if (g.Bun) return () => g.Bun!.gc(true);
  // Deno under `npm test` runs with --v8-flags=--expose-gc, Node with --expose-gc.
  if (g.gc) return g.gc;
  if (runtime !== "node") return undefined;
  // A node run without --expose-gc: V8 takes the flag at run time too.
  // Specifiers in variables: the workerd bundler must not try to resolve node:v8.
  const [v8Name, vmName] = ["node:v8", "node:vm"];
  const v8 = (await import(v8Name)) as { setFlagsFromString(flags: string): void };
  const vm = (await import(vmName)) as { runInNewContext(code: string): unknown };
  v8.setFlagsFromString("--expose-gc");
  return vm.runInNewContext("gc") as () => void;
}

function usage(): Usage {
  return g.Deno ? g.Deno.memoryUsage() : g.process!.memoryUsage!();
}

/**
 * Off-heap bytes (where every ArrayBuffer's store lives, on Node, Deno and Bun alike) after full
 * GCs; undefined where there is no GC or no figure.
 */
export async function bufferBytesAfterGc(): Promise<number | undefined> {
  const gc = await gcFunction();
  if (!gc) return undefined;
  for (let i = 0; i < 3; i++) {
    gc();
    await delay(5);
  }
  return usage().external;
}

/** The JS heap after full GCs; undefined where there is no GC or no figure. */
export async function heapAfterGc(): Promise<number | undefined> {
  const gc = await gcFunction();
  if (!gc) return undefined;
  for (let i = 0; i < 3; i++) {
    gc();
    await delay(10);
  }
  return usage().heapUsed;
}

/** JS heap plus ArrayBuffer memory after full GCs (call only where `gcNote` is ""). */
export async function liveBytes(): Promise<number> {
  return (await heapAfterGc())! + (await bufferBytesAfterGc())!;
}

/** Counts the bytes a stream delivers to its end (without keeping them). */
export async function countBytes(stream: ReadableStream<Uint8Array>): Promise<number> {
  let total = 0;
  for await (const chunk of stream) total += chunk.byteLength;
  return total;
}

/** Why a heap check does not run here, for a test's name ("" where it runs). */
export const gcNote: string = runtime === "workerd"
  ? " (heap check skipped on workerd: no GC or memory figures a script can read)"
  : runtime === "deno" && !g.gc
  ? " (heap check skipped on deno: run with --v8-flags=--expose-gc, as npm test does)"
  : "";
