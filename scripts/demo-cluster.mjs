#!/usr/bin/env node
// `npm run demo:cluster [-- --redis] [-- --ffmpeg "<ffmpeg input args>"] [-- --fps N]`: one camera
// process publishing on a bus, three edge processes (Node, Deno, Bun) serving viewers from it.
// Starts its own nats-server (or redis-server with --redis) on a free loopback port when the
// program is installed, and says how to install it when not. PORT (default 8001) is the first
// edge's port, the next two follow; PORT=0 gives each edge a free port. Ctrl+C stops everything.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureDeps } from "./ensure_deps.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = join(root, "node_modules", ".bin");
ensureDeps(root, "multipart-push demo:cluster");

const args = process.argv.slice(2);
const redis = args.includes("--redis");
const cameraArgs = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--ffmpeg" || args[i] === "--fps") cameraArgs.push(args[i], args[++i] ?? "");
  else if (args[i] !== "--redis") {
    console.error(
      `demo:cluster: unknown argument ${args[i]}\n` +
        'usage: npm run demo:cluster [-- --redis] [-- --fps N] [-- --ffmpeg "<ffmpeg input args>"]',
    );
    process.exit(2);
  }
}

const children = [];
function stopAll(code) {
  for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
  process.exit(code);
}
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => stopAll(0));

/** Starts a program, prefixing its output lines with `name`; resolves with its first line matching `ready`. */
function start(name, command, argv, ready, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, argv, { cwd: root, env: { ...process.env, ...env } });
    children.push(child);
    child.on("error", (error) => {
      if (error.code === "ENOENT" && name === "bus") {
        const program = redis ? "redis-server" : "nats-server";
        console.error(
          `demo:cluster: ${program} is not installed. On Debian or Ubuntu: ` +
            `sudo apt-get install ${program}; on macOS: brew install ${program}.`,
        );
      } else console.error(`demo:cluster: cannot start ${name}: ${error.message}`);
      stopAll(1);
    });
    child.on("exit", (code, signal) => {
      if (name !== "camera" || code !== 0) {
        console.error(`demo:cluster: ${name} exited (${signal ?? code}); stopping`);
        stopAll(1);
      }
    });
    let buffered = "";
    const read = (chunk) => {
      buffered += chunk;
      let newline;
      while ((newline = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (name !== "bus") console.log(`[${name}] ${line}`);
        const match = ready && line.match(ready);
        if (match) resolve(match);
      }
    };
    child.stdout.setEncoding("utf8").on("data", read);
    child.stderr.setEncoding("utf8").on("data", read);
    if (!ready) resolve(null);
  });
}

function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const busPort = await freePort();
const bus = redis ? `redis://127.0.0.1:${busPort}` : `nats://127.0.0.1:${busPort}`;
if (redis) {
  await start("bus", "redis-server", [
    "--port",
    String(busPort),
    "--bind",
    "127.0.0.1",
    "--save",
    "",
  ], /Ready to accept/);
} else {
  await start("bus", "nats-server", ["-a", "127.0.0.1", "-p", String(busPort)], /Server is ready/);
}
console.log(`demo:cluster: ${redis ? "redis-server" : "nats-server"} on ${bus}`);

const firstPort = Number(process.env.PORT ?? 8001);
const edges = [
  ["node", join(bin, "node"), []],
  ["deno", join(bin, "deno"), ["run", "-A"]],
  ["bun", join(bin, "bun"), []],
];
const urls = await Promise.all(
  edges.map(([name, command, pre], i) =>
    start(
      `edge ${name}`,
      command,
      [...pre, "examples/cluster/edge.ts", "--bus", bus],
      /Listening on (\S+)/,
      {
        PORT: String(firstPort === 0 ? 0 : firstPort + i),
      },
    ).then((match) => [name, match[1]])
  ),
);
await start("camera", join(bin, "node"), [
  "examples/cluster/camera.ts",
  "--bus",
  bus,
  ...cameraArgs,
]);
console.log("\nmultipart-push cluster demo: one camera, three edges (Ctrl+C to stop)");
for (const [name, url] of urls) console.log(`  ${name.padEnd(4)} edge: ${url}`);
