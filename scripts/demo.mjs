#!/usr/bin/env node
// `npm run demo [-- --ffmpeg "<ffmpeg input args>"] [-- --fps N]`: the live demo on Deno, from the
// `deno` npm package, so Node is the only thing needed beforehand. Installs dependencies first
// when node_modules is missing. PORT (default 8000) and HOST (default 127.0.0.1) are passed on.
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureDeps } from "./ensure_deps.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const windows = process.platform === "win32";
const deno = join(root, "node_modules", ".bin", windows ? "deno.cmd" : "deno");

ensureDeps(root, "multipart-push demo");

const args = process.argv.slice(2);
const permissions = ["--allow-net", "--allow-env"];
// Only the --ffmpeg path starts a subprocess; the default path needs no more than the network.
if (args.includes("--ffmpeg")) permissions.push("--allow-run=ffmpeg");

const child = spawn(deno, ["run", ...permissions, "examples/demo/main.ts", ...args], {
  cwd: root,
  stdio: "inherit",
  shell: windows,
});
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => child.kill(signal));
}
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
