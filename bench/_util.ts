/**
 * Small helpers shared by the benches: timing, CPU time, medians, the runtime's name.
 * Benches may use runtime globals; `process` exists on Node, Deno 2 and Bun.
 *
 * @module
 */

import process from "node:process";

/** The runtime running this bench, with its version. */
export function runtimeName(): string {
  const g = globalThis as { Deno?: { version: { deno: string } }; Bun?: { version: string } };
  if (g.Deno) return `deno ${g.Deno.version.deno}`;
  if (g.Bun) return `bun ${g.Bun.version}`;
  return `node ${process.versions.node}`;
}

/** CPU time (user + system) of this process so far, in milliseconds. */
export function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** The median of some numbers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Command-line flags of this bench (after the script name). */
export function args(): string[] {
  const g = globalThis as { Deno?: { args: string[] } };
  return g.Deno ? g.Deno.args : process.argv.slice(2);
}

/** Runs the garbage collector where the runtime lets a script do it. */
export function collect(): void {
  const g = globalThis as { gc?: () => void; Bun?: { gc(force: boolean): void } };
  if (g.Bun) g.Bun.gc(true);
  else g.gc?.();
}

/** A number with a fixed count of decimals, for tables. */
export function fixed(value: number, digits = 1): string {
  return Number.isFinite(value) ? value.toFixed(digits) : "-";
}

/**
 * `list` rotated by `round` places, so that over as many rounds as there are contenders each one
 * runs once in every position: a contender then does not always pay the garbage the one before it
 * left (a contender right after one that copies every frame measured up to 3× slower).
 */
export function rotated<T>(list: T[], round: number): T[] {
  const k = ((round % list.length) + list.length) % list.length;
  return [...list.slice(k), ...list.slice(0, k)];
}
