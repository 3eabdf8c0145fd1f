#!/usr/bin/env node
// `npm run soak`: the reliability tests with their full counts (MULTIPART_PUSH_SOAK=1): 10,000
// churning clients, a 30 s stalled client, 100,000 fuzzed pushes, on Node, Deno, Bun and workerd.
//
//   node scripts/soak.mjs [node|deno|bun|workerd ...]   (default: all four)
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureDeps } from "./ensure_deps.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
ensureDeps(ROOT, "multipart-push soak");
const BIN = join(ROOT, "node_modules/.bin");
const files = readdirSync(join(ROOT, "tests/reliability"))
  .filter((name) => /^(soak|fault).*\.test\.ts$/.test(name))
  .map((name) => `tests/reliability/${name}`);
const runners = {
  node: [join(BIN, "node"), ["--test", "--test-timeout=1800000", ...files]],
  deno: [join(BIN, "deno"), ["test", "-A", "--no-check", ...files]],
  bun: [join(BIN, "bun"), ["test", "--timeout", "1800000", ...files]],
  workerd: [join(BIN, "node"), ["scripts/test-workerd.mjs", "--timeout=1800000", ...files]],
};
const wanted = process.argv.slice(2);
const failed = [];
for (const [name, [cmd, args]] of Object.entries(runners)) {
  if (wanted.length && !wanted.includes(name)) continue;
  console.log(`\n::: soak on ${name}: ${files.join(" ")}`);
  const started = Date.now();
  const result = spawnSync(cmd, args, {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...process.env, MULTIPART_PUSH_SOAK: "1", PATH: `${BIN}:${process.env.PATH}` },
  });
  console.log(
    `::: ${name}: exit ${result.status} in ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  if (result.status !== 0) failed.push(name);
}
// The scale-out test (issue 12) at longer counts: 3 edges x 200 viewers, 600 frames (60 s), on
// Node only: the edges run on Node, Deno and Bun whichever runtime runs the test.
if (!wanted.length || wanted.includes("node")) {
  console.log("\n::: soak: scale-out cluster (tests/bus/cluster.test.ts), 3 edges x 200 viewers");
  const result = spawnSync(join(BIN, "node"), [
    "--test",
    "--test-timeout=1800000",
    "tests/bus/cluster.test.ts",
  ], {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...process.env, CLUSTER_VIEWERS: "200", CLUSTER_FRAMES: "600" },
  });
  if (result.status !== 0) failed.push("cluster");
}
console.log(failed.length ? `\nsoak failed on: ${failed.join(", ")}` : "\nsoak passed");
process.exit(failed.length ? 1 : 0);
