/**
 * The peer a user would write by hand on a web-standard server (Deno.serve, Bun.serve,
 * @hono/node-server): one `ReadableStream` per client, and each new frame framed once into one
 * buffer that is enqueued to every client whose stream has room (one whose stream still holds a
 * frame skips this one, as the floor skips a busy socket). No header checks, no timers, no
 * stats: what serving a push costs on the runtime's own HTTP server, the floor a library on that
 * server can approach. Same frame source and rate as bench/servers/hub_server.ts. Prints
 * `{"port","pid"}`.
 *
 *   deno run -A bench/peers/web_stream_server.ts | bun bench/peers/web_stream_server.ts
 *
 * @module
 */

import process from "node:process";
import { frameSettings, startFrames } from "../servers/frames.ts";
import { serveFetch } from "../servers/serve_fetch.ts";

const BOUNDARY = "peerboundary0123456789abcdef";
const text = new TextEncoder();
const { size, fps } = frameSettings((name) => process.env[name]);
const clients = new Set<ReadableStreamDefaultController<Uint8Array>>();
startFrames(size, fps, (frame) => {
  const head = text.encode(
    `Content-Type: image/jpeg\r\nContent-Length: ${frame.byteLength}\r\n\r\n`,
  );
  const tail = text.encode(`\r\n--${BOUNDARY}\r\n`);
  const part = new Uint8Array(head.byteLength + frame.byteLength + tail.byteLength);
  part.set(head);
  part.set(frame, head.byteLength);
  part.set(tail, head.byteLength + frame.byteLength);
  for (const client of clients) if ((client.desiredSize ?? 0) > 0) client.enqueue(part);
});

await serveFetch(() => {
  let controller: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      c.enqueue(text.encode(`--${BOUNDARY}\r\n`));
      clients.add(c);
    },
    cancel() {
      clients.delete(controller);
    },
  }, { highWaterMark: 1 });
  return new Response(body, {
    headers: { "Content-Type": `multipart/x-mixed-replace;boundary=${BOUNDARY}` },
  });
});
