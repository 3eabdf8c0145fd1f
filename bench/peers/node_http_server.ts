/**
 * The peer a user would write instead of a hub: a plain `node:http` server
 * with a `res.write()` loop per client, each write a fresh
 * `Buffer.concat([headers, frame, delimiter])` of the latest frame. Same frame
 * source and rate as bench/servers/hub_server.ts. Prints `{"port","pid"}`.
 *
 *   node bench/peers/node_http_server.ts
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { createServer } from "node:http";
import process from "node:process";
import { frameSettings, startFrames } from "../servers/frames.ts";

const BOUNDARY = "peerboundary0123456789abcdef";
const { size, fps } = frameSettings((name) => process.env[name]);
let latest: Uint8Array | undefined;
startFrames(size, fps, (frame) => (latest = frame));

const server = createServer((_req, res) => {
  res.writeHead(200, { "Content-Type": `multipart/x-mixed-replace;boundary=${BOUNDARY}` });
  res.write(`--${BOUNDARY}\r\n`);
  const timer = setInterval(() => {
    if (!latest) return;
    const head = `Content-Type: image/jpeg\r\nContent-Length: ${latest.byteLength}\r\n\r\n`;
    res.write(Buffer.concat([Buffer.from(head), latest, Buffer.from(`\r\n--${BOUNDARY}\r\n`)]));
  }, 1000 / fps);
  res.on("close", () => clearInterval(timer));
});
server.listen(0, "127.0.0.1", () => {
  const address = server.address() as { port: number };
  console.log(JSON.stringify({ port: address.port, pid: process.pid }));
});
