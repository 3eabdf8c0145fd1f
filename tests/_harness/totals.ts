/**
 * Reads each runtime's test output for its counts, so `npm test` prints a total people can trust:
 * scripts/test-totals.mjs prints the lines, tests/harness/harness.test.ts checks the parsing
 * against real runs of each runtime's harness.
 *
 * A run whose summary is missing (the runtime crashed first) counts one failure, and so does a
 * run that exited non-zero while its summary counts none.
 *
 * @example
 * ```ts
 * import { countRun } from "./totals.ts";
 * countRun("bun", " 3 pass\n 1 skip\n 0 fail\nRan 4 tests across 1 file.", 0);
 * // { pass: 3, fail: 0, skip: 1, summary: true }
 * ```
 * @module
 */

/** A runtime whose tests scripts/test.sh runs. */
export type TestRuntime = "node" | "deno" | "bun" | "workerd";

/** What one runtime's run reported. */
export type Counts = { pass: number; fail: number; skip: number; summary: boolean };

function last(text: string, pattern: RegExp): number | undefined {
  let found: number | undefined;
  for (const match of text.matchAll(pattern)) found = Number(match[1]);
  return found;
}

// deno-lint-ignore no-control-regex -- colour codes in a runtime's output
const ANSI = /\x1b\[[0-9;]*m/g;

/**
 * Deno prints a line per test and per step, and a suite's line after its steps; only leaves
 * count, as on the other runtimes. A result line is a suite's when the result line before it
 * is indented deeper (one of its steps).
 */
function deno(text: string): Counts {
  const counts = { pass: 0, fail: 0, skip: 0, summary: false };
  let previousIndent = -1;
  // A test's name line whose status was pushed to a later line by the test's own stderr output.
  let pendingIndent = -1;
  let output = false;
  for (const line of text.split("\n")) {
    if (/^-+ (pre-test |post-test )?output -+$/.test(line)) output = true;
    if (/^-+ (pre-test |post-test )?output end -+$/.test(line)) output = false;
    if (output) continue;
    if (/^(ok|FAILED) \| \d+ passed/.test(line)) counts.summary = true;
    if (/^Uncaught error from \S+ FAILED/.test(line)) counts.fail++;
    let result = /^( *)\S.*? \.\.\. (ok|FAILED|ignored)( \(|$)/.exec(line);
    let indent = result?.[1].length ?? -1;
    if (!result) {
      const named = /^( *)\S.*? \.\.\.(.*)$/.exec(line);
      if (named && !named[2].includes("=>")) pendingIndent = named[1].length;
      result = /^()(ok|FAILED|ignored) \(\d/.exec(line.trimStart());
      if (!result || pendingIndent === -1 || !line.startsWith(" ")) continue;
      indent = pendingIndent;
    }
    pendingIndent = -1;
    const suite = previousIndent > indent;
    previousIndent = indent;
    if (suite) continue;
    if (result[2] === "ok") counts.pass++;
    else if (result[2] === "FAILED") counts.fail++;
    else counts.skip++;
  }
  return counts;
}

function parse(runtime: TestRuntime, text: string): Counts {
  if (runtime === "deno") return deno(text);
  if (runtime === "node" || runtime === "workerd") {
    // test-workerd.mjs prints the same ℹ lines as node --test.
    const pass = last(text, /^ℹ pass (\d+)$/gm);
    const fail = last(text, /^ℹ fail (\d+)$/gm);
    const cancelled = last(text, /^ℹ cancelled (\d+)$/gm) ?? 0; // node: a test that timed out
    const skip = last(text, /^ℹ skipped (\d+)$/gm);
    const summary = pass !== undefined && fail !== undefined && skip !== undefined;
    return { pass: pass ?? 0, fail: (fail ?? 0) + cancelled, skip: skip ?? 0, summary };
  }
  const pass = last(text, /^ *(\d+) pass$/gm);
  const fail = last(text, /^ *(\d+) fail$/gm);
  const skip = (last(text, /^ *(\d+) skip$/gm) ?? 0) + (last(text, /^ *(\d+) todo$/gm) ?? 0);
  const summary = /^Ran \d+ tests? across \d+ files?\./m.test(text);
  return { pass: pass ?? 0, fail: fail ?? 0, skip, summary };
}

/** The counts of one runtime's run, from its output and exit status. */
export function countRun(runtime: TestRuntime, output: string, exitCode: number): Counts {
  const counts = parse(runtime, output.replace(ANSI, ""));
  if (!counts.summary || (exitCode !== 0 && counts.fail === 0)) counts.fail++;
  return counts;
}
