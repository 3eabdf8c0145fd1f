/**
 * Real sockets: a PushHub served by Deno.serve, Bun.serve, Node (@hono/node-server) and Node's
 * node:http through `multipart-push/node`'s `sendResponse` (from the `.ts` sources, and from the
 * built package npm ships), against these peers: npm `mjpeg-server` (node:http, one timer per
 * viewer), the hand-written node:http `res.write()` loop, a hand-written `ReadableStream` per
 * viewer on Deno.serve and on Bun.serve (what that server costs with no library: the floor a
 * library on it can approach), and the floor (raw node:net, one pre-framed buffer per frame
 * written to every socket). Each server runs in its own process and is read by the same lean load
 * generator (bench/load.ts, on Bun where present), 50 KB frames at 30 fps on absolute deadlines.
 * Server CPU and RSS come from /proc/<pid> (Linux), over the measured window only. Servers are
 * interleaved round by round; medians are printed.
 *
 * Send syscalls per part per viewer, two ways: `syscw` from /proc/<pid>/io over the measured
 * window (write and writev only: what Node's libuv uses; Bun's sendmsg/sendto are not in it), and
 * `strace -f -c` on every server thread in a second window on the same connections
 * (write, writev, sendto, sendmsg; strace slows the server, so that window is kept apart from the
 * CPU figures). Both are divided by the parts the load generator read in their window. strace is
 * optional (`scripts/system-deps.sh --bench` installs it); without it that column reads "-".
 *
 *   node bench/sockets.bench.ts [--seconds=5] [--clients=200,1000] [--rounds=3] [--only=a,b]
 *     [--strace-seconds=3]   (0: no strace window)  [--as=browser]  (viewers ask as <img> does)  [--also=DIR=LABEL]  (see `also` below)
 *   node bench/sockets.bench.ts --full      (20 s windows, 200 and 1,000 clients, 3 rounds)
 *   node bench/sockets.bench.ts --ramp=1000,2000,3000,4000   (capacity, see below)
 *
 * `--ramp` finds, per server, the most clients (from the list, in order) whose slowest client
 * still gets 28 new frames a second, stopping at the first count that fails, and prints each
 * server's count against the floor's.
 *
 * @module
 */

import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import process from "node:process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { fixed, median } from "./_util.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const BIN = join(ROOT, "node_modules/.bin");
const full = process.argv.includes("--full");
const flag = (name: string): string | undefined =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const seconds = Number(flag("seconds") ?? (full ? 20 : 5));
const clientCounts = (flag("clients") ?? (full ? "200,1000" : "200")).split(",").map(Number);
const rounds = Number(flag("rounds") ?? (full ? 3 : 1));
const warmup = Number(flag("warmup") ?? 2);
const only = flag("only")?.toLowerCase().split(",");
const straceSeconds = Number(flag("strace-seconds") ?? 3);
const viewers = flag("as") ?? "reader"; // "browser": the load generator asks as an <img> does
const strace = straceSeconds > 0 && hasStrace();
const TICK = Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim());
const bun = join(BIN, "bun");
// The load generator runs on Bun where present: it costs about half the CPU of Node there.
const loader = existsSync(bun) ? [bun, "bench/load.ts"] : [process.execPath, "bench/load.ts"];

type Server = { name: string; cmd: string[]; cwd?: string; env?: Record<string, string> };

const catalogue: Server[] = [
  {
    name: "PushHub on Deno.serve",
    cmd: [join(BIN, "deno"), "run", "-A", "bench/servers/hub_server.ts"],
  },
  { name: "PushHub on Bun.serve", cmd: [bun, "bench/servers/hub_server.ts"] },
  {
    name: "PushHub on Node (@hono/node-server)",
    cmd: [process.execPath, "bench/servers/hub_server.ts"],
  },
  {
    name: "PushHub on node:http (multipart-push/node)",
    cmd: [process.execPath, "bench/servers/hub_node_http.ts"],
  },
  {
    name: "PushHub on node:http, built package (dist/)",
    cmd: [process.execPath, "bench/servers/hub_node_http.ts"],
    env: { BENCH_LIB: "dist" },
  },
  {
    name: "hand-written ReadableStream on Deno.serve",
    cmd: [join(BIN, "deno"), "run", "-A", "bench/peers/web_stream_server.ts"],
  },
  {
    name: "hand-written ReadableStream on Bun.serve",
    cmd: [bun, "bench/peers/web_stream_server.ts"],
  },
  { name: "mjpeg-server (npm, node:http)", cmd: [process.execPath, "bench/peers/mjpeg_server.ts"] },
  {
    name: "node:http res.write() loop",
    cmd: [process.execPath, "bench/peers/node_http_server.ts"],
  },
  { name: "raw node:net (floor)", cmd: [process.execPath, "bench/peers/net_floor.ts"] },
];
// `--also=DIR=LABEL`: the PushHub servers again, run from another checkout (its lib, its
// bench/servers), interleaved with these in the same run, e.g. a branch against main.
const also = flag("also")?.split("=");
const servers = [
  ...catalogue,
  ...(also === undefined ? [] : catalogue.filter((s) => s.name.startsWith("PushHub")).map((s) => ({
    ...s,
    name: `${s.name} [${also[1] ?? also[0]}]`,
    cwd: also[0],
  }))),
].filter((s) => !only || only.some((o) => s.name.toLowerCase().includes(o)));

// The built-package rows run dist/, built afresh (`npm run build`) in each checkout they use.
for (const cwd of new Set(servers.filter((s) => s.env?.BENCH_LIB === "dist").map((s) => s.cwd))) {
  execFileSync("npm", ["run", "--silent", "build"], { cwd: cwd ?? ROOT, stdio: "inherit" });
}

function hasStrace(): boolean {
  try {
    execFileSync("strace", ["-V"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** write-family syscalls (write, writev) a process has made, from /proc/<pid>/io. */
function syscw(pid: number): number {
  return Number(/syscw:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/io`, "utf8"))![1]);
}

const SENDS = ["write", "writev", "sendto", "sendmsg"];

/** Attaches strace to every thread of `pid`; `stop()` detaches and returns the send calls made. */
function straceSends(pid: number): { stop(): Promise<number> } {
  const out = join(tmpdir(), `sockets-bench-strace-${pid}.txt`);
  const child = spawn("strace", [
    "-f",
    "-c",
    "-qq",
    "-e",
    `trace=${SENDS.join(",")}`,
    "-o",
    out,
    "-p",
    String(pid),
  ], {
    stdio: "ignore",
  });
  return {
    async stop() {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGINT");
      await exited;
      // The summary: "% time  seconds  usecs/call  calls  [errors]  syscall" per line.
      let calls = 0;
      for (const line of readFileSync(out, "utf8").split("\n")) {
        const fields = line.trim().split(/\s+/);
        if (SENDS.includes(fields.at(-1)!)) calls += Number(fields[3]);
      }
      rmSync(out, { force: true });
      return calls;
    },
  };
}

/** user + system CPU seconds of a process, from /proc/<pid>/stat. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICK; // utime, stime (fields 14, 15)
}

/** Resident memory of a process in MiB, from /proc/<pid>/status. */
function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
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

type Row = Record<
  | "mean"
  | "min"
  | "published"
  | "p50"
  | "p99"
  | "cpu"
  | "rss"
  | "loaderCpu"
  | "errors"
  | "syscw"
  | "sends",
  number
>;

async function measure(server: Server, clients: number): Promise<Row> {
  const [cmd, ...args] = server.cmd;
  const child = spawn(cmd, args, {
    cwd: server.cwd ?? ROOT,
    env: { ...process.env, ...server.env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    const { port, pid } = (await jsonLines(child).next()).value as { port: number; pid: number };
    const [loadCmd, ...loadArgs] = loader;
    const load = spawn(loadCmd, [
      ...loadArgs,
      `--url=http://127.0.0.1:${port}/`,
      `--clients=${clients}`,
      `--seconds=${seconds}`,
      `--warmup=${warmup}`,
      `--windows=${strace ? 2 : 1}`,
      `--seconds2=${straceSeconds}`,
      `--as=${viewers}`,
    ], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
    const events = jsonLines(load);
    await events.next(); // measuring
    const cpu0 = cpuSeconds(pid);
    const writes0 = syscw(pid);
    const t0 = performance.now();
    let rss = 0;
    const sampler = setInterval(() => (rss = Math.max(rss, rssMiB(pid))), 250);
    const done = (await events.next()).value as Record<string, number>;
    clearInterval(sampler);
    const cpu = (cpuSeconds(pid) - cpu0) / ((performance.now() - t0) / 1000);
    const writes = syscw(pid) - writes0;
    rss = Math.max(rss, rssMiB(pid));
    let sends = NaN;
    if (strace) {
      // The second window starts as the first ends; strace attaches within milliseconds, and
      // detaches as late after it ends, so the counts cover the window to within that.
      const tracer = straceSends(pid);
      await events.next(); // measuring
      const traced = (await events.next()).value as Record<string, number>;
      sends = (await tracer.stop()) / traced.parts;
    }
    return {
      mean: done.mean,
      min: done.min,
      published: done.published,
      p50: done.p50,
      p99: done.p99,
      cpu: cpu * 100,
      rss,
      loaderCpu: done.loaderCpu,
      errors: done.errors,
      syscw: writes / done.parts,
      sends,
    };
  } finally {
    child.kill();
    await new Promise((resolve) => child.once("exit", resolve));
  }
}

const medianRow = (rows: Row[]): Row =>
  Object.fromEntries(
    Object.keys(rows[0]).map((key) => [key, median(rows.map((r) => r[key as keyof Row]))]),
  ) as Row;

const ramp = flag("ramp")?.split(",").map(Number);
if (ramp !== undefined) {
  const load0 = loadavg()[0];
  const held = new Map<string, number>();
  for (const server of servers) {
    let best = 0;
    for (const clients of ramp) {
      const row = await measure(server, clients);
      console.error(`${server.name}: ${clients} clients, slowest ${fixed(row.min)} fps`);
      if (row.min < 28) break;
      best = clients;
    }
    held.set(server.name, best);
  }
  const floorCount = [...held].find(([name]) => name.includes("floor"))?.[1];
  console.log(
    `\n## Capacity: most clients with the slowest at ≥ 28 fps (tried ${
      ramp.join(", ")
    }; ${seconds} s windows; load average ${fixed(load0, 2)} before, ${
      fixed(loadavg()[0], 2)
    } after)\n`,
  );
  console.log("| server | clients held | ÷ floor's |");
  console.log("|---|---:|---:|");
  for (const [name, count] of held) {
    console.log(`| ${name} | ${count} | ${floorCount ? fixed(count / floorCount, 2) : "-"} |`);
  }
}

for (const clients of ramp === undefined ? clientCounts : []) {
  const load0 = loadavg()[0];
  const results = new Map<string, Row[]>();
  for (let round = 0; round < rounds; round++) {
    for (const server of servers) {
      results.set(server.name, [...results.get(server.name) ?? [], await measure(server, clients)]);
    }
  }
  const rows = servers.map((s) => ({ name: s.name, ...medianRow(results.get(s.name)!) }));
  const floor = rows.find((r) => r.name.includes("floor"));
  const mjpeg = rows.find((r) => r.name.includes("mjpeg-server"));
  console.log(
    `\n## Real sockets: ${clients} loopback clients, 50 KB frames at 30 fps (${seconds} s measured after ${warmup} s, median of ${rounds} interleaved round(s); load average ${
      fixed(load0, 2)
    } before, ${fixed(loadavg()[0], 2)} after; loader: ${loader[0].split("/").pop()}; ${
      strace ? `strace window ${straceSeconds} s` : "no strace"
    }; viewers ask as ${viewers === "browser" ? "an <img>" : "a bare GET"})\n`,
  );
  console.log(
    "| server | published fps | delivered fps (mean) | slowest client fps | p50 latency ms | p99 latency ms | server CPU % of a core | ÷ floor CPU | CPU per delivered frame ÷ floor's | server RSS MiB | RSS ÷ mjpeg-server | writes per part per viewer (syscw) | send syscalls per part per viewer (strace) | loader CPU % | errors |",
  );
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const r of rows) {
    console.log(
      `| ${r.name} | ${fixed(r.published)} | ${fixed(r.mean)} | ${fixed(r.min)} | ${
        fixed(r.p50, 2)
      } | ${fixed(r.p99, 1)} | ${fixed(r.cpu, 0)} | ${
        floor ? fixed(r.cpu / floor.cpu, 2) : "-"
      } | ${floor ? fixed(r.cpu / r.mean / (floor.cpu / floor.mean), 2) : "-"} | ${
        fixed(r.rss, 0)
      } | ${mjpeg ? fixed(r.rss / mjpeg.rss, 2) : "-"} | ${fixed(r.syscw, 2)} | ${
        fixed(r.sends, 2)
      } | ${fixed(r.loaderCpu, 0)} | ${r.errors} |`,
    );
  }
}
