#!/usr/bin/env node
// Prints each runtime's pass/fail/skip counts and the total, from the logs scripts/test.sh keeps:
//
//   node scripts/test-totals.mjs LOG_DIR   (LOG_DIR/<runtime>.log and LOG_DIR/<runtime>.rc)
//
// The parsing lives in tests/_harness/totals.ts, which tests/harness/harness.test.ts checks
// against real runs of every runtime's harness.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { countRun } from "../tests/_harness/totals.ts";

const dir = process.argv[2];
const total = { pass: 0, fail: 0, skip: 0 };
for (const runtime of ["node", "deno", "bun", "workerd"]) {
  const log = join(dir, `${runtime}.log`);
  if (!existsSync(log)) continue;
  const rcFile = join(dir, `${runtime}.rc`);
  const rc = existsSync(rcFile) ? Number(readFileSync(rcFile, "utf8").trim()) : 1;
  const c = countRun(runtime, readFileSync(log, "utf8"), rc);
  const note = c.summary ? "" : " (no summary: the run crashed, counted as 1 failure)";
  console.log(`${runtime}: ${c.pass} passed, ${c.fail} failed, ${c.skip} skipped${note}`);
  total.pass += c.pass;
  total.fail += c.fail;
  total.skip += c.skip;
}
console.log(`total: ${total.pass} passed, ${total.fail} failed, ${total.skip} skipped`);
