#!/usr/bin/env node
// `npm run demo [-- --ffmpeg "<ffmpeg input args>"] [-- --fps N]`: the live demo on Deno, from the
// `deno` npm package, so Node is the only thing needed beforehand. Installs dependencies first
// when node_modules is missing. PORT (default 8000) and HOST (default 127.0.0.1) are passed on.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const windows = process.platform === "win32";
const deno = join(root, "node_modules", ".bin", windows ? "deno.cmd" : "deno");

if (!existsSync(deno)) {
  console.log("multipart-push demo: installing dependencies (npm install) ...");
  const npm = spawnSync(windows ? "npm.cmd" : "npm", ["install"], {
    cwd: root,
    stdio: "inherit",
    shell: windows,
  });
  if (npm.status !== 0 || !existsSync(deno)) {
    console.error("multipart-push demo: npm install failed; see above.");
    process.exit(1);
  }
}

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
