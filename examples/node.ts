/**
 * Server push on Node through @hono/node-server (`npm i @hono/node-server`):
 * `node examples/node.ts`, then open http://127.0.0.1:8000/. `PORT` picks the port.
 *
 * @module
 */
import { serve } from "@hono/node-server";
import { handler } from "./clock.ts";

export { handler };

if (import.meta.main) {
  const hostname = process.env.HOST ?? "127.0.0.1"; // HOST=0.0.0.0 to serve the network
  serve({ fetch: handler, hostname, port: Number(process.env.PORT ?? 8000) }, (info) => {
    console.log(`Listening on http://${hostname}:${info.port}/`);
  });
}
