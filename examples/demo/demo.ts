/**
 * The demo's server, runtime-neutral: one camera (synthetic, or ffmpeg), one `PushHub`, any
 * number of viewers. main.ts starts it on Deno; tests serve it on every runtime.
 *
 * Routes: `/` the page, `/stream` the live MJPEG push (`?fps=` caps it per viewer), `/snapshot`
 * one picture (for clients that cannot take a push), `/viewers` a pushed SVG badge with the viewer
 * count (no JavaScript needed), `/stats` the same as JSON, with `hub.stats()` less what says who
 * the viewers are (their User-Agent and `?key=`: `/stats` is public). `/broadcast` sends the visitor's webcam to `/ingest`; a
 * signed `/?exp=…&sig=…` watches it (see broadcast.ts).
 *
 * @module
 */
import { type Part, PushHub, pushResponse } from "../../mod.ts";
import { SyntheticCamera } from "./camera.ts";
import { type Broadcast, createBroadcast } from "./broadcast.ts";

/** Options of {@linkcode createDemo}. */
export interface DemoOptions {
  /**
   * Frames per second of the synthetic camera, 1–30.
   * @default {15}
   */
  fps?: number;
  /** @default {320} */
  width?: number;
  /** @default {240} */
  height?: number;
  /** A different camera, e.g. `() => ffmpegCamera(args)`; replaces the synthetic one. */
  source?: () => AsyncIterable<Part>;
  /**
   * What the page says the picture is.
   * @default {"synthetic camera"}
   */
  label?: string;
  /**
   * The webcam broadcast's publisher token (`/broadcast`, `/ingest`).
   * @default {random, see `Demo.token`}
   */
  token?: string;
  /**
   * The secret signing viewers' links to the broadcast.
   * @default {random}
   */
  secret?: string;
  /**
   * Milliseconds without a broadcast frame before viewers get the offline picture.
   * @default {2000}
   */
  offlineAfter?: number;
}

/** A running demo: its fetch handler, its hub, and how to stop it. */
export interface Demo {
  handler(request: Request): Response | Promise<Response>;
  hub: PushHub;
  /** The webcam broadcast (its own hub). */
  broadcast: Broadcast;
  /** The broadcast's publisher token. */
  token: string;
  close(): void;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The synthetic camera as a paced source: one frame every 1/fps s, catching up without bursts. */
async function* synthetic(camera: SyntheticCamera, fps: number): AsyncGenerator<Part> {
  const interval = 1000 / fps;
  let due = Date.now();
  for (let i = 0; i < Number.MAX_SAFE_INTEGER; i++) {
    yield { contentType: "image/jpeg", body: camera.frame() };
    due += interval;
    const wait = due - Date.now();
    // A source paused by the hub (no viewer waiting) starts a fresh schedule instead of bursting.
    if (wait < -interval) due = Date.now();
    else if (wait > 0) await sleep(wait);
  }
}

function randomHex(bytes: number): string {
  const random = crypto.getRandomValues(new Uint8Array(bytes));
  return [...random].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(label: string, width: number, height: number): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>multipart-push demo</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:44rem;padding:0 1rem;color:#1d2630}
img.live{display:block;width:100%;height:auto;max-width:${2 * width}px;background:#222}
code{background:#eef2f5;padding:0 .25em}
</style></head><body>
<h1>multipart-push</h1>
<p>A live ${escapeHtml(label)}, pushed as <code>multipart/x-mixed-replace</code> into a plain
<code>&lt;img src="/stream"&gt;</code>: no JavaScript, no WebSocket.</p>
<img class="live" id="live" src="/stream" alt="live picture" width="${width}" height="${height}">
<p><img src="/viewers" alt="viewer count" width="200" height="28"></p>
<ul>
<li><a href="/stream?fps=2">/stream?fps=2</a>: the same stream capped at 2 frames per second (a slow link)</li>
<li><a href="/snapshot">/snapshot</a>: one picture, for clients that cannot take a push</li>
<li><code>ffplay http://HOST/stream</code> or VLC read it too: it is MJPEG over HTTP</li>
<li><a href="/broadcast">/broadcast</a>: send your own webcam (needs the publisher token the server printed)</li>
</ul>
</body></html>`;
}

function badge(viewers: number): string {
  const text = `${viewers} viewer${viewers === 1 ? "" : "s"} watching`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="28">` +
    `<rect width="200" height="28" rx="6" fill="#12324a"/>` +
    `<text x="100" y="19" fill="#fff" font-family="system-ui,sans-serif" font-size="14" ` +
    `text-anchor="middle">${text}</text></svg>`;
}

/**
 * Build the demo: `createDemo().handler` is a fetch handler for `Deno.serve`, `Bun.serve`, a
 * Worker or @hono/node-server.
 *
 * @example
 * ```ts ignore
 * const demo = createDemo({ fps: 15 });
 * Deno.serve(demo.handler);
 * ```
 */
export function createDemo(options: DemoOptions = {}): Demo {
  const { fps = 15, width = 320, height = 240, label = "synthetic camera" } = options;
  if (!(fps >= 1 && fps <= 30)) throw new RangeError(`options.fps must be 1 to 30, got ${fps}`);
  const camera = new SyntheticCamera({ width, height });
  const source = options.source ?? (() => synthetic(camera, fps));
  // The camera runs only while someone watches, and 2 s more so a reload does not restart it.
  const hub = PushHub.from(source, { linger: 2000, keepAlive: 1000 });
  const html = page(label, width, height);
  const token = options.token ?? randomHex(16);
  const broadcast = createBroadcast({
    token,
    secret: options.secret ?? randomHex(32),
    offline: new SyntheticCamera({ width, height }).offline(),
    offlineAfter: options.offlineAfter,
  });
  let closed = false;

  async function* viewerCount(signal: AbortSignal): AsyncGenerator<Part> {
    let last = -1;
    // Sent when the count changes, and every 10 s anyway so the push never looks idle.
    for (let i = 0; i < 86_400 && !signal.aborted && !closed; i++) {
      const now = hub.subscribers;
      if (now !== last || i % 10 === 0) yield { contentType: "image/svg+xml", body: badge(now) };
      last = now;
      await sleep(1000);
    }
  }

  function handler(request: Request): Response | Promise<Response> {
    const webcam = broadcast.handle(request);
    if (webcam) return webcam;
    const url = new URL(request.url);
    switch (url.pathname) {
      case "/":
        return new Response(html, { headers: { "content-type": "text/html; charset=utf-8" } });
      case "/stream": {
        const fps = Number(url.searchParams.get("fps") ?? Infinity);
        try {
          return hub.response(request, { fps });
        } catch (error) {
          // The hub checks fps before a viewer joins; its RangeError names the floor: a 400 here.
          if (!(error instanceof RangeError)) throw error;
          return new Response(`${error.message}\n`, { status: 400 });
        }
      }
      case "/snapshot": {
        const snapshot = hub.snapshot();
        // Nobody is watching, so the lazy camera is off: draw a picture just for this request.
        if (snapshot.status === 503 && options.source === undefined) {
          return new Response(camera.frame() as Uint8Array<ArrayBuffer>, {
            headers: { "content-type": "image/jpeg", "cache-control": "no-store" },
          });
        }
        return snapshot;
      }
      case "/viewers":
        return pushResponse(viewerCount(request.signal), { request });
      case "/stats": {
        const stats = hub.stats();
        const viewers = stats.viewers.map(({ userAgent: _ua, key: _key, ...figures }) => figures);
        const hubStats = { ...stats, viewers };
        return Response.json({ viewers: hub.subscribers, frames: camera.frames, hub: hubStats });
      }
      default:
        return new Response("not found\n", { status: 404 });
    }
  }

  return {
    handler,
    hub,
    broadcast,
    token,
    close(): void {
      closed = true;
      hub.close();
      broadcast.hub.close();
    },
  };
}
