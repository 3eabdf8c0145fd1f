#!/usr/bin/env node
// Mutation check, run by hand (not in CI): puts one deliberate bug at a time into lib/, runs the
// test files that should notice on Node, restores the file, and prints which tests caught it.
// A mutation no test catches is a gap in the suite (or, said in its `note`, equivalent).
//
//   node scripts/mutate.mjs               every mutation
//   node scripts/mutate.mjs H1 P4         only these
//   node scripts/mutate.mjs --check       only check that every `from` is still in its file once
//
// Refuses to run on a dirty tree (it rewrites lib/ files and restores them from memory).
import { execFileSync, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const NODE = process.execPath;
const PER_TEST_MS = 30_000;
const PER_RUN_MS = 240_000;

const hub = "tests/hub/push_hub.test.ts";
const hubLife = "tests/hub/lifecycle.test.ts";
const pushLife = "tests/push/lifecycle.test.ts";
const pushStream = "tests/push/stream.test.ts";
const pushResponse = "tests/push/response.test.ts";

/**
 * [id, what the bug is, file, from, to, test files]; `from` must occur exactly once. A bug that
 * needs several edits gives arrays of `from` and `to`, replaced pairwise.
 */
const MUTATIONS = [
  // The hub (issue 16 items 1-5 among them).
  [
    "H1",
    "replace-mode slot becomes an unbounded queue",
    "lib/hub/subscriber.ts",
    "      held.replace(views, frame);",
    "      held.push(views, frame);",
    [hub, hubLife],
  ],
  [
    "H2",
    "close() does not stop the source",
    "lib/hub/push_hub.ts",
    "    this.#source?.stop();\n    this.#subscribers.endAll();",
    "    this.#subscribers.endAll();",
    [hub],
  ],
  [
    "H3",
    "hub maxDuration ignored",
    "lib/hub/options.ts",
    "    maxDuration: push.maxDuration,",
    "    maxDuration: Infinity,",
    [hub, hubLife],
  ],
  [
    "H4",
    "hub maxDuration ends at a quarter of it",
    "lib/hub/timer.ts",
    "if (idle || now >= s.joinedAt + maxDuration) s.end(true);",
    "if (idle || now >= s.joinedAt + maxDuration / 4) s.end(true);",
    [hub, hubLife],
  ],
  [
    "H5",
    "hub idleTimeout ignored",
    "lib/hub/timer.ts",
    "const idle = now >= Math.max(this.publishedAt, s.joinedAt) + idleTimeout;",
    "const idle = false;",
    [hub, hubLife],
  ],
  [
    "H6",
    "hub keep-alive at half the interval",
    "lib/hub/options.ts",
    `keepAlive: milliseconds(options.keepAlive, replace ? 1000 : Infinity, "options.keepAlive"),`,
    `keepAlive: milliseconds(options.keepAlive, replace ? 1000 : Infinity, "options.keepAlive") / 2,`,
    [hub],
  ],
  [
    "H7",
    "hub keep-alive never resends",
    "lib/hub/timer.ts",
    "else if (latest && now >= s.offeredAt + keepAlive) s.offer(latest, now);",
    "else if (latest && false) s.offer(latest, now);",
    [hub],
  ],
  [
    "H8",
    "hub end fill of the announced part removed",
    "lib/hub/subscriber.ts",
    "      if (fill) this.#controller.enqueue(fill);\n",
    "",
    [hubLife],
  ],
  [
    "H9",
    "mixed-mode maxQueue off by one",
    "lib/hub/subscriber.ts",
    "if (held.length >= this.#host.maxQueue) {",
    "if (held.length > this.#host.maxQueue) {",
    [hub],
  ],
  [
    "H10",
    "dropSame ignored",
    "lib/hub/push_hub.ts",
    "if (this.#options.dropSame && latest && sameFrame(latest, wire.fields, wire.bytes)) return;",
    "if (false) return;",
    [hub],
  ],
  [
    "H11",
    "replay ignored",
    "lib/hub/push_hub.ts",
    "const replay = this.#options.replay ? this.#latest : undefined;",
    "const replay = undefined;",
    [hub],
  ],
  [
    "H12",
    "maxSubscribers off by one",
    "lib/hub/push_hub.ts",
    "const full = this.#subscribers.size >= this.#options.maxSubscribers;",
    "const full = this.#subscribers.size > this.#options.maxSubscribers;",
    [hub],
  ],
  [
    "H13",
    "linger ignored (stops at once)",
    "lib/hub/source.ts",
    "this.#lingerTimer = armTimeout(() => this.stop(), this.#settings.linger);",
    "this.#lingerTimer = armTimeout(() => this.stop(), 0);",
    [hub],
  ],
  [
    "H14",
    "a source error ends subscribers cleanly",
    "lib/hub/source.ts",
    "    this.#viewers.failAll(error);",
    "    this.#viewers.endAll();",
    [hub, "tests/reliability/fault_source.test.ts"],
  ],
  [
    "H15",
    "fps cap ignored",
    "lib/hub/subscriber.ts",
    "const early = this.#sentAt + this.#config.interval - Date.now();",
    "const early = 0;",
    [hub],
  ],
  [
    "H16",
    "request.signal abort ignored",
    "lib/hub/subscriber.ts",
    `for (const signal of config.signals) signal.addEventListener("abort", this.#onAbort);`,
    "",
    [hub],
  ],
  [
    "H17",
    "an fps viewer's gap timer is left running when it leaves",
    "lib/hub/subscriber.ts",
    [
      "    this.#done = true;\n    clearTimeout(this.#fpsTimer);\n",
      "    }\n    clearTimeout(this.#fpsTimer);\n    const wake = this.#wake;",
    ],
    ["    this.#done = true;\n", "    }\n    const wake = this.#wake;"],
    [hub],
  ],
  [
    "H18",
    "a viewer back within linger does not cancel the pending stop",
    "lib/hub/source.ts",
    "    clearTimeout(this.#lingerTimer);\n    this.#lingerTimer = undefined;\n    this.#wanted = true;",
    "    this.#lingerTimer = undefined;\n    this.#wanted = true;",
    [hub],
  ],
  // The encoder.
  [
    "P1",
    "encoder maxDuration fires at 0 ms",
    "lib/push/stopper.ts",
    "durationTimer = setTimeout(stop, config.maxDuration);",
    "durationTimer = setTimeout(stop, 0);",
    [pushLife],
  ],
  [
    "P2",
    "encoder maxDuration ignored",
    "lib/push/stopper.ts",
    "if (config.maxDuration !== Infinity) durationTimer",
    "if (false) durationTimer",
    [pushLife],
  ],
  [
    "P3",
    "encoder idleTimeout at a quarter of it",
    "lib/push/stopper.ts",
    "idleTimer = setTimeout(stop, config.idleTimeout);",
    "idleTimer = setTimeout(stop, config.idleTimeout / 4);",
    [pushLife],
  ],
  [
    "P4",
    "encoder end fill of the announced part removed",
    "lib/push/part_framer.ts",
    "return announced === undefined ? [framing.close] : [...previous, framing.close];",
    "return [framing.close];",
    [pushStream, "tests/browser/push_into.chromium.test.ts"],
  ],
  [
    "P5",
    "encoder mid-stream fill removed",
    "lib/push/part_framer.ts",
    "const out = announced === undefined || fits ? [] : [...previous, framing.delimiter];",
    "const out = announced === undefined || fits ? [] : [framing.delimiter];",
    [pushStream],
  ],
  [
    "P6",
    "the source's return() not called when the push ends",
    "lib/push/stopper.ts",
    "Promise.resolve(iterator.return?.()).catch(report).finally(settle);",
    "Promise.resolve().catch(report).finally(settle);",
    [pushLife],
  ],
  [
    "P7",
    "Content-Length never sent",
    "lib/push/part.ts",
    'const length = wire.size === undefined ? "" : `Content-Length: ${wire.size}\\r\\n`;',
    'const length = "";',
    [pushStream, pushResponse],
  ],
  [
    "P8",
    "X-Accel-Buffering header dropped",
    "lib/push/response.ts",
    `    "X-Accel-Buffering": "no",\n`,
    "",
    [pushResponse],
  ],
  [
    "P9",
    "caller's boundary inside a body not refused",
    "lib/push/boundary_guard.ts",
    "if (search.search(chunk, 0) === -1) return;",
    "return;",
    ["tests/push/bad_input.test.ts", pushLife],
  ],
  [
    "P10",
    "replace-mode close delimiter without its final --",
    "lib/push/framing.ts",
    "close: encoder.encode(`\\r\\n--${boundary}--\\r\\n`),",
    "close: encoder.encode(`\\r\\n--${boundary}\\r\\n`),",
    [pushStream],
  ],
  [
    "P11",
    "no grace for a streamed body in flight at the stop",
    "lib/push/stopper.ts",
    "const BODY_GRACE_MS = 1000;",
    "const BODY_GRACE_MS = 0;",
    [pushLife],
  ],
  // Shared, parse, pull, mjpeg, browser.
  [
    "S1",
    "boundaries of 8 hex digits instead of 32",
    "lib/shared/boundary.ts",
    "crypto.getRandomValues(new Uint8Array(16))",
    "crypto.getRandomValues(new Uint8Array(4))",
    [pushResponse],
  ],
  [
    "S2",
    "CR/LF allowed in a header value",
    "lib/shared/header_fields.ts",
    "const FORBIDDEN_IN_VALUE = /[\\r\\n\\0]/;",
    "const FORBIDDEN_IN_VALUE = /[\\0]/;",
    ["tests/push/bad_input.test.ts"],
  ],
  [
    "D1",
    "maxParts off by one",
    "lib/parse/assembler.ts",
    "if (++this.#parts > this.#limits.maxParts) {",
    "if (++this.#parts > this.#limits.maxParts + 1) {",
    ["tests/parse/errors.test.ts"],
  ],
  [
    "D2",
    "maxPartSize not checked on a whole part",
    "lib/parse/assembler.ts",
    "    if (length > maxPartSize) throw partTooLarge(this.#limits);\n",
    "",
    ["tests/parse/errors.test.ts"],
  ],
  [
    "R1",
    "Refresh rounds seconds up",
    "lib/pull/refresh.ts",
    "BigInt(Math.floor(seconds))",
    "BigInt(Math.ceil(seconds))",
    ["tests/pull/refresh.test.ts"],
  ],
  [
    "M1",
    "jpegFrames allows twice maxFrameSize",
    "lib/mjpeg/jpeg_frames.ts",
    "if (size > maxFrameSize) {",
    "if (size > maxFrameSize * 2) {",
    ["tests/mjpeg/jpeg_frames.test.ts"],
  ],
  [
    "B1",
    "pushInto replaces instead of appending in mixed mode",
    "lib/browser/push_into.ts",
    "if (append) target.innerHTML += part.text();",
    "if (append) target.innerHTML = part.text();",
    ["tests/browser/push_into.test.ts"],
  ],
];

function git(...args) {
  return execFileSync("git", args, { cwd: ROOT, encoding: "utf8" });
}

function occurrences(text, needle) {
  let n = 0;
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) n++;
  return n;
}

/** Runs the test files on Node; resolves with the names of the tests that failed. */
function runTests(files) {
  return new Promise((resolveRun) => {
    // Force-exit: a mutant that leaves a timer running must not keep the run waiting.
    const args = [
      "--expose-gc",
      "--test",
      "--test-force-exit",
      `--test-timeout=${PER_TEST_MS}`,
      ...files,
    ];
    const env = { ...process.env };
    delete env.NODE_TEST_CONTEXT;
    const child = spawn(NODE, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.stderr.on("data", (chunk) => (out += chunk));
    const killer = setTimeout(() => child.kill("SIGKILL"), PER_RUN_MS);
    child.on("close", (code) => {
      clearTimeout(killer);
      const failed = new Set();
      // The summary's list when the run got that far, else every test marked failed on the way.
      const lines = out.includes("✖ failing tests:")
        ? out.slice(out.indexOf("✖ failing tests:")).split("\n").slice(1)
        : out.split("\n").map((line) => line.trimStart());
      for (const line of lines) {
        const match = /^✖ (.+?)(?: \([\d.]+m?s\))?$/.exec(line);
        if (match) failed.add(match[1]);
      }
      if (code !== 0 && failed.size === 0) failed.add(`(the run exited ${code ?? "killed"})`);
      resolveRun([...failed]);
    });
  });
}

const args = process.argv.slice(2);
const checkOnly = args.includes("--check");
const only = args.filter((a) => !a.startsWith("--"));
const chosen = MUTATIONS.filter(([id]) => only.length === 0 || only.includes(id));

let stale = 0;
const pairs = (from, to) => Array.isArray(from) ? from.map((f, i) => [f, to[i]]) : [[from, to]];
for (const [id, , file, from, to] of chosen) {
  const text = readFileSync(join(ROOT, file), "utf8");
  for (const [f] of pairs(from, to)) {
    const n = occurrences(text, f);
    if (n === 1) continue;
    stale++;
    console.log(`${id}: "${f.trim()}" occurs ${n} times in ${file} (the library changed)`);
  }
}
if (checkOnly || stale > 0) process.exit(stale > 0 ? 1 : 0);

if (git("status", "--porcelain").trim() !== "") {
  console.error("mutate: the work tree has uncommitted changes; commit or stash them first");
  process.exit(2);
}

let original;
let mutated;
const restore = () => {
  if (mutated) writeFileSync(mutated, original);
  mutated = undefined;
};
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    restore();
    process.exit(130);
  });
}

const rows = [];
for (const [id, what, file, from, to, tests] of chosen) {
  const path = join(ROOT, file);
  original = readFileSync(path, "utf8");
  const started = Date.now();
  let failed;
  try {
    mutated = path;
    let text = original;
    for (const [f, t] of pairs(from, to)) text = text.replace(f, () => t);
    writeFileSync(path, text);
    failed = await runTests(tests);
  } finally {
    restore();
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  const verdict = failed.length > 0 ? "caught" : "SURVIVED";
  rows.push({ id, what, verdict, failed });
  const names = failed.slice(0, 3).join(" | ") +
    (failed.length > 3 ? ` | +${failed.length - 3} more` : "");
  console.log(
    `${id.padEnd(4)} ${verdict.padEnd(8)} ${what} (${file}, ${seconds} s)\n       ${
      names || "no test failed"
    }`,
  );
}
if (git("status", "--porcelain").trim() !== "") {
  console.error("mutate: the tree is not clean after restoring; check git diff");
  process.exit(2);
}
const survived = rows.filter((r) => r.verdict === "SURVIVED");
console.log(
  `\n${rows.length} mutations, ${
    rows.length - survived.length
  } caught, ${survived.length} survived${
    survived.length ? `: ${survived.map((r) => r.id).join(" ")}` : ""
  }`,
);
process.exitCode = survived.length > 0 ? 1 : 0;
