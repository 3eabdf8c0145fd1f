/**
 * Real bus servers for the bus adapter tests: Debian's `nats-server` and
 * `redis-server`, each started on random loopback ports and killed by the
 * test. node:child_process is loaded lazily (and under a non-literal name) so
 * that importing this file works on workerd, where the tests are skipped.
 */
import { canSpawn, runtime } from "./runtime.ts";

type ChildProcess = import("node:child_process").ChildProcess;

/** Why bus server tests cannot run here, or undefined when they can. */
export const busSkipReason: string | undefined = canSpawn
  ? undefined
  : `skipped on ${runtime}: no subprocesses, and the bus clients need node:net`;

/** A bus server the test started. */
export interface BusServer {
  /** The client port on 127.0.0.1. */
  port: number;
  /** Kills the server (SIGKILL: a crash, not a clean shutdown) and waits for it to exit. */
  kill(): Promise<void>;
  /** Starts it again on the same ports. */
  restart(): Promise<void>;
  /** Subscriptions the server holds on `subject` now (all clients). */
  subscriptions(subject: string): Promise<number>;
}

/**
 * Starts `command` and resolves once its output (stdout and stderr) matches
 * `ready`, with the output so far; kills it and rejects if it exits (all its
 * output read) first or is not ready in `timeoutMs`.
 */
export async function spawnUntil(
  command: string,
  args: string[],
  ready: RegExp,
  env?: Record<string, string>,
  timeoutMs = 20_000,
): Promise<{ child: ChildProcess; log: string }> {
  const name = "node:child_process";
  const { spawn } = await import(name) as typeof import("node:child_process");
  const child = spawn(command, args, {
    stdio: ["ignore", "pipe", "pipe"],
    env: env && { ...(await import("node:process")).env, ...env },
  });
  let log = "";
  return await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => fail(new Error(`${command} not ready in ${timeoutMs} ms:\n${log}`)),
      timeoutMs,
    );
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(error);
    };
    const read = (chunk: Uint8Array) => {
      log += new TextDecoder().decode(chunk);
      if (!ready.test(log)) return;
      clearTimeout(timer);
      child.stdout?.removeAllListeners("data");
      child.stderr?.removeAllListeners("data");
      // Keep draining the pipes so a chatty server never blocks on a full pipe.
      child.stdout?.resume();
      child.stderr?.resume();
      resolve({ child, log });
    };
    child.stdout?.on("data", read);
    child.stderr?.on("data", read);
    child.once("error", (error) => fail(new Error(`cannot start ${command}: ${error.message}`)));
    // "close", not "exit": a child's exit can be reported before its last output is read (Deno,
    // under load: "camera: published 30 frames" came after the exit and failed a ready child).
    child.once(
      "close",
      (code) => fail(new Error(`${command} exited (${code}) before ready:\n${log}`)),
    );
  });
}

/** A function that SIGKILLs the process `get()` returns (if still running) and waits for its exit. */
export function killer(get: () => ChildProcess | undefined): () => Promise<void> {
  return async () => {
    const child = get();
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  };
}

/** `nats-server` on random loopback ports; `subscriptions()` asks its monitoring `/connz?subs=1`. */
export interface NatsServer extends BusServer {
  /** `127.0.0.1:PORT`, for `connect({ servers })`. */
  url: string;
  /** `ws://127.0.0.1:PORT`, for `wsconnect({ servers })` (no TLS: loopback only). */
  wsUrl: string;
}

/**
 * The config file of a websocket listener on `port` (-1: random) without TLS, written to a
 * fresh temporary folder; `remove()` deletes it once the server has read it.
 */
async function websocketConfig(port: number): Promise<{ path: string; remove(): Promise<void> }> {
  const [fs, os, path] = ["node:fs/promises", "node:os", "node:path"];
  const { mkdtemp, rm, writeFile } = await import(fs) as typeof import("node:fs/promises");
  const { tmpdir } = await import(os) as typeof import("node:os");
  const { join } = await import(path) as typeof import("node:path");
  const dir = await mkdtemp(join(tmpdir(), "nats-ws-"));
  const file = join(dir, "nats.conf");
  await writeFile(file, `websocket {\n  host: "127.0.0.1"\n  port: ${port}\n  no_tls: true\n}\n`);
  return { path: file, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Starts `nats-server` on 127.0.0.1 with random client, websocket and monitoring ports. */
export async function startNats(): Promise<NatsServer> {
  // A killed server's sockets are closed by the kernel, so clients notice at once without pings.
  const start = async (port: number, monitor: number, ws: number) => {
    const config = await websocketConfig(ws);
    const args = ["-a", "127.0.0.1", "-p", String(port), "-m", String(monitor), "-c", config.path];
    try {
      return await spawnUntil("nats-server", args, /Server is ready/);
    } finally {
      await config.remove();
    }
  };
  const first = await start(-1, -1, -1);
  let child: ChildProcess | undefined = first.child;
  const port = Number(/client connections on 127\.0\.0\.1:(\d+)/.exec(first.log)?.[1]);
  const monitor = Number(/http monitor on 127\.0\.0\.1:(\d+)/.exec(first.log)?.[1]);
  const ws = Number(/websocket clients on ws:\/\/127\.0\.0\.1:(\d+)/.exec(first.log)?.[1]);
  if (!port || !monitor || !ws) {
    await killer(() => child)();
    throw new Error(`nats-server printed no ports:\n${first.log}`);
  }
  return {
    port,
    url: `127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${ws}`,
    kill: killer(() => child),
    async restart() {
      child = (await start(port, monitor, ws)).child;
    },
    async subscriptions(subject) {
      const response = await fetch(`http://127.0.0.1:${monitor}/connz?subs=1`);
      const connz = await response.json() as { connections?: { subscriptions_list?: string[] }[] };
      let count = 0;
      for (const connection of connz.connections ?? []) {
        for (const subscribed of connection.subscriptions_list ?? []) {
          if (subscribed === subject) count++;
        }
      }
      return count;
    },
  };
}

/** A free loopback port: the kernel picks one for a moment's listener, which is then closed. */
async function freePort(): Promise<number> {
  const name = "node:net";
  const { createServer } = await import(name) as typeof import("node:net");
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** `redis-server` on a random loopback port, without persistence; `subscriptions()` is `PUBSUB NUMSUB`. */
export interface RedisServer extends BusServer {
  /** `redis://127.0.0.1:PORT`, for `createClient({ url })`. */
  url: string;
}

/** Starts `redis-server` on 127.0.0.1 on a free port, saving nothing to disk. */
export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];
  const start = async () =>
    (await spawnUntil("redis-server", args, /Ready to accept connections/)).child;
  let child: ChildProcess | undefined = await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill: killer(() => child),
    async restart() {
      child = await start();
    },
    async subscriptions(channel) {
      const name = "node:child_process";
      const { execFile } = await import(name) as typeof import("node:child_process");
      const out = await new Promise<string>((resolve, reject) =>
        execFile(
          "redis-cli",
          ["-p", String(port), "PUBSUB", "NUMSUB", channel],
          (error, stdout) => error ? reject(error) : resolve(String(stdout)),
        )
      );
      // redis-cli prints the channel, then its count, one per line.
      return Number(out.trim().split("\n")[1]);
    },
  };
}

/** Polls the async `check` every 20 ms until it holds; fails after `ms`, saying `what`. */
export async function untilAsync(
  check: () => Promise<boolean>,
  ms: number,
  what: string,
): Promise<void> {
  const end = performance.now() + ms;
  while (!(await check())) {
    if (performance.now() > end) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
