/**
 * npm `mjpeg-server` as its README and example use it: a `node:http` server, one request handler
 * per viewer, and one timer per viewer writing the latest frame at the frame rate. Same frame
 * source as the hub servers. Prints `{"port","pid"}`.
 *
 *   node bench/peers/mjpeg_server.ts
 *
 * @module
 */

import { createServer } from "node:http";
import process from "node:process";
import mjpegServer from "mjpeg-server";
import { frameSettings, startFrames } from "../servers/frames.ts";

const { size, fps } = frameSettings((name) => process.env[name]);
let latest: Uint8Array | undefined;
startFrames(size, fps, (frame) => (latest = frame));

const server = createServer((req, res) => {
  const handler = mjpegServer.createReqHandler(req, res);
  const timer = setInterval(() => {
    if (latest) handler.write(latest);
  }, 1000 / fps);
  res.on("close", () => clearInterval(timer));
});
server.listen({ port: 0, host: "127.0.0.1", backlog: 4096 }, () => {
  const address = server.address() as { port: number };
  console.log(JSON.stringify({ port: address.port, pid: process.pid }));
});
