#!/usr/bin/env node
// Prints what scripts/test.sh shows of one runtime's test run (its whole output stays in LOG):
//
//   node scripts/test-report.mjs RUNTIME LOG RC     (RUNTIME: node, deno, bun or workerd)
//
// On failure each failing test's name and error output (or, if the run crashed before listing
// them, the end of its output), then the runner's closing lines.
// The cutting lives in tests/_harness/report.ts, checked by tests/harness/outcomes.test.ts.
import { readFileSync } from "node:fs";
import { closingLines, failureLines } from "../tests/_harness/report.ts";

const MAX_LINES = 400; // a failure report longer than this is cut; the log has it all

const [runtime, log, rc] = process.argv.slice(2);
const output = readFileSync(log, "utf8");
const indent = (line) => (line === "" ? "" : `    ${line}`);
if (Number(rc) !== 0) {
  const failures = failureLines(runtime, output);
  for (const line of failures.slice(0, MAX_LINES)) console.log(indent(line));
  if (failures.length > MAX_LINES) {
    console.log(`    ... ${failures.length - MAX_LINES} more lines in ${log}`);
  }
}
// Unindented: CI reads the runners' own closing lines (ℹ pass N, N pass, ok | N passed).
for (const line of closingLines(runtime, output)) console.log(line);
