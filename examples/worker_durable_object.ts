/**
 * One camera, viewers on Cloudflare Workers, through Durable Objects:
 * `npx wrangler dev --env durable_object` (wrangler.toml's `[env.durable_object]` section).
 *
 * - `POST /camera/NAME/ingest` with `Authorization: Bearer <PUBLISH_TOKEN>` (a secret of at least
 *   16 characters: `npx wrangler secret put PUBLISH_TOKEN`, or `.dev.vars` for `wrangler dev`):
 *   frames, either one frame envelope (`Content-Type: application/vnd.multipart-push.frame`, what
 *   `encodeFrame` makes, with the part's own headers) or anything `ingest` takes: ffmpeg's
 *   `-f mpjpeg` upload, a camera's raw MJPEG, one picture. Each frame goes to the camera's object
 *   before the next is read.
 * - `GET /camera/NAME`: the push (`<img src="/camera/NAME">`), from one of SHARDS shard objects
 *   (`?shard=N` picks one).
 * - `GET /camera/NAME/stats`: subscribers on the camera's object and on each shard.
 *
 * @module
 */
import { decodeFrame } from "../lib/bus/mod.ts";
import { ingest } from "../lib/ingest/mod.ts";
import { bearerToken } from "../lib/access/mod.ts";
import {
  durableHub,
  type DurableObjectNamespaceLike,
  pushHubObject,
  type PushHubObjectClass,
} from "../lib/durable_object/mod.ts";

/** The Durable Object class wrangler.toml binds as `PUSH_HUB`. */
export const PushHubObject: PushHubObjectClass = pushHubObject({ binding: "PUSH_HUB" });

/** Shard objects per camera: each frame is forwarded once to each. */
const SHARDS = 2;
const FRAME_TYPE = "application/vnd.multipart-push.frame";

/** The Worker's bindings. */
type Env = { PUSH_HUB: DurableObjectNamespaceLike; PUBLISH_TOKEN?: string };

async function handle(request: Request, env: Env): Promise<Response> {
  const hub = durableHub(env.PUSH_HUB, { shards: SHARDS });
  const url = new URL(request.url);
  const match = /^\/camera\/([\w.-]+)(\/ingest|\/stats)?$/.exec(url.pathname);
  if (!match) {
    const html = '<!doctype html><title>camera</title><img src="/camera/camera-1" alt="camera">';
    return new Response(html, { headers: { "Content-Type": "text/html; charset=utf-8" } });
  }
  const [, camera, action] = match;
  if (action === "/ingest" && request.method === "POST") {
    // Only the camera publishes; without the secret the route stays shut (a 500 saying so).
    if (env.PUBLISH_TOKEN === undefined) throw new Error("set the PUBLISH_TOKEN secret");
    const authorize = bearerToken(env.PUBLISH_TOKEN);
    if (request.headers.get("Content-Type") === FRAME_TYPE) {
      const verdict = await authorize(request);
      if (verdict !== true) return verdict;
      await hub.ingest(camera, decodeFrame(new Uint8Array(await request.arrayBuffer())));
      return new Response(null, { status: 204 });
    }
    return await ingest(request, { publish: (part) => hub.ingest(camera, part) }, { authorize });
  }
  if (action === "/stats") return Response.json(await hub.stats(camera));
  const shard = url.searchParams.has("shard") ? Number(url.searchParams.get("shard")) : undefined;
  return await hub.view(camera, request, { shard });
}

/** The Worker's module export. */
const worker: { fetch(request: Request, env: Env): Promise<Response> } = {
  async fetch(request, env) {
    try {
      return await handle(request, env);
    } catch (error) {
      const status = error instanceof TypeError || error instanceof RangeError ? 400 : 500;
      return new Response(`${status}: ${(error as Error).message}\n`, { status });
    }
  },
};

export default worker;
