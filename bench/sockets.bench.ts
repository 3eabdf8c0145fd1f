/**
 * Real sockets: a PushHub served by Deno.serve, Bun.serve and Node
 * (@hono/node-server), and the node:http `res.write()` peer, each in its own
 * process, read by the same load generator (bench/load.ts, 200 loopback
 * clients, 50 KB frames at 30 fps). Server CPU and RSS come from
 * /proc/<pid> of the server process (Linux), over the measured window only.
 *
 *   node bench/sockets.bench.ts [--seconds=5] [--full (20 s)] [--clients=200]
 *
 * @module
 */

import { type ChildProcess, spawn } from "node:child_process";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import process from "node:process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { fixed } from "./_util.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const BIN = join(ROOT, "node_modules/.bin");
const flag = (name: string): string | undefined =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const seconds = process.argv.includes("--full") ? 20 : Number(flag("seconds") ?? 5);
const clients = Number(flag("clients") ?? 200);
const warmup = Number(flag("warmup") ?? 2);
const only = flag("only");
const TICK = Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim());

const servers = [
  {
    name: "PushHub on Deno.serve",
    cmd: join(BIN, "deno"),
    args: ["run", "-A", "bench/servers/hub_server.ts"],
  },
  { name: "PushHub on Bun.serve", cmd: join(BIN, "bun"), args: ["bench/servers/hub_server.ts"] },
  {
    name: "PushHub on Node (@hono/node-server)",
    cmd: process.execPath,
    args: ["bench/servers/hub_server.ts"],
  },
  {
    name: "node:http res.write() loop (peer)",
    cmd: process.execPath,
    args: ["bench/peers/node_http_server.ts"],
  },
].filter((s) => !only || s.name.toLowerCase().includes(only.toLowerCase()));

/** user + system CPU seconds of a process, from /proc/<pid>/stat. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICK; // utime, stime (fields 14, 15)
}

/** Resident memory of a process in MiB, from /proc/<pid>/status. */
function rssMiB(pid: number, field = "VmRSS"): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)![1]) / 1024;
}

/** Resolves with each JSON line a child prints, in order. */
function jsonLines(child: ChildProcess): AsyncIterator<Record<string, unknown>> {
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  return {
    async next() {
      while (true) {
        const line = await lines.next();
        if (line.done) return { done: true, value: undefined };
        if (line.value.startsWith("{")) return { done: false, value: JSON.parse(line.value) };
      }
    },
  };
}

type Row = {
  name: string;
  mean: number;
  min: number;
  parts: number;
  cpu: number;
  rss: number;
  mibps: number;
  errors: number;
};

async function measure(server: (typeof servers)[number]): Promise<Row> {
  const child = spawn(server.cmd, server.args, { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
  try {
    const { port, pid } = (await jsonLines(child).next()).value as { port: number; pid: number };
    const load = spawn(process.execPath, [
      "bench/load.ts",
      `--url=http://127.0.0.1:${port}/`,
      `--clients=${clients}`,
      `--seconds=${seconds}`,
      `--warmup=${warmup}`,
    ], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
    const events = jsonLines(load);
    await events.next(); // measuring
    const cpu0 = cpuSeconds(pid);
    const t0 = performance.now();
    let rss = 0;
    const sampler = setInterval(() => (rss = Math.max(rss, rssMiB(pid))), 250);
    const done = (await events.next()).value as Record<string, number>;
    clearInterval(sampler);
    const cpu = (cpuSeconds(pid) - cpu0) / ((performance.now() - t0) / 1000);
    rss = Math.max(rss, rssMiB(pid));
    return {
      name: server.name,
      mean: done.mean,
      min: done.min,
      parts: done.partsPerClientPerSecond,
      cpu: cpu * 100,
      rss,
      mibps: done.mibPerSecond,
      errors: done.errors,
    };
  } finally {
    child.kill();
  }
}

const rows: Row[] = [];
for (const server of servers) rows.push(await measure(server));
const peer = rows.find((r) => r.name.includes("peer"));
console.log(
  `\n## Real sockets (${clients} loopback clients, 50 KB frames at 30 fps, ${seconds} s measured after ${warmup} s warm-up)\n`,
);
console.log(
  "| server | new frames/client/s (mean) | slowest client | parts/client/s incl. repeats | delivered MiB/s | server CPU % of a core | CPU ms per 1,000 frames | server RSS max MiB | ÷ peer frames | ÷ peer CPU | errors |",
);
console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
for (const r of rows) {
  // CPU ms per 1,000 new frames delivered: cpu% × 10 = CPU ms per second.
  const perKFrames = (r.cpu * 10) / (r.mean * clients) * 1000;
  console.log(
    `| ${r.name} | ${fixed(r.mean)} | ${fixed(r.min)} | ${fixed(r.parts)} | ${
      fixed(r.mibps, 0)
    } | ${fixed(r.cpu, 0)} | ${fixed(perKFrames, 1)} | ${fixed(r.rss, 0)} | ${
      peer ? fixed(r.mean / peer.mean, 2) : "-"
    } | ${peer ? fixed(r.cpu / peer.cpu, 2) : "-"} | ${r.errors} |`,
  );
}
