#!/usr/bin/env node
/**
 * The `multipart-push` program (package.json "bin"): `npx multipart-push doctor <url>`,
 * `npx multipart-push demo`. Runs on plain Node from the packed package, with no dependency.
 *
 * @module
 */

import { runCli } from "./commands.ts";

interface NodeProcess {
  argv: string[];
  exitCode?: number | string | undefined;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  once(signal: "SIGINT" | "SIGTERM", listener: () => void): unknown;
}

const name = "node:process";
const { default: process } = await import(name) as { default: NodeProcess };
const stop = new Promise<void>((resolve) => {
  process.once("SIGINT", resolve);
  process.once("SIGTERM", resolve);
});
process.exitCode = await runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  stop,
});
