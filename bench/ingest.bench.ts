/**
 * Ingest: how fast a 720p `ffmpeg -f mpjpeg` upload goes into a hub, and how long a frame takes
 * from the publisher's write to a viewer's decoder through `ingest(request, hub)`.
 *
 * The upload is real ffmpeg output (lavfi testsrc2 1280x720 with temporal noise, so a frame weighs
 * what a camera's does, about 160 KB at -q:v 5), made once. Throughput, as
 * fast as it goes, same bytes in 64 KiB chunks:
 * - `parseParts` alone over the bytes (the decoder's ceiling: the peer the others are compared to);
 * - `ingest()` in one process into a PushHub with one viewer reading;
 * - a streamed POST to `ingest(request, hub)` on this runtime's own HTTP server, one HTTP viewer.
 * Latency: the publisher writes one frame per chunk at 30 fps (each ending with the boundary line,
 * as ffmpeg writes), the viewer decodes the hub's push; publisher, server and viewer share one
 * process and its event loop.
 *
 *   node bench/ingest.bench.ts [--quick]   (also: deno run -A, bun)
 *
 * @module
 */

import { execFileSync } from "node:child_process";
import { PushHub } from "../lib/hub/push_hub.ts";
import { ingest } from "../lib/ingest/ingest.ts";
import { parseParts } from "../lib/parse/parse_parts.ts";
import { serve } from "../tests/_helpers/serve.ts";
import { args, fixed, median, runtimeName } from "./_util.ts";

const quick = args().includes("--quick");
const FRAMES = quick ? 60 : 300;
const ROUNDS = quick ? 2 : 5;
const LATENCY_FRAMES = quick ? 90 : 450;
const FPS = 30;
const CHUNK = 64 * 1024;
const MiB = 1024 * 1024;
const TYPE = "multipart/x-mixed-replace;boundary=ffmpeg";
const enc = new TextEncoder();

const upload = new Uint8Array(execFileSync("ffmpeg", [
  ...["-hide_banner", "-loglevel", "error", "-f", "lavfi"],
  ...["-i", "testsrc2=size=1280x720:rate=30", "-vf", "noise=alls=12:allf=t"],
  ...["-frames:v", String(FRAMES), "-q:v", "5"],
  ...["-f", "mpjpeg", "-"],
], { maxBuffer: 1 << 30 }));
const chunks: Uint8Array[] = [];
for (let i = 0; i < upload.length; i += CHUNK) chunks.push(upload.subarray(i, i + CHUNK));

function body(): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    pull(controller) {
      if (i < chunks.length) controller.enqueue(chunks[i++]);
      else controller.close();
    },
  });
}

async function drain(response: Response): Promise<number> {
  let n = 0;
  for await (const _ of parseParts(response)) n++;
  return n;
}

/** Each part's body; ffmpeg's upload ends after a boundary line, without `--ffmpeg--`. */
async function parseOnly(keep?: Uint8Array[]): Promise<number> {
  let n = 0;
  try {
    for await (const part of parseParts(body(), { boundary: "ffmpeg" })) {
      keep?.push(part.body.slice());
      n++;
    }
  } catch (error) {
    if ((error as { code?: string }).code !== "truncated") throw error;
  }
  return n;
}

async function inProcess(): Promise<number> {
  const hub = new PushHub({ keepAlive: Infinity });
  const viewer = drain(hub.response());
  const request = new Request("http://bench/ingest", {
    method: "POST",
    headers: { "content-type": TYPE },
    body: body(),
    duplex: "half",
  } as RequestInit);
  const answer = await ingest(request, hub, { authorize: "anyone" });
  hub.close();
  await viewer;
  return Number(answer.headers.get("x-ingest-frames"));
}

async function overHttp(): Promise<number> {
  const hub = new PushHub({ keepAlive: Infinity });
  const server = await serve((r) =>
    new URL(r.url).pathname === "/ingest"
      ? ingest(r, hub, { authorize: "anyone" })
      : hub.response(r)
  );
  try {
    const viewer = drain(await fetch(`${server.url}view`));
    const answer = await fetch(`${server.url}ingest`, {
      method: "POST",
      headers: { "content-type": TYPE },
      body: body(),
      duplex: "half",
    } as RequestInit);
    await answer.arrayBuffer();
    hub.close();
    await viewer;
    return Number(answer.headers.get("x-ingest-frames"));
  } finally {
    hub.close();
    await server.close();
  }
}

type Case = { name: string; run: () => Promise<number> };
const cases: Case[] = [
  { name: "parseParts alone (peer: the decoder's ceiling)", run: () => parseOnly() },
  { name: "ingest() into a PushHub, 1 viewer (one process)", run: inProcess },
  { name: "POST to ingest(request, hub) over loopback HTTP, 1 HTTP viewer", run: overHttp },
];
const seconds = new Map<string, number[]>();
// Round 0 warms the JIT up and is not counted.
for (let round = 0; round <= ROUNDS; round++) {
  for (const c of cases) {
    const start = performance.now();
    const frames = await c.run();
    const s = (performance.now() - start) / 1000;
    if (frames !== FRAMES) throw new Error(`${c.name}: ${frames} frames, expected ${FRAMES}`);
    if (round > 0) seconds.set(c.name, [...(seconds.get(c.name) ?? []), s]);
  }
}

console.log(
  `\n### Ingest throughput (${runtimeName()}): ${FRAMES} frames of 720p mpjpeg, ` +
    `${fixed(upload.length / MiB, 1)} MiB (${
      fixed(upload.length / FRAMES / 1024, 0)
    } KiB/frame), ` +
    `median of ${ROUNDS}\n`,
);
console.log("| path | frames/s | MiB/s | vs parseParts alone |");
console.log("| --- | ---: | ---: | ---: |");
const floor = median(seconds.get(cases[0].name)!);
for (const c of cases) {
  const s = median(seconds.get(c.name)!);
  console.log(
    `| ${c.name} | ${fixed(FRAMES / s, 0)} | ${fixed(upload.length / MiB / s, 0)} | ${
      fixed(floor / s, 2)
    }x |`,
  );
}

// Latency: one part per write, 30 fps, each frame tagged with its index after the JPEG bytes.
const frames: Uint8Array[] = [];
await parseOnly(frames);
const hub = new PushHub({ keepAlive: Infinity });
const server = await serve((r) =>
  new URL(r.url).pathname === "/ingest" ? ingest(r, hub, { authorize: "anyone" }) : hub.response(r)
);
const sentAt = new Float64Array(LATENCY_FRAMES);
const latencies: number[] = [];
try {
  const viewer = (async () => {
    for await (const part of parseParts(await fetch(`${server.url}view`))) {
      const b = part.body;
      const index = new DataView(b.buffer, b.byteOffset + b.length - 4, 4).getUint32(0);
      latencies.push(performance.now() - sentAt[index]);
    }
  })();
  while (hub.subscribers === 0) await new Promise((r) => setTimeout(r, 5));
  let i = 0;
  const start = performance.now();
  const paced = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (i === 0) controller.enqueue(enc.encode("--ffmpeg\r\n"));
      if (i === LATENCY_FRAMES) return controller.close();
      const wait = start + (i * 1000) / FPS - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const jpeg = frames[i % frames.length];
      const tag = new Uint8Array(4);
      new DataView(tag.buffer).setUint32(0, i);
      const head = enc.encode(
        `Content-Type: image/jpeg\r\nContent-Length: ${jpeg.length + 4}\r\n\r\n`,
      );
      const chunk = new Uint8Array(head.length + jpeg.length + 4 + 12);
      chunk.set(head);
      chunk.set(jpeg, head.length);
      chunk.set(tag, head.length + jpeg.length);
      chunk.set(enc.encode("\r\n--ffmpeg\r\n"), head.length + jpeg.length + 4);
      sentAt[i++] = performance.now();
      controller.enqueue(chunk);
    },
  }, { highWaterMark: 0 });
  const answer = await fetch(`${server.url}ingest`, {
    method: "POST",
    headers: { "content-type": TYPE },
    body: paced,
    duplex: "half",
  } as RequestInit);
  await answer.arrayBuffer();
  hub.close();
  await viewer;
} finally {
  hub.close();
  await server.close();
}
const sorted = latencies.sort((a, b) => a - b);
const pct = (p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
console.log(
  `\n### Publish-to-viewer latency through ingest(request, hub) (${runtimeName()}): ${LATENCY_FRAMES} ` +
    `720p frames at ${FPS} fps over loopback HTTP, ${sorted.length} received\n`,
);
console.log("| p50 ms | p90 ms | p99 ms | max ms |");
console.log("| ---: | ---: | ---: | ---: |");
console.log(
  `| ${fixed(pct(0.5), 2)} | ${fixed(pct(0.9), 2)} | ${fixed(pct(0.99), 2)} | ${
    fixed(sorted.at(-1)!, 2)
  } |`,
);
