/**
 * The socket bench's floor: a raw `node:net` server, no HTTP library. Each frame is framed once
 * into one buffer (delimiter, headers, body) and that same buffer is written to every socket; a
 * socket whose previous frame is still queued skips this one (latest frame wins, as in
 * `multipart/x-mixed-replace`). Same frame source as the hub servers. Prints `{"port","pid"}`.
 *
 *   node bench/peers/net_floor.ts
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { createServer, type Socket } from "node:net";
import process from "node:process";
import { frameSettings, startFrames } from "../servers/frames.ts";

const BOUNDARY = "floorboundary0123456789abcdef";
const { size, fps } = frameSettings((name) => process.env[name]);
const viewers = new Set<Socket>();

startFrames(size, fps, (frame) => {
  const head = `\r\n--${BOUNDARY}\r\nContent-Type: image/jpeg\r\nContent-Length: ${size}\r\n\r\n`;
  const wire = Buffer.concat([Buffer.from(head, "latin1"), frame]);
  for (const socket of viewers) if (socket.writableLength === 0) socket.write(wire);
});

const server = createServer((socket) => {
  let head = "";
  socket.on("data", (data: Buffer) => {
    if (viewers.has(socket)) return;
    head += data.toString("latin1");
    if (!head.includes("\r\n\r\n")) return;
    socket.write(
      `HTTP/1.1 200 OK\r\nContent-Type: multipart/x-mixed-replace;boundary=${BOUNDARY}\r\n` +
        "Cache-Control: no-store\r\nConnection: close\r\n\r\n",
    );
    viewers.add(socket);
  });
  socket.on("close", () => viewers.delete(socket));
  socket.on("error", () => viewers.delete(socket));
});
server.listen({ port: 0, host: "127.0.0.1", backlog: 4096 }, () => {
  const address = server.address() as { port: number };
  console.log(JSON.stringify({ port: address.port, pid: process.pid }));
});
