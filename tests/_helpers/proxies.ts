/**
 * The proxies users put in front of a push, as the doctor's tests meet them: Debian's HAProxy and
 * Caddy started on a loopback port with a config written by the test, and a TCP proxy made here
 * that holds the server's bytes until it has 256 KB before passing them on (what a buffering
 * tunnel or corporate proxy does). node built-ins are loaded lazily (workerd has no subprocesses).
 */
import { canSpawn } from "./runtime.ts";
import { freePort } from "./ports.ts";
import { concatBytes } from "../../lib/shared/bytes.ts";

/** Why these proxies cannot run here, or undefined when they can. */
export const proxySkipReason: string | undefined = canSpawn
  ? undefined
  : "skipped on workerd: no subprocesses";

/** A running proxy: its base URL (ends with "/") and a way to stop it. */
export interface Proxy {
  url: string;
  close(): Promise<void>;
}

type ChildProcess = import("node:child_process").ChildProcess;

async function node() {
  const [fs, cp, os, net] = ["node:fs/promises", "node:child_process", "node:os", "node:net"];
  return {
    fs: await import(fs) as typeof import("node:fs/promises"),
    cp: await import(cp) as typeof import("node:child_process"),
    os: await import(os) as typeof import("node:os"),
    net: await import(net) as typeof import("node:net"),
  };
}

/** Starts `command` with a config file holding `config`; ready once `port` accepts. */
async function startProcess(
  command: string,
  args: (file: string) => string[],
  config: string,
  port: number,
): Promise<Proxy> {
  const { fs, cp, os, net } = await node();
  const dir = await fs.mkdtemp(`${os.tmpdir()}/proxy-test-`);
  const file = `${dir}/config`;
  await fs.writeFile(file, config);
  const child: ChildProcess = cp.spawn(command, args(file), {
    stdio: ["ignore", "ignore", "pipe"],
    env: { HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir, PATH: "/usr/bin:/usr/sbin:/bin" },
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Uint8Array) => (stderr += new TextDecoder().decode(chunk)));
  const close = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 2000);
      });
    }
    await fs.rm(dir, { recursive: true, force: true });
  };
  const end = Date.now() + 10_000;
  while (Date.now() < end && child.exitCode === null) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (up) return { url: `http://127.0.0.1:${port}/`, close };
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  await close();
  throw new Error(`${command} did not start: ${stderr}`);
}

/** Debian's HAProxy in front of `upstream` (host:port), with `option http-no-delay` or not. */
export async function startHaproxy(upstream: string, noDelay: boolean): Promise<Proxy> {
  const port = await freePort();
  const config = `global\n  maxconn 50\ndefaults\n  mode http\n  timeout connect 5s\n` +
    `  timeout client 60s\n  timeout server 60s\n${noDelay ? "  option http-no-delay\n" : ""}` +
    `frontend f\n  bind 127.0.0.1:${port}\n  default_backend b\n` +
    `backend b\n  server s ${upstream}\n`;
  return await startProcess("/usr/sbin/haproxy", (file) => ["-f", file, "-db"], config, port);
}

/** Debian's Caddy `reverse_proxy` in front of `upstream` (host:port), with `directives` first. */
export async function startCaddy(upstream: string, directives = ""): Promise<Proxy> {
  const port = await freePort();
  const config = `{\n  admin off\n  auto_https off\n}\nhttp://127.0.0.1:${port} {\n` +
    `  ${directives}\n  reverse_proxy ${upstream}\n}\n`;
  const args = (file: string) => ["run", "--config", file, "--adapter", "caddyfile"];
  return await startProcess("/usr/bin/caddy", args, config, port);
}

/** One pass of held bytes to the client: how many, and when. */
export interface Release {
  bytes: number;
  /** Milliseconds since the proxy accepted the connection. */
  at: number;
}

/** The holding proxy, with what it let out: one list of releases per connection, in order. */
export interface HoldingProxy extends Proxy {
  releases: Release[][];
}

/**
 * A TCP proxy to `upstream` (host:port) that passes the client's bytes at once but holds the
 * server's until `hold` bytes are waiting, then passes them all (and the rest when the server
 * ends): a buffering hop that knows nothing of HTTP. It records each release, so a test can
 * compare what the doctor saw with what was let out, whatever the machine's load.
 */
export async function startHoldingProxy(upstream: string, hold: number): Promise<HoldingProxy> {
  const { net } = await node();
  const [host, port] = [upstream.slice(0, upstream.lastIndexOf(":")), upstream.split(":").at(-1)];
  const sockets = new Set<import("node:net").Socket>();
  const releases: Release[][] = [];
  const server = net.createServer((client) => {
    const server = net.connect(Number(port), host);
    sockets.add(client).add(server);
    const released: Release[] = [], accepted = performance.now();
    releases.push(released);
    let held: Uint8Array[] = [], size = 0;
    const flush = (): void => {
      if (size > 0) {
        released.push({ bytes: size, at: performance.now() - accepted });
        client.write(concatBytes(held));
      }
      held = [];
      size = 0;
    };
    client.on("data", (chunk: Uint8Array) => server.write(chunk));
    server.on("data", (chunk: Uint8Array) => {
      held.push(chunk);
      size += chunk.length;
      if (size >= hold) flush();
    });
    server.on("end", () => (flush(), client.end()));
    for (const [a, b] of [[client, server], [server, client]]) {
      a.on("error", () => b.destroy());
      a.on("close", () => (b.destroy(), sockets.delete(a)));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as import("node:net").AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}/`,
    releases,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
