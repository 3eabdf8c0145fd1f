/**
 * The push every runtime example serves: a live clock as SVG pictures in an `<img>`, which every
 * browser paints with no JavaScript. The runtime files (deno.ts, bun.ts, node.ts, hono.ts,
 * worker.ts) only differ in how they start a server with {@linkcode handler}.
 *
 * Outside this repository, import from "multipart-push" instead of "../mod.ts".
 *
 * @module
 */
import { type Part, pushResponse } from "../mod.ts";
import { waitUntilOf } from "./worker_context.ts";

/** One SVG clock face: the time and a counter. */
export function clockSvg(frame: number, now: Date = new Date()): string {
  const time = now.toISOString().slice(11, 19);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="320" height="80">` +
    `<rect width="320" height="80" fill="#12324a"/>` +
    `<text x="160" y="50" fill="#fff" font-family="monospace" font-size="28" ` +
    `text-anchor="middle">${time} UTC #${frame}</text></svg>`;
}

/** `count` clock faces, `ms` apart. The push stops it early when the client leaves. */
export async function* clock(count: number, ms: number): AsyncGenerator<Part> {
  for (let frame = 1; frame <= count; frame++) {
    yield { contentType: "image/svg+xml", body: clockSvg(frame) };
    if (frame < count) await new Promise((resolve) => setTimeout(resolve, ms));
  }
}

const PAGE = `<!doctype html><meta charset="utf-8"><title>multipart-push clock</title>
<h1>A server-pushed clock</h1>
<p><img src="/clock" width="320" height="80" alt="live clock"></p>
<p>The picture is one never-ending response: <code>curl -N http://HOST/clock</code> shows the parts.</p>`;

function number(value: string | null, fallback: number, min: number, max: number): number {
  const n = Number(value ?? fallback);
  return Number.isFinite(n) ? Math.min(Math.max(Math.trunc(n), min), max) : fallback;
}

/**
 * `GET /` is a page with `<img src="/clock">`; `GET /clock` pushes a clock face each second
 * (`?ms=` between faces, 10–60000; `?count=` faces, at most 86400, then the push ends).
 * `ctx` is a Worker's ExecutionContext, where there is one.
 *
 * @example
 * ```ts ignore
 * Deno.serve(handler);
 * ```
 */
export function handler(request: Request, ctx?: unknown): Response {
  const url = new URL(request.url);
  if (url.pathname === "/clock") {
    const count = number(url.searchParams.get("count"), 86_400, 1, 86_400);
    const ms = number(url.searchParams.get("ms"), 1000, 10, 60_000);
    // A Worker's ExecutionContext keeps a left viewer's push alive until clock()'s finally ran.
    return pushResponse(clock(count, ms), { request, waitUntil: waitUntilOf(ctx) });
  }
  if (url.pathname === "/") {
    return new Response(PAGE, { headers: { "content-type": "text/html; charset=utf-8" } });
  }
  return new Response("not found\n", { status: 404 });
}
