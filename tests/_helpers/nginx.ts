/**
 * Debian's nginx as a reverse proxy in front of a test server: started by the test on a random
 * loopback port, with its default `proxy_pass` settings (HTTP/1.0 to the upstream, buffering on),
 * from a throwaway prefix directory. node built-ins are loaded lazily (workerd has no
 * subprocesses).
 */
import { canSpawn } from "./runtime.ts";
import { freePort } from "./ports.ts";

/** Why nginx tests cannot run here, or undefined when they can. */
export const nginxSkipReason: string | undefined = canSpawn
  ? undefined
  : "skipped on workerd: no subprocesses";

/** A running nginx: its base URL (ends with "/") and a way to stop it. */
export interface Nginx {
  url: string;
  close(): Promise<void>;
}

/**
 * Start nginx proxying everything to `upstream` (a base URL such as `http://127.0.0.1:1234/`).
 *
 * @example
 * const proxy = await startNginx(server.url);
 * await fetch(proxy.url);
 * await proxy.close();
 */
export async function startNginx(upstream: string): Promise<Nginx> {
  const fsName = "node:fs/promises", cpName = "node:child_process", osName = "node:os";
  const fs = await import(fsName) as typeof import("node:fs/promises");
  const { spawn } = await import(cpName) as typeof import("node:child_process");
  const os = await import(osName) as typeof import("node:os");
  const prefix = await fs.mkdtemp(`${os.tmpdir()}/nginx-test-`);
  const port = await freePort();
  const conf = `daemon off;
master_process off;
worker_processes 1;
pid ${prefix}/nginx.pid;
error_log stderr error;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${prefix}/body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  server {
    listen 127.0.0.1:${port};
    location / { proxy_pass ${upstream}; }
  }
}
`;
  await fs.writeFile(`${prefix}/nginx.conf`, conf);
  const child = spawn("/usr/sbin/nginx", [
    "-p",
    prefix,
    "-c",
    `${prefix}/nginx.conf`,
    "-e",
    "stderr",
  ], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Uint8Array) => (stderr += new TextDecoder().decode(chunk)));
  const url = `http://127.0.0.1:${port}/`;
  const close = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGQUIT");
        setTimeout(() => child.kill("SIGKILL"), 2000);
      });
    }
    await fs.rm(prefix, { recursive: true, force: true });
  };
  // Ready once it accepts a connection.
  const end = Date.now() + 10_000;
  while (Date.now() < end) {
    if (child.exitCode !== null) break;
    try {
      const name = "node:net";
      const net = await import(name) as typeof import("node:net");
      await new Promise<void>((resolve, reject) => {
        const socket = net.connect(port, "127.0.0.1", () => {
          socket.destroy();
          resolve();
        });
        socket.once("error", reject);
      });
      return { url, close };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  await close();
  throw new Error(`nginx did not start: ${stderr}`);
}
