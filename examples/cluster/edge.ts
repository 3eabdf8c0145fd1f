/**
 * The cluster's edge process: serves viewers from the bus with one `PushHub`,
 * subscribed only while it has viewers. Runs the same on Deno, Bun and Node.
 *
 *   PORT=8001 node examples/cluster/edge.ts [--bus nats://127.0.0.1:4222] [--subject camera.1]
 *
 * `/` a page with the picture, `/camera` the push, `/still.jpg` the latest
 * frame, `/stats` JSON (runtime, viewers, CPU ms) for the cluster test.
 *
 * @module
 */
import process from "node:process";
import { PushHub } from "../../mod.ts";
import { connectBus, DEFAULT_BUS, flag, programArgs } from "./bus.ts";

/** The edge's page: the push in an `<img>`, which needs no script. */
function page(name: string): Response {
  const html = `<!doctype html><meta charset="utf-8"><title>${name}</title>
<h1>${name}</h1><img src="/camera" alt="camera" width="320" height="240">`;
  return new Response(html, { headers: { "Content-Type": "text/html; charset=utf-8" } });
}

function runtimeName(): string {
  const g = globalThis as { Deno?: unknown; Bun?: unknown };
  return g.Deno ? "deno" : g.Bun ? "bun" : "node";
}

if (import.meta.main) {
  const args = programArgs();
  const url = flag(args, "bus", DEFAULT_BUS);
  const subject = flag(args, "subject", "camera.1");
  const bus = await connectBus(url);
  const onError = (error: unknown) => console.error(`edge (${runtimeName()}):`, error);
  const hub = PushHub.from(bus.frames(subject, { onError }), { linger: 2000, onError });
  const name = `edge on ${runtimeName()} (${bus.kind})`;
  const { serve } = await import("../serve_main.ts");
  await serve((request) => {
    const path = new URL(request.url).pathname;
    if (path === "/camera") return hub.response(request);
    if (path === "/still.jpg") return hub.snapshot();
    if (path === "/stats") {
      const { user, system } = process.cpuUsage();
      const stats = {
        runtime: runtimeName(),
        viewers: hub.subscribers,
        cpuMs: (user + system) / 1000,
      };
      return Response.json(stats);
    }
    if (path === "/") return page(name);
    return new Response("not found\n", { status: 404 });
  });
}
