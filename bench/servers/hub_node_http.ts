/**
 * The socket bench's PushHub on Node's own `node:http` through `multipart-push/node`'s
 * `sendResponse` (no fetch bridge). Same frames as bench/servers/hub_server.ts. Prints
 * `{"port","pid"}` once listening. With `BENCH_LIB=dist` it imports the built package
 * (`npm run build`: the JavaScript npm ships, what a Node user runs) instead of the `.ts`
 * sources through Node's type stripping (measured: 17 MiB less RSS at 200 viewers, 4 MiB at
 * 1,000).
 *
 *   node bench/servers/hub_node_http.ts
 *   BENCH_LIB=dist node bench/servers/hub_node_http.ts
 *
 * @module
 */

import { createServer } from "node:http";
import process from "node:process";
import { frameSettings, startFrames } from "./frames.ts";

// A computed specifier, so type checks do not need dist/ to exist.
const [from, ext] = process.env.BENCH_LIB === "dist"
  ? ["../../dist/lib", "js"]
  : ["../../lib", "ts"];
const { PushHub } = await import(`${from}/hub/mod.${ext}`) as typeof import("../../lib/hub/mod.ts");
const { sendResponse } = await import(
  `${from}/node/mod.${ext}`
) as typeof import("../../lib/node/mod.ts");

const { size, fps } = frameSettings((name) => process.env[name]);
const hub = new PushHub();
startFrames(size, fps, (body) => hub.publish({ contentType: "image/jpeg", body }));
const server = createServer((_req, res) => void sendResponse(hub.response(), res));
server.listen({ port: 0, host: "127.0.0.1", backlog: 4096 }, () => {
  const address = server.address() as { port: number };
  console.log(JSON.stringify({ port: address.port, pid: process.pid }));
});
