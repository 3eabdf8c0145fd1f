/**
 * The socket bench's PushHub on Node's own `node:http` through `multipart-push/node`'s
 * `sendResponse` (no fetch bridge). Same frames as bench/servers/hub_server.ts. Prints
 * `{"port","pid"}` once listening.
 *
 *   node bench/servers/hub_node_http.ts
 *
 * @module
 */

import { createServer } from "node:http";
import process from "node:process";
import { PushHub } from "../../lib/hub/mod.ts";
import { sendResponse } from "../../lib/node/mod.ts";
import { frameSettings, startFrames } from "./frames.ts";

const { size, fps } = frameSettings((name) => process.env[name]);
const hub = new PushHub();
startFrames(size, fps, (body) => hub.publish({ contentType: "image/jpeg", body }));
const server = createServer((_req, res) => void sendResponse(hub.response(), res));
server.listen({ port: 0, host: "127.0.0.1", backlog: 4096 }, () => {
  const address = server.address() as { port: number };
  console.log(JSON.stringify({ port: address.port, pid: process.pid }));
});
