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
import { serveFetch } from "./serve_fetch.ts";

const { size, fps } = frameSettings((name) => process.env[name]);
const hub = new PushHub();
startFrames(size, fps, (body) => hub.publish({ contentType: "image/jpeg", body }));
await serveFetch((request) => hub.response(request));
