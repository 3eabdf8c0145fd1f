/**
 * Serves a fetch handler with the runtime's own HTTP server (Deno.serve, Bun.serve, or
 * @hono/node-server on Node) on 127.0.0.1, and prints `{"port","pid"}` once listening: how every
 * web-standard socket-bench server (bench/servers/hub_server.ts, bench/peers/web_stream_server.ts)
 * starts.
 *
 * @module
 */

import process from "node:process";

type Handler = (request: Request) => Response;
type DenoLike = {
  serve(
    options: { hostname: string; port: number; onListen(addr: { port: number }): void },
    handler: Handler,
  ): unknown;
};
type BunLike = {
  serve(options: { hostname: string; port: number; idleTimeout: number; fetch: Handler }): {
    port: number;
  };
};

/** Starts the runtime's server for `handler` and prints its port and the process id. */
export async function serveFetch(handler: Handler): Promise<void> {
  const listening = (port: number): void => console.log(JSON.stringify({ port, pid: process.pid }));
  const g = globalThis as { Deno?: DenoLike; Bun?: BunLike };
  if (g.Deno) {
    g.Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: ({ port }) => listening(port) },
      handler,
    );
  } else if (g.Bun) {
    // idleTimeout 0: Bun would drop a connection that a stalled client keeps quiet.
    listening(
      g.Bun.serve({ hostname: "127.0.0.1", port: 0, idleTimeout: 0, fetch: handler }).port,
    );
  } else {
    const { serve } = await import("@hono/node-server");
    serve({ fetch: handler, hostname: "127.0.0.1", port: 0 }, ({ port }) => listening(port));
  }
}
