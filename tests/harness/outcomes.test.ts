// Each runtime's harness reports a failing test as failed: fixtures/outcomes.fixture.ts (a pass, an
// assertion failure, a skip, an unhandled rejection, a throw in a timer callback, a test past the
// per-test limit, a pass after them) and fixtures/crashes.fixture.ts (throws while loading) run
// through the same command scripts/test.sh uses for that runtime, with a 1 s limit, and the
// counts scripts/test.sh prints (tests/_harness/totals.ts) must match.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { canSpawn, runtime } from "../_helpers/runtime.ts";
import { countRun, type TestRuntime } from "../_harness/totals.ts";
import { closingLines, failureLines } from "../_harness/report.ts";

/** The repository root (computed when used: a workerd bundle has no file URL). */
const root = (): string => decodeURIComponent(new URL("../../", import.meta.url).pathname);
const OUTCOMES = "tests/harness/fixtures/outcomes.fixture.ts";
const CRASHES = "tests/harness/fixtures/crashes.fixture.ts";
const LIMIT_MS = 1000;
const FAILING = [
  "fails an assertion",
  "leaves a rejection unhandled",
  "throws in a timer callback",
  "outlives the per-test limit",
];

/** What the failing tests throw, each shown in the failure report. */
const ERRORS = [
  "fixture: nobody handles this rejection",
  "fixture: thrown in a timer callback",
  "timed out after 1000ms",
];

type Proc = { execPath: string; env: Record<string, string | undefined> };
const proc = (globalThis as { process?: Proc }).process;
const deno = (globalThis as { Deno?: { execPath(): string } }).Deno;

/** The command scripts/test.sh runs for `target` (workerd: from Node), with a 1 s limit. */
function command(target: TestRuntime, file: string): string[] {
  const self = deno ? deno.execPath() : proc!.execPath;
  if (target === "node") return [self, "--test", `--test-timeout=${LIMIT_MS}`, file];
  if (target === "bun") return [self, "test", "--timeout", String(LIMIT_MS), `./${file}`];
  if (target === "workerd") {
    return [self, "scripts/test-workerd.mjs", `--timeout=${LIMIT_MS}`, file];
  }
  const map = "--import-map=tests/_harness/deno_import_map.json";
  return [self, "test", "-A", "--no-check", map, file];
}

async function run(target: TestRuntime, file: string): Promise<{ out: string; code: number }> {
  const name = "node:child_process";
  const { execFile } = (await import(name)) as typeof import("node:child_process");
  // A child of `node --test` would otherwise report to its parent in node's own binary protocol.
  const env: Record<string, string | undefined> = {
    ...proc!.env,
    TEST_TIMEOUT_MS: String(LIMIT_MS),
    NO_COLOR: "1",
  };
  delete env.NODE_TEST_CONTEXT;
  const [bin, ...args] = command(target, file);
  return await new Promise((resolve) => {
    execFile(bin, args, { cwd: root(), env, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ out: `${stdout}\n${stderr}`, code });
    });
  });
}

/** The names of the tests a runtime's output marks failed. */
function failedNames(target: TestRuntime, out: string): string[] {
  const line = {
    node: /^\s*✖ (.+?) \(\d/,
    workerd: /^✖ fixture > (.+?) \(\d/,
    bun: /^\(fail\) fixture > (.+?) \[/,
    deno: /^\s+(.+?) \.\.\. FAILED/,
  }[target];
  const names = new Set<string>();
  // deno-lint-ignore no-control-regex -- colour codes around the names
  for (const text of out.replace(/\x1b\[[0-9;]*m/g, "").split("\n")) {
    const match = line.exec(text);
    if (match && FAILING.includes(match[1])) names.add(match[1]);
  }
  return [...names].sort();
}

// workerd has no subprocesses; its harness is driven by miniflare from Node, so Node runs it.
const targets: TestRuntime[] = runtime === "node" ? ["node", "workerd"] : [runtime];

describe("each runtime's harness reports failures as failures", () => {
  for (const target of runtime === "workerd" ? (["workerd"] as const) : targets) {
    const why = canSpawn ? "" : ` (skipped on ${runtime}: no subprocesses; Node runs this one)`;
    it(
      `${target}: a failed assertion, an unhandled rejection, a throw in a timer callback and a test past the per-test limit each fail; the counts add up${why}`,
      {
        skip: !canSpawn,
        timeout: 90_000,
      },
      async () => {
        const { out, code } = await run(target, OUTCOMES);
        assert.notEqual(code, 0, `the run must exit non-zero:\n${out}`);
        assert.deepEqual(failedNames(target, out), [...FAILING].sort(), out);
        assert.deepEqual(countRun(target, out, code), { pass: 2, fail: 4, skip: 1, summary: true });
        // What scripts/test.sh prints of the run: every failing test with its error, no passing one.
        const report = failureLines(target, out).join("\n");
        for (const name of FAILING) assert.ok(report.includes(name), `${name} missing:\n${report}`);
        for (const error of ["AssertionError", ...ERRORS]) {
          assert.ok(report.includes(error), `${error} missing:\n${report}`);
        }
        assert.ok(!report.includes("passes after the others"), report);
        assert.ok(closingLines(target, out).length > 0, `no closing lines in:\n${out}`);
      },
    );

    it(`${target}: a file that throws while loading is a failure${why}`, {
      skip: !canSpawn,
      timeout: 90_000,
    }, async () => {
      const { out, code } = await run(target, CRASHES);
      const counts = countRun(target, out, code);
      assert.ok(counts.fail >= 1 && counts.pass === 0, `${JSON.stringify(counts)}\n${out}`);
    });
  }

  it("a run that crashes before its summary counts as one failure", () => {
    for (const target of ["node", "deno", "bun", "workerd"] as const) {
      // What scripts/test.sh prints of it: the end of its output.
      assert.deepEqual(failureLines(target, "starting\nSegmentation fault\n"), [
        "starting",
        "Segmentation fault",
      ]);
      assert.deepEqual(countRun(target, "Segmentation fault", 139), {
        pass: 0,
        fail: 1,
        skip: 0,
        summary: false,
      });
    }
    // Deno's ignored steps are skips, and only leaves count (a suite's line is not a test).
    const denoRun = [
      "suite ...",
      "  a ... ok (1ms)",
      "  b ... ignored (0ms)",
      "  inner ...",
      "    c ... FAILED (2ms)",
      "  inner ... FAILED (due to 1 failed step) (2ms)",
      "  d ... ok (0ms)",
      // A test's own stderr output can land between its name and its status.
      "  e ...TypeError: logged by the test",
      "    at somewhere (file:///x.ts:1:1)",
      " ok (32ms)",
      "suite ... FAILED (due to 1 failed step) (3ms)",
      "top ... ok (0ms)",
      "FAILED | 1 passed (2 steps) | 1 failed (1 step) | 0 ignored (1 step) (5ms)",
    ].join("\n");
    assert.deepEqual(countRun("deno", denoRun, 1), { pass: 4, fail: 1, skip: 1, summary: true });
  });
});
