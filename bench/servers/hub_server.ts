/**
 * The socket bench's server: a PushHub publishing 50 KB frames at 30 fps,
 * served by the runtime's own HTTP server (Deno.serve, Bun.serve, or
 * @hono/node-server on Node) on 127.0.0.1. Prints `{"port","pid"}` once listening.
 *
 *   deno run -A bench/servers/hub_server.ts | bun bench/servers/hub_server.ts | node bench/servers/hub_server.ts
 *
 * @module
 */

import process from "node:process";
import { PushHub } from "../../lib/hub/push_hub.ts";
import { frameSettings, startFrames } from "./frames.ts";

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

const { size, fps } = frameSettings((name) => process.env[name]);
const hub = new PushHub();
startFrames(size, fps, (body) => hub.publish({ contentType: "image/jpeg", body }));
const handler: Handler = (request) => hub.response(request);
const listening = (port: number): void => console.log(JSON.stringify({ port, pid: process.pid }));

const g = globalThis as { Deno?: DenoLike; Bun?: BunLike };
if (g.Deno) {
  g.Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: ({ port }) => listening(port) },
    handler,
  );
} else if (g.Bun) {
  // idleTimeout 0: Bun would drop a connection that a stalled client keeps quiet.
  listening(g.Bun.serve({ hostname: "127.0.0.1", port: 0, idleTimeout: 0, fetch: handler }).port);
} else {
  const { serve } = await import("@hono/node-server");
  serve({ fetch: handler, hostname: "127.0.0.1", port: 0 }, ({ port }) => listening(port));
}
