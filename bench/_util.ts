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
 * MiB of `bytes` per CPU second of `run`, measured in a fair slot. The garbage the contender
 * before left is collected first, then untimed runs go on for 20 ms of CPU (after a forced GC the
 * young generation regrows, 3-20× slower runs for tiny parts), then timed runs until 50 ms of CPU,
 * so the clock's grain does not matter. Without the collection a contender paid the garbage of the
 * one before it: the same code measured 1,500 and 3,700 MiB/s in one run. CPU time, not wall time:
 * the machine is shared, and a descheduled contender loses no CPU.
 */
export async function cpuRate(run: () => Promise<unknown>, bytes: number): Promise<number> {
  collect();
  for (const start = cpuMs(); cpuMs() - start < 20;) await run();
  const t0 = cpuMs();
  let runs = 0;
  do {
    await run();
    runs++;
  } while (cpuMs() - t0 < 50);
  return runs * bytes / (1024 * 1024) / ((cpuMs() - t0) / 1000);
}
