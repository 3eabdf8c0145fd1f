#!/usr/bin/env node
// Runs the suite's node:test files inside workerd (through miniflare), one file after another.
//
//   node scripts/test-workerd.mjs [--timeout=ms] [file-or-dir ...]   (default: tests/)
//
// Each file is bundled with esbuild, `node:test` aliased to tests/_harness/node_test_shim.ts and
// `node:*` left to workerd's nodejs_compat (node:assert/strict is real there). The bundle runs as
// a worker whose default entrypoint runs the tests inside one request and streams the results
// back; entrypoints Serve0..5 are exposed on 127.0.0.1 sockets for tests/_helpers/serve.ts.
import { readdir, stat } from "node:fs/promises";
import { builtinModules, SourceMap } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { Miniflare } from "miniflare";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const HARNESS = join(ROOT, "tests/_harness");
const SHIM = join(HARNESS, "node_test_shim.ts");
const WORKER = join(HARNESS, "worker.ts");
const BUNDLE = join(ROOT, "workerd-harness-bundle.mjs"); // virtual: never written to disk
const SLOTS = 6; // keep equal to SLOTS in tests/_harness/worker.ts
const COMPATIBILITY_DATE = "2026-07-01";
// enable_request_signal: request.signal aborts when the client disconnects (opt-in on Workers).
const COMPATIBILITY_FLAGS = ["nodejs_compat", "enable_request_signal"];
// Packages that only make sense on a server runtime with subprocesses or node:http; bundling them
// for workerd fails or drags in megabytes. Tests that use them are skipped on workerd.
const NODE_ONLY_PACKAGES = ["@hono/node-server", "playwright-core"];
// A file that reports nothing for this long after its per-test timeout is declared hung.
const WATCHDOG_SLACK_MS = 15_000;
const HUNG = Symbol("hung");

const args = process.argv.slice(2);
// The same default per-test limit as scripts/test.sh gives Node, Deno and Bun.
let timeoutMs = Number(process.env.TEST_TIMEOUT_MS ?? process.env.WORKERD_TEST_TIMEOUT ?? 120_000);
const targets = [];
for (const arg of args) {
  if (arg.startsWith("--timeout=")) timeoutMs = Number(arg.slice("--timeout=".length));
  else targets.push(arg);
}
if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
  console.error("test-workerd: --timeout must be a positive number of ms");
  process.exit(2);
}

async function findTests(path) {
  const info = await stat(path);
  if (info.isFile()) return [path];
  const found = [];
  for (const entry of await readdir(path, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
    const child = join(path, entry.name);
    if (entry.isDirectory()) found.push(...(await findTests(child)));
    else if (entry.name.endsWith(".test.ts")) found.push(child);
  }
  return found.sort();
}

const builtins = new Set(builtinModules.filter((name) => !name.startsWith("_")));

/** @type {import("esbuild").Plugin} */
const harnessPlugin = {
  name: "workerd-harness",
  setup(b) {
    b.onResolve({ filter: /^node:test$/ }, () => ({ path: SHIM }));
    b.onResolve({ filter: /^(node:)?[a-z_/]+$/ }, ({ path }) => {
      const bare = path.replace(/^node:/, "");
      if (path.startsWith("node:") || builtins.has(bare)) {
        return { path: `node:${bare}`, external: true };
      }
      return undefined;
    });
    const nodeOnly = new RegExp(
      `^(${NODE_ONLY_PACKAGES.map((p) => p.replace(/[/.]/g, "\\$&")).join("|")})(/.*)?$`,
    );
    b.onResolve({ filter: nodeOnly }, ({ path }) => ({ path, namespace: "node-only" }));
    b.onLoad({ filter: /.*/, namespace: "node-only" }, ({ path }) => ({
      loader: "js",
      // A module whose every member throws when used, so importing it is harmless on workerd.
      contents: `const fail = () => { throw new Error(${
        JSON.stringify(`${path} is not available on workerd`)
      }); };
const stub = new Proxy(function () {}, {
  get: (_, key) => (key === "__esModule" || typeof key === "symbol" || key === "then") ? undefined : stub,
  apply: fail,
  construct: fail,
});
module.exports = stub;`,
    }));
  },
};

async function bundle(file) {
  const result = await build({
    stdin: {
      contents: `import ${JSON.stringify(file)};\nexport * from ${JSON.stringify(WORKER)};\n` +
        `export { default } from ${JSON.stringify(WORKER)};\n`,
      resolveDir: ROOT,
      sourcefile: "workerd-harness-entry.js",
      loader: "js",
    },
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    target: "es2022",
    sourcemap: "external",
    outfile: BUNDLE,
    conditions: ["workerd", "worker", "browser"],
    plugins: [harnessPlugin],
    // package.json says "sideEffects": false, which would let esbuild drop the side-effect
    // import of the test file itself (and its test registrations).
    ignoreAnnotations: true,
    logLevel: "silent",
  });
  const code = result.outputFiles.find((f) => f.path.endsWith(".mjs")).text;
  const map = result.outputFiles.find((f) => f.path.endsWith(".map")).text;
  return { code, map: new SourceMap(JSON.parse(map)) };
}

/** Rewrites bundle positions in a stack trace to the source files they came from. */
function mapStack(text, map) {
  return text.replace(
    /file:\/\/\S*workerd-harness-bundle\.mjs:(\d+):(\d+)/g,
    (whole, line, col) => {
      const entry = map.findEntry(Number(line) - 1, Number(col) - 1);
      if (!entry?.originalSource) return whole;
      const source = entry.originalSource.replace(/^file:\/\//, "");
      return `${relative(ROOT, resolve(dirname(BUNDLE), source))}:${entry.originalLine + 1}:${
        entry.originalColumn + 1
      }`;
    },
  );
}

const stats = { pass: 0, fail: 0, skip: 0, todo: 0 };
const failures = [];

function mark(status) {
  return { pass: "✔", fail: "✖", skip: "﹣", todo: "⚠" }[status];
}

function indent(text) {
  return text.split("\n").map((line) => `    ${line}`).join("\n");
}

function record(file, event) {
  const name = event.path.join(" > ");
  stats[event.status]++;
  const suffix = event.status === "skip"
    ? ` # SKIP${event.message ? ` ${event.message}` : ""}`
    : event.status === "todo"
    ? ` # TODO${event.message ? ` ${event.message}` : ""}`
    : "";
  console.log(`${mark(event.status)} ${name} (${event.durationMs}ms)${suffix}`);
  if (event.status === "fail") {
    console.log(indent(event.error ?? "failed"));
    failures.push({ name: `${file} > ${name}`, error: event.error ?? "failed" });
  }
}

function failFile(file, what, error) {
  stats.fail++;
  console.log(`✖ ${file}: ${what}\n${indent(error)}`);
  failures.push({ name: `${file}: ${what}`, error });
}

async function runFile(path) {
  const file = relative(ROOT, path);
  console.log(`▶ ${file}`);
  let code, map;
  try {
    ({ code, map } = await bundle(resolve(path)));
  } catch (err) {
    failFile(file, "bundle failed", err.message ?? String(err));
    return;
  }
  const mf = new Miniflare({
    modules: [{ type: "ESModule", path: BUNDLE, contents: code }],
    compatibilityDate: COMPATIBILITY_DATE,
    compatibilityFlags: COMPATIBILITY_FLAGS,
    unsafeDirectSockets: Array.from(
      { length: SLOTS },
      (_, i) => ({ host: "127.0.0.1", port: 0, entrypoint: `Serve${i}` }),
    ),
    // Global fetch reaches loopback only: the Serve sockets and servers tests start themselves.
    outboundService: { network: { allow: ["local"] } },
  });
  let watchdog;
  // Aborting the run request matters: dispose() waits for open requests to finish, so a hung
  // test would otherwise keep the runner waiting forever.
  const abortRun = new AbortController();
  try {
    const urls = [];
    for (let i = 0; i < SLOTS; i++) {
      urls.push((await mf.unsafeGetDirectURL(undefined, `Serve${i}`)).href);
    }
    const limit = timeoutMs + WATCHDOG_SLACK_MS;
    // Everything the runner awaits from workerd is raced against this, so a test that blocks
    // the isolate (or never settles) fails its file instead of hanging the run.
    const orHang = (promise) =>
      Promise.race([
        promise,
        new Promise((resolveHung) => (watchdog = setTimeout(resolveHung, limit, HUNG))),
      ]).finally(() => clearTimeout(watchdog));
    const res = await orHang(mf.dispatchFetch("http://harness.invalid/__harness/run", {
      method: "POST",
      signal: abortRun.signal,
      body: JSON.stringify({ timeoutMs, urls }),
    }));
    if (res === HUNG) {
      failFile(file, "hung", `no response for ${limit}ms; workerd stopped`);
      return;
    }
    if (!res.ok || !res.body) {
      failFile(file, `harness answered ${res.status}`, await res.text());
      return;
    }
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffered = "";
    let done = false;
    let results = 0;
    let running = "";
    while (!done) {
      const next = await orHang(reader.read());
      if (next === HUNG) {
        failFile(file, `hung in "${running}"`, `no result for ${limit}ms; workerd stopped`);
        return;
      }
      if (next.done) break;
      buffered += next.value;
      let newline;
      while ((newline = buffered.indexOf("\n")) !== -1) {
        const event = JSON.parse(buffered.slice(0, newline));
        buffered = buffered.slice(newline + 1);
        if (event.error) event.error = mapStack(event.error, map);
        if (event.type === "start") running = event.path.join(" > ");
        else if (event.type === "result") results++, record(file, event);
        else if (event.type === "warning") console.log(`⚠ ${file}: ${event.message}`);
        else if (event.type === "fatal") failFile(file, "harness error", event.error);
        else if (event.type === "done") done = true;
      }
    }
    if (!done) {
      failFile(file, "incomplete", "the worker's result stream ended before all tests ran");
    } else if (results === 0) failFile(file, "no tests", "the file registered no tests in workerd");
  } catch (err) {
    failFile(file, "workerd error", err.stack ?? String(err));
  } finally {
    clearTimeout(watchdog);
    abortRun.abort();
    await mf.dispose().catch(() => {});
  }
}

const started = Date.now();
const files = [];
for (const target of targets.length ? targets : [join(ROOT, "tests")]) {
  files.push(...(await findTests(resolve(target))));
}
if (files.length === 0) {
  console.error("test-workerd: no *.test.ts files found");
  process.exit(2);
}
for (const file of files) await runFile(file);

if (failures.length) {
  console.log("\n✖ failing tests:");
  for (const f of failures) console.log(`\n✖ ${f.name}\n${indent(f.error)}`);
}
const total = stats.pass + stats.fail + stats.skip + stats.todo;
console.log(`ℹ files ${files.length}`);
console.log(`ℹ tests ${total}`);
console.log(`ℹ pass ${stats.pass}`);
console.log(`ℹ fail ${stats.fail}`);
console.log(`ℹ skipped ${stats.skip}`);
console.log(`ℹ todo ${stats.todo}`);
console.log(`ℹ duration_ms ${Date.now() - started}`);
console.log(`workerd: ${stats.pass} passed, ${stats.fail} failed, ${stats.skip} skipped`);
process.exitCode = stats.fail > 0 ? 1 : 0;
