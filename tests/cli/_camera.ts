// The push the doctor's tests read: a camera hub (X-Timestamp on) fed 16 KB JPEG-shaped frames at
// 20 fps on the runtime's own server, with a Hono compress() route for the middleware case.
import { Hono } from "hono";
import { compress } from "hono/compress";
import { PushHub } from "../../lib/hub/push_hub.ts";
import { serve, type Served } from "../_helpers/serve.ts";

/** A running camera: `/stream` is the hub, `/hono/...` goes through Hono's compress(). */
export interface Camera {
  server: Served;
  /** host:port of the server, for proxies. */
  upstream: string;
  close(): Promise<void>;
}

/** A frame of `size` bytes: SOI, noise without FF, EOI (the doctor does not decode). */
function frame(size: number, n: number): Uint8Array {
  const body = new Uint8Array(size);
  for (let i = 0; i < size; i++) body[i] = (i * 31 + n * 17) % 255;
  body.set([0xff, 0xd8], 0);
  body.set([0xff, 0xd9], size - 2);
  return body;
}

/**
 * Starts the camera: a frame every `ms` milliseconds (20 fps by default).
 *
 * @example
 * const camera = await startCamera();
 * await doctor(`${camera.server.url}stream`);
 */
export async function startCamera(ms = 50, size = 16 * 1024): Promise<Camera> {
  const hub = new PushHub({ timestamps: true });
  let n = 0;
  hub.publish({ contentType: "image/jpeg", body: frame(size, n++) });
  const timer = setInterval(
    () => hub.publish({ contentType: "image/jpeg", body: frame(size, n++) }),
    ms,
  );
  const app = new Hono();
  app.use(compress({ contentTypeFilter: () => true }));
  // A user who set their own Cache-Control (without no-transform) before compress().
  app.get(
    "/hono/plain",
    (c) => hub.response(c.req.raw, { headers: { "Cache-Control": "no-cache" } }),
  );
  app.get("/hono/default", (c) => hub.response(c.req.raw));
  const server = await serve((request) =>
    new URL(request.url).pathname.startsWith("/hono/") ? app.fetch(request) : hub.response(request)
  );
  return {
    server,
    upstream: new URL(server.url).host,
    close: async () => {
      clearInterval(timer);
      hub.close();
      await server.close();
    },
  };
}
