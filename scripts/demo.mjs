#!/usr/bin/env node
// `npm run demo [-- --ffmpeg "<ffmpeg input args>"] [-- --fps N]`: the live demo on Deno, so Node
// is the only thing needed beforehand. The environment is passed on: PORT (default 8000), HOST
// (default 127.0.0.1), NATS_URL, PUBLISH_TOKEN and STREAM_SECRET (examples/demo/main.ts).
//
// With the devDependencies installed (`npm install`, or `npm test` once), it runs the Deno from
// node_modules. Without them it fetches only what the demo needs: the `deno` npm package at the
// lockfile's version (into node_modules/.cache/, which `npm install` leaves alone), and Deno
// fetches the demo's npm imports (jpeg-js; the NATS client with NATS_URL) at the lockfile's
// versions into its own cache.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const windows = process.platform === "win32";
const who = "multipart-push demo";

/** The lockfile's version of `name`, so the demo runs what the tests run. */
function locked(name) {
  const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8"));
  const version = lock.packages[`node_modules/${name}`]?.version;
  if (!version) throw new Error(`${name} is not in package-lock.json`);
  return version;
}

/** How to start Deno: the devDependency, or a demo-only install of the `deno` package. */
function deno() {
  const installed = join(root, "node_modules", ".bin", windows ? "deno.cmd" : "deno");
  if (existsSync(installed) && existsSync(join(root, "node_modules", "jpeg-js"))) {
    return { command: installed, flags: [], env: {} };
  }
  const cache = join(root, "node_modules", ".cache", "multipart-push-demo");
  const version = locked("deno");
  const api = join(cache, "node_modules", "deno", "install_api.cjs");
  const manifest = join(cache, "node_modules", "deno", "package.json");
  const have = existsSync(manifest) && JSON.parse(readFileSync(manifest, "utf8")).version;
  if (have !== version) {
    console.log(`${who}: fetching Deno ${version} alone (\`npm install\` gets what the tests use)`);
    mkdirSync(cache, { recursive: true });
    const npm = spawnSync(windows ? "npm.cmd" : "npm", [
      "install",
      "--prefix",
      cache,
      "--no-save",
      "--no-package-lock",
      "--no-audit",
      "--no-fund",
      "--loglevel=error",
      `deno@${version}`,
    ], { stdio: "inherit", shell: windows });
    if (npm.status !== 0) {
      console.error(`${who}: npm install deno@${version} failed; see above.`);
      process.exit(1);
    }
  }
  // The platform binary itself (the package's bin is a Node shim that would not pass signals on).
  const command = createRequire(import.meta.url)(api).runInstall();
  // The demo's imports, pinned: without the package.json, Deno does not resolve every
  // devDependency. Deno fetches each only when imported (the NATS clients with NATS_URL).
  const imports = {};
  for (const name of ["jpeg-js", "@nats-io/nats-core", "@nats-io/transport-node"]) {
    imports[name] = `npm:${name}@${locked(name)}`;
  }
  const importMap = join(cache, "import_map.json");
  writeFileSync(importMap, JSON.stringify({ imports }));
  return {
    command,
    flags: ["--no-config", "--node-modules-dir=none", "--import-map", importMap],
    env: { DENO_NO_PACKAGE_JSON: "1" },
  };
}

const args = process.argv.slice(2);
const permissions = ["--allow-net", "--allow-env"];
// Only the --ffmpeg path starts a subprocess; the default path needs no more than the network.
if (args.includes("--ffmpeg")) permissions.push("--allow-run=ffmpeg");

const { command, flags, env } = deno();
const child = spawn(command, ["run", ...permissions, ...flags, "examples/demo/main.ts", ...args], {
  cwd: root,
  env: { ...process.env, ...env },
  stdio: "inherit",
  shell: windows && command.endsWith(".cmd"),
});
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => child.kill(signal));
}
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
