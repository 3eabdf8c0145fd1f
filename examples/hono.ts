/**
 * Server push from a Hono app, which runs unchanged on every runtime:
 * `deno serve --allow-net examples/hono.ts`, `bun examples/hono.ts`, `wrangler dev` with
 * `main = "examples/hono.ts"`, or on Node through `serve({ fetch: app.fetch })` from
 * @hono/node-server. A Hono route returns the push's `Response` as it is. Bun's server takes the
 * port from `PORT`, deno serve from its `--port` (default 8000).
 *
 * @module
 */
import { Hono } from "hono";
import { pushResponse } from "../mod.ts";
import { clock } from "./clock.ts";

/** The app: `/` a page with the pushed clock in an `<img>`, `/clock` the push. */
export const app: Hono = new Hono();

app.get(
  "/",
  (c) => c.html(`<!doctype html><title>Hono push</title><img src="/clock" alt="clock">`),
);

app.get("/clock", (c) => {
  const count = Math.min(Math.max(Number(c.req.query("count") ?? 86_400) || 1, 1), 86_400);
  const ms = Math.min(Math.max(Number(c.req.query("ms") ?? 1000) || 1000, 10), 60_000);
  return pushResponse(clock(count, ms), { request: c.req.raw });
});

export default app;
