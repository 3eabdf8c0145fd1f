/**
 * Serve a fetch handler on 127.0.0.1 with the runtime's own HTTP server, so tests exercise the
 * real wire: Deno.serve, Bun.serve, @hono/node-server on Node, and workerd's HTTP server (the
 * test worker is exposed on loopback sockets and fetches itself through them).
 *
 * This is the only test file that may touch runtime-specific globals.
 *
 * @example
 * ```ts
 * import { serve } from "./_helpers/serve.ts";
 *
 * const server = await serve(() => new Response("hi"));
 * try {
 *   console.log(await (await fetch(server.url)).text()); // "hi"
 * } finally {
 *   await server.close();
 * }
 * ```
 * @module
 */
import { runtime } from "./runtime.ts";

/**
 * What a handler may do besides answering. On workerd this is the real ExecutionContext: a
 * client disconnect tears the request's context down at once (timers and promises of that
 * request never settle) unless `waitUntil` keeps it alive, exactly as in a deployed Worker.
 * On Deno, Bun and Node the process keeps running anyway, so `waitUntil` does nothing there.
 */
export type ServeContext = { waitUntil(promise: Promise<unknown>): void };

/** A fetch handler as the four servers call it. */
export type Handler = (req: Request, ctx: ServeContext) => Response | Promise<Response>;

const processContext: ServeContext = { waitUntil: () => {} };

/** A running server: its base URL (ends with "/") and a way to stop it. */
export type Served = { url: string; close(): Promise<void> };

/** What tests/_harness/worker.ts puts on globalThis inside workerd. */
export type WorkerdServeHost = { listen(handler: Handler): Served };

/** The globalThis key under which the workerd harness publishes its {@link WorkerdServeHost}. */
export const WORKERD_SERVE_HOST: symbol = Symbol.for("multipart-push.workerd-serve-host");

// Graceful shutdown waits for open responses; a push that a test leaves running must not hang
// close() forever.
const CLOSE_GRACE_MS = 2000;

type DenoLike = {
  serve(
    options: { hostname: string; port: number; onListen(addr: { port: number }): void },
    handler: Handler,
  ): { addr: { port: number }; shutdown(): Promise<void> };
};
type BunLike = {
  serve(options: { hostname: string; port: number; idleTimeout: number; fetch: Handler }): {
    port: number;
    stop(closeActiveConnections: boolean): Promise<void>;
  };
};
type NodeServer = {
  close(cb: (err?: Error) => void): void;
  closeAllConnections(): void;
  once(event: "error", cb: (err: Error) => void): void;
};
type HonoNodeServer = {
  serve(
    options: {
      fetch: Handler;
      port: number;
      hostname: string;
      overrideGlobalObjects: boolean;
    },
    listening: (info: { port: number }) => void,
  ): NodeServer;
};

function withGrace(done: Promise<void>): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const grace = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, CLOSE_GRACE_MS);
  });
  return Promise.race([done, grace]).finally(() => clearTimeout(timer));
}

function serveDeno(handler: Handler): Promise<Served> {
  const deno = (globalThis as unknown as { Deno: DenoLike }).Deno;
  return new Promise((resolve) => {
    const server = deno.serve({
      hostname: "127.0.0.1",
      port: 0,
      onListen: ({ port }) =>
        resolve({
          url: `http://127.0.0.1:${port}/`,
          close: () => withGrace(server.shutdown()),
        }),
    }, (req) => handler(req, processContext));
  });
}

function serveBun(handler: Handler): Promise<Served> {
  const bun = (globalThis as unknown as { Bun: BunLike }).Bun;
  // idleTimeout 0: Bun would otherwise drop a push that is quiet for 10 s.
  const server = bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 0,
    fetch: (req) => handler(req, processContext),
  });
  return Promise.resolve({
    url: `http://127.0.0.1:${server.port}/`,
    close: () => server.stop(true),
  });
}

async function serveNode(handler: Handler): Promise<Served> {
  const hono = (await import("@hono/node-server")) as unknown as HonoNodeServer;
  return new Promise((resolve, reject) => {
    // overrideGlobalObjects false: the default swaps globalThis.Request/Response for the rest of
    // the test file, which would make tests depend on whether a server was started before them.
    const server = hono.serve({
      fetch: (req) => handler(req, processContext),
      port: 0,
      hostname: "127.0.0.1",
      overrideGlobalObjects: false,
    }, ({ port }) =>
      resolve({
        url: `http://127.0.0.1:${port}/`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      }));
    server.once("error", reject);
  });
}

function serveWorkerd(handler: Handler): Promise<Served> {
  const host = (globalThis as Record<symbol, unknown>)[WORKERD_SERVE_HOST] as
    | WorkerdServeHost
    | undefined;
  if (!host) {
    throw new Error("serve() in workerd needs the harness: node scripts/test-workerd.mjs <file>");
  }
  return Promise.resolve(host.listen(handler));
}

/**
 * Start the runtime's real HTTP server on 127.0.0.1 with a random port.
 *
 * @param handler called for every request, like a Worker's `fetch` export, with a
 *   {@link ServeContext} second argument.
 * @returns the base URL (`http://127.0.0.1:PORT/`) and `close()`, which stops the server and
 *   gives open responses at most 2 s to finish.
 * @example
 * ```ts
 * import { serve } from "./_helpers/serve.ts";
 *
 * const { url, close } = await serve(() => new Response("ok"));
 * await (await fetch(url)).text();
 * await close();
 * ```
 */
export function serve(handler: Handler): Promise<Served> {
  switch (runtime) {
    case "deno":
      return serveDeno(handler);
    case "bun":
      return serveBun(handler);
    case "node":
      return serveNode(handler);
    case "workerd":
      return serveWorkerd(handler);
  }
}

/** Serves `handler` for the length of `check`, then closes the server whatever happened. */
export async function served(
  handler: Handler,
  check: (url: string) => Promise<void>,
): Promise<void> {
  const server = await serve(handler);
  try {
    await check(server.url);
  } finally {
    await server.close();
  }
}

/**
 * A server for browser tests: each of `pages` (path → HTML, or a function giving it when asked)
 * as `text/html`, `/stream` answered by `stream(request)`, anything else 404 (a favicon).
 *
 * @example
 * ```ts ignore
 * const server = await servePages({ "/": `<img src="/stream">` }, (request) => push(request));
 * ```
 */
export function servePages(
  pages: Record<string, string | (() => string)>,
  stream: (request: Request) => Response,
): Promise<Served> {
  return serve((request) => {
    const path = new URL(request.url).pathname;
    if (path === "/stream") return stream(request);
    const page = Object.hasOwn(pages, path) ? pages[path] : undefined;
    if (page === undefined) return new Response("", { status: 404 });
    return new Response(typeof page === "function" ? page() : page, {
      headers: { "content-type": "text/html" },
    });
  });
}

/** A certificate and its key, PEM. */
export type Tls = { cert: string; key: string };

type Http2Like = {
  createSecureServer(
    options: Tls & { allowHTTP1: boolean },
    listener: (req: NodeRequestLike, res: NodeResponseLike) => void,
  ): Http2Server;
};
type Http2Server = {
  close(cb: () => void): void;
  listen(port: number, host: string, cb: () => void): void;
  address(): { port: number };
  on(event: "session", cb: (session: { destroy(): void }) => void): void;
};
type NodeRequestLike = {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  on(event: "close", cb: () => void): void;
};
type NodeResponseLike = {
  writeHead(status: number, headers: Record<string, string>): void;
  write(chunk: Uint8Array, cb: () => void): boolean;
  end(): void;
  destroy(): void;
  on(event: "close", cb: () => void): void;
};

/** Node: `http2.createSecureServer` (HTTP/2 by ALPN, HTTP/1.1 allowed) bridged to a fetch handler. */
async function serveNodeTls(handler: Handler, tls: Tls): Promise<Served> {
  const name = "node:http2";
  const http2 = await import(name) as unknown as Http2Like;
  const server = http2.createSecureServer({ ...tls, allowHTTP1: true }, async (req, res) => {
    const gone = new AbortController();
    res.on("close", () => gone.abort());
    const headers = new Headers();
    for (const [key, value] of Object.entries(req.headers)) {
      if (!key.startsWith(":") && value !== undefined) headers.set(key, String(value));
    }
    const host = String(req.headers[":authority"] ?? req.headers.host);
    const request = new Request(`https://${host}${req.url}`, {
      method: req.method,
      headers,
      signal: gone.signal,
    });
    const response = await handler(request, processContext);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    const reader = response.body?.getReader();
    gone.signal.addEventListener("abort", () => void reader?.cancel().catch(() => {}));
    try {
      while (reader) {
        const { value, done } = await reader.read();
        if (done) break;
        await new Promise<void>((resolve) => res.write(value, resolve));
      }
      res.end();
    } catch {
      res.destroy();
    }
  });
  const sessions = new Set<{ destroy(): void }>();
  server.on("session", (session) => sessions.add(session));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `https://127.0.0.1:${server.address().port}/`,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        for (const session of sessions) session.destroy();
      }),
  };
}

/**
 * Serve `handler` over TLS on 127.0.0.1, where the runtime's server negotiates HTTP/2 by ALPN:
 * `Deno.serve` with a certificate, and Node's `http2.createSecureServer`. Bun.serve negotiates no
 * HTTP/2, and workerd's test harness serves plain HTTP only.
 *
 * @example
 * ```ts ignore
 * const server = await serveTls(handler, { cert, key }); // server.url is https://127.0.0.1:PORT/
 * ```
 */
export function serveTls(handler: Handler, tls: Tls): Promise<Served> {
  if (runtime === "node") return serveNodeTls(handler, tls);
  if (runtime !== "deno") throw new Error(`serveTls: no HTTP/2 server on ${runtime}`);
  const deno = (globalThis as unknown as {
    Deno: {
      serve(
        options: Tls & { hostname: string; port: number; onListen(addr: { port: number }): void },
        handler: Handler,
      ): { shutdown(): Promise<void> };
    };
  }).Deno;
  return new Promise((resolve) => {
    const server = deno.serve({
      ...tls,
      hostname: "127.0.0.1",
      port: 0,
      onListen: ({ port }) =>
        resolve({ url: `https://127.0.0.1:${port}/`, close: () => withGrace(server.shutdown()) }),
    }, (req) => handler(req, processContext));
  });
}
