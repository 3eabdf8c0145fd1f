/**
 * Which runtime the tests run on, detected from globals only, so test files can skip what a
 * runtime cannot do and say why in the test's name.
 *
 * @example
 * ```ts
 * import { it } from "node:test";
 * import { canSpawn, runtime } from "./_helpers/runtime.ts";
 *
 * it(`spawns ffprobe (skipped on ${runtime}: no subprocesses)`, { skip: !canSpawn }, () => {});
 * ```
 * @module
 */

/** The runtimes the test suite runs on. */
export type Runtime = "deno" | "bun" | "node" | "workerd";

function detect(): Runtime {
  const g = globalThis as { navigator?: { userAgent?: string }; Deno?: unknown; Bun?: unknown };
  // workerd with nodejs_compat also has `process`, and Deno and Bun both define `process` too,
  // so the most specific marker is checked first and Node is what is left.
  if (g.navigator?.userAgent === "Cloudflare-Workers") return "workerd";
  if (typeof g.Deno === "object" && g.Deno !== null) return "deno";
  if (typeof g.Bun === "object" && g.Bun !== null) return "bun";
  return "node";
}

/**
 * The runtime executing this test file.
 *
 * @example
 * ```ts
 * import { runtime } from "./_helpers/runtime.ts";
 * console.log(runtime); // "deno" | "bun" | "node" | "workerd"
 * ```
 */
export const runtime: Runtime = detect();

/**
 * True where tests may start subprocesses (curl, ffprobe, chromium): every runtime but workerd.
 *
 * @example
 * ```ts
 * import { canSpawn } from "./_helpers/runtime.ts";
 * if (!canSpawn) console.log("no subprocesses here");
 * ```
 */
export const canSpawn: boolean = runtime !== "workerd";
