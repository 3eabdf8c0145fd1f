#!/usr/bin/env node
// `npm run bench`: every bench in one run, with the machine, the runtime versions, the load
// average and the command on top, so the output can go into BENCHMARKS.md as it is.
//
//   node bench/run.mjs [--quick] [--full]
//     --quick  fewer rounds and frames, 2 s socket windows (a smoke test)
//     --full   300 hub frames, 20 s socket windows at 200 and 1,000 clients, 3 rounds
import { execFileSync, spawnSync } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureDeps } from "../scripts/ensure_deps.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
ensureDeps(ROOT, "multipart-push bench");
const BIN = join(ROOT, "node_modules/.bin");
const args = process.argv.slice(2);
const quick = args.includes("--quick");
const full = args.includes("--full");
const level = quick ? ["--quick"] : full ? ["--full"] : [];
const version = (cmd, ...a) => execFileSync(cmd, a).toString().split("\n")[0].trim();

console.log(`# multipart-push benchmarks\n`);
console.log(`- command: \`npm run bench${args.length ? ` -- ${args.join(" ")}` : ""}\``);
console.log(`- date: ${new Date().toISOString()}`);
console.log(`- machine: ${cpus().length} CPUs (nproc), ${cpus()[0]?.model ?? "?"}`);
console.log(
  `- load average at start (1/5/15 min): ${loadavg().map((l) => l.toFixed(2)).join(" ")}`,
);
console.log(
  `- runtimes: node ${process.versions.node}, ${version(join(BIN, "deno"), "--version")}, bun ${
    version(join(BIN, "bun"), "--version")
  }`,
);

function run(cmd, cmdArgs) {
  console.log(`\n<!-- ${[cmd.replace(`${BIN}/`, ""), ...cmdArgs].join(" ")} -->`);
  const result = spawnSync(cmd, cmdArgs, { cwd: ROOT, stdio: "inherit" });
  if (result.status !== 0) {
    console.log(`\n**${cmdArgs.join(" ")} failed with status ${result.status}**`);
    process.exitCode = 1;
  }
}

// Node 24 from node_modules, which runs .ts: the Node that started npm may be older.
const node = join(BIN, "node");
// --expose-gc: the benches collect garbage between contenders and cases, so one's garbage is not
// billed to the next.
run(node, ["--expose-gc", "bench/encoder.bench.ts", ...level]);
run(join(BIN, "deno"), ["run", "-A", "bench/encoder.bench.ts", ...level]);
run(join(BIN, "bun"), ["bench/encoder.bench.ts", ...level]);
// --expose-gc: the hub bench collects garbage between cases so one case's garbage is not billed
// to the next.
run(node, ["--expose-gc", "bench/hub.bench.ts", ...level]);
run(join(BIN, "deno"), ["run", "-A", "bench/hub.bench.ts", ...level]);
run(join(BIN, "bun"), ["bench/hub.bench.ts", ...level]);
run(node, ["bench/sockets.bench.ts", quick ? "--seconds=2" : full ? "--full" : "--seconds=5"]);
// Capacity (issue 15): the most viewers each server holds at ≥ 28 fps, against the floor's.
if (full) run(node, ["bench/sockets.bench.ts", "--ramp=1000,2000,3000,4000", "--seconds=10"]);
run(node, ["--expose-gc", "bench/decode.bench.ts", ...(quick ? ["--quick"] : [])]);
run(join(BIN, "bun"), ["bench/decode.bench.ts", ...(quick ? ["--quick"] : [])]);
run(join(BIN, "deno"), [
  "run",
  "-A",
  "--v8-flags=--expose-gc",
  "bench/decode.bench.ts",
  ...(quick ? ["--quick"] : []),
]);
run(node, ["--expose-gc", "bench/memory.bench.ts"]);
run(join(BIN, "deno"), ["run", "-A", "--v8-flags=--expose-gc", "bench/memory.bench.ts"]);
// The Huffman-table repair of UVC frames (issue 24), on ffmpeg's frames with the DHT cut out.
run(node, ["bench/huffman.bench.ts", ...(quick ? ["--quick"] : [])]);
// The splitter bench makes its MJPEG with ffmpeg (scripts/system-deps.sh installs it).
run(node, ["--expose-gc", "bench/split.bench.ts", ...(quick ? ["--quick"] : [])]);
run(join(BIN, "bun"), ["bench/split.bench.ts", ...(quick ? ["--quick"] : [])]);
run(join(BIN, "deno"), [
  "run",
  "-A",
  "--v8-flags=--expose-gc",
  "bench/split.bench.ts",
  ...(quick ? ["--quick"] : []),
]);
run(node, ["bench/access.bench.ts", ...(quick ? ["--quick"] : [])]);
run(join(BIN, "deno"), ["run", "-A", "bench/access.bench.ts", ...(quick ? ["--quick"] : [])]);
run(join(BIN, "bun"), ["bench/access.bench.ts", ...(quick ? ["--quick"] : [])]);
run(node, ["bench/ingest.bench.ts", ...(quick ? ["--quick"] : [])]);
run(join(BIN, "deno"), ["run", "-A", "bench/ingest.bench.ts", ...(quick ? ["--quick"] : [])]);
run(join(BIN, "bun"), ["bench/ingest.bench.ts", ...(quick ? ["--quick"] : [])]);
for (const [bin, pre] of [[node, []], [join(BIN, "deno"), ["run", "-A"]], [join(BIN, "bun"), []]]) {
  run(bin, [...pre, "bench/frame_envelope.bench.ts", ...(quick ? ["--quick"] : [])]);
}
for (const [bin, pre] of [[node, []], [join(BIN, "deno"), ["run", "-A"]], [join(BIN, "bun"), []]]) {
  run(bin, [...pre, "bench/camera.bench.ts", ...(quick ? ["--quick"] : [])]);
}
// Issue 20: a hostile Accept and error-heavy incremental results, linear in their size.
const withGc = [
  [node, ["--expose-gc"]],
  [join(BIN, "deno"), ["run", "-A", "--v8-flags=--expose-gc"]],
  [join(BIN, "bun"), []],
];
for (const [bin, pre] of withGc) {
  run(bin, [...pre, "bench/graphql.bench.ts", ...(quick ? ["--quick"] : [])]);
}
console.log(
  `\n- load average at end (1/5/15 min): ${loadavg().map((l) => l.toFixed(2)).join(" ")}`,
);
