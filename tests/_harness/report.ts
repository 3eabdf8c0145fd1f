/**
 * Cuts each runtime's test output down to what a reader of `npm test` needs: the failing tests
 * with their error output, and the runner's own closing lines. scripts/test-report.mjs prints
 * them after each step of scripts/test.sh (the whole output stays in a log file);
 * tests/harness/outcomes.test.ts checks them against real runs of every runtime's harness.
 *
 * @example
 * ```ts
 * import { closingLines } from "./report.ts";
 * closingLines("bun", "(pass) a [1ms]\n\n 1 pass\n 0 fail\nRan 1 test across 1 file. [5ms]");
 * // [" 1 pass", " 0 fail", "Ran 1 test across 1 file. [5ms]"]
 * ```
 * @module
 */
import type { TestRuntime } from "./totals.ts";

// deno-lint-ignore no-control-regex -- colour codes in a runtime's output
const ANSI = /\x1b\[[0-9;]*m/g;

/** Lines kept from the end of a run that never got to list its failures (it crashed). */
const CRASH_TAIL = 40;

const lines = (output: string): string[] => output.replace(ANSI, "").split("\n");

/** The last `ℹ name N` block of node --test (and of scripts/test-workerd.mjs, which mimics it). */
function infoBlock(all: string[]): string[] {
  let end = -1;
  for (let i = all.length - 1; i >= 0; i--) {
    if (all[i].startsWith("ℹ ")) {
      end = i;
      break;
    }
  }
  if (end === -1) return [];
  let start = end;
  while (start > 0 && all[start - 1].startsWith("ℹ ")) start--;
  return all.slice(start, end + 1);
}

/** The runner's closing summary lines, as it printed them (CI reads these). */
export function closingLines(runtime: TestRuntime, output: string): string[] {
  const all = lines(output);
  if (runtime === "node" || runtime === "workerd") return infoBlock(all);
  if (runtime === "deno") return all.filter((l) => /^(ok|FAILED) \| \d+ passed/.test(l));
  return all.filter((l) => /^ *\d+ (pass|fail|skip|todo)$|^Ran \d+ tests? across/.test(l));
}

/** node: the block under "✖ failing tests:" up to the ℹ summary (or the end). */
function nodeFailures(all: string[]): string[] | undefined {
  const start = all.lastIndexOf("✖ failing tests:");
  if (start === -1) return undefined;
  const out: string[] = [];
  for (const line of all.slice(start + 1)) {
    if (line.startsWith("ℹ ")) break;
    out.push(line);
  }
  return out;
}

/** deno: the " ERRORS " section (each failed test's error), plus uncaught errors between files. */
function denoFailures(all: string[]): string[] | undefined {
  const out: string[] = [];
  let inErrors = false;
  for (const line of all) {
    if (line.trim() === "ERRORS") inErrors = true;
    else if (line.trim() === "FAILURES") inErrors = false;
    else if (inErrors) out.push(line);
  }
  return out.length > 0 ? out : undefined;
}

/**
 * bun prints a failing test's error before its "(fail)" line, and a timeout's note after it: the
 * lines since the previous result line, and the indented note lines that follow.
 */
function bunFailures(all: string[]): string[] | undefined {
  const out: string[] = [];
  let file = "";
  let block: string[] = [];
  let keepNote = false;
  for (const line of all) {
    // The recap after several files lists the failures again, without their errors.
    if (/^\d+ tests? (failed|skipped|todo):?$/.test(line.trim())) break;
    if (/^\S+\.[cm]?[jt]sx?:$/.test(line)) {
      file = line;
      block = [];
      keepNote = false;
    } else if (line.startsWith("(fail) ")) {
      out.push("", `${file} ${line}`, ...block);
      block = [];
      keepNote = true;
    } else if (/^\((pass|skip|todo)\) /.test(line)) {
      block = [];
      keepNote = false;
    } else if (keepNote && line.startsWith("  ")) {
      out.push(line);
    } else {
      keepNote = false;
      block.push(line);
    }
  }
  return out.length > 0 ? out : undefined;
}

/**
 * What a failed run printed about its failures: each failing test's name and error output, or,
 * when the runner never got to list them (it crashed), the last lines of its output.
 */
export function failureLines(runtime: TestRuntime, output: string): string[] {
  const all = lines(output);
  const found = runtime === "node" || runtime === "workerd"
    ? nodeFailures(all)
    : runtime === "deno"
    ? denoFailures(all)
    : bunFailures(all);
  if (found) return found;
  while (all.length > 0 && all[all.length - 1].trim() === "") all.pop();
  return all.slice(-CRASH_TAIL);
}
