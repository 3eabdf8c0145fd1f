/**
 * Hub fan-out in one process: N subscribers reading as fast as they can while
 * frames are published at 30 fps. Reports CPU time per published frame (the
 * publish plus every subscriber taking the frame), the time `publish()` itself
 * takes, frames received per subscriber, and `hub.retainedBytes`. The peer
 * copies headers + body + delimiter into a new buffer for each subscriber
 * (what a `res.write()` loop per client does).
 *
 * Then the forgery scan (issue 10): every published body is searched for
 * `--boundary` (lib/hub/frame.ts); its cost per MiB against the
 * whole `publish()` of the same body, for a JPEG-like (random), an HTML-like
 * and a worst-case body (every byte the boundary's last byte).
 *
 *   node bench/hub.bench.ts [--quick|--full] [--scan]   (also: deno run -A, bun)
 *
 * @module
 */

import { PushHub } from "../lib/hub/push_hub.ts";
import { publishCheck } from "../lib/hub/frame.ts";
import { args, collect, cpuMs, fixed, median, runtimeName } from "./_util.ts";

const flags = args();
const FRAMES = flags.includes("--quick") ? 30 : flags.includes("--full") ? 300 : 90;
const FPS = 30;
const KB = 1000;
const PEER_LIMIT = 256 * 1024 * 1024;
const CASES = [
  { subscribers: 1000, frame: 10 * KB },
  { subscribers: 1000, frame: 100 * KB },
  { subscribers: 1000, frame: 1000 * KB },
  { subscribers: 100, frame: 100 * KB },
  { subscribers: 300, frame: 100 * KB },
];

type Result = {
  cpuPerFrame: number;
  publishMs: number;
  received: number;
  retainedMax: number;
  realMax: number;
  retainedEnd: number;
  gaveUp?: boolean;
};

/** Reads a stream to its end, counting chunks that carry a frame body. */
async function reader(stream: ReadableStream<Uint8Array>, size: number): Promise<number> {
  let frames = 0;
  for await (const chunk of stream) if (chunk.byteLength >= size) frames++;
  return frames;
}

/** Calls `publish` at FPS until it returns false or FRAMES are out; time per call and calls. */
async function paced(publish: (i: number) => boolean): Promise<{ ms: number; frames: number }> {
  const start = performance.now();
  let busy = 0;
  let frames = 0;
  for (let i = 0; i < FRAMES; i++) {
    const wait = start + (i * 1000) / FPS - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const t = performance.now();
    const more = publish(i);
    busy += performance.now() - t;
    frames++;
    if (!more) break;
  }
  await new Promise((resolve) => setTimeout(resolve, 1000 / FPS));
  return { ms: busy / frames, frames };
}

function frameBody(size: number, i: number): Uint8Array {
  const body = new Uint8Array(size);
  body[0] = i; // frames differ, as a camera's do
  return body;
}

async function hubRun(subscribers: number, size: number): Promise<Result> {
  const hub = new PushHub({ keepAlive: Infinity });
  const readers = Array.from({ length: subscribers }, () => reader(hub.response().body!, size));
  let retainedMax = 0;
  let realMax = 0;
  collect();
  const cpu0 = cpuMs();
  const paces = await paced((i) => {
    hub.publish({ contentType: "image/jpeg", body: frameBody(size, i) });
    retainedMax = Math.max(retainedMax, hub.subscriberBytes);
    realMax = Math.max(realMax, hub.retainedBytes);
    return true;
  });
  const cpu = cpuMs() - cpu0;
  const retainedEnd = hub.retainedBytes;
  hub.close();
  const counts = await Promise.all(readers);
  return {
    cpuPerFrame: cpu / paces.frames,
    publishMs: paces.ms,
    received: counts.reduce((a, b) => a + b, 0) / subscribers,
    retainedMax,
    realMax,
    retainedEnd,
  };
}

async function peerRun(subscribers: number, size: number): Promise<Result> {
  const encoder = new TextEncoder();
  const tail = encoder.encode("\r\n--peerboundary\r\n");
  const controllers: ReadableStreamDefaultController<Uint8Array>[] = [];
  const readers = Array.from({ length: subscribers }, () =>
    reader(
      new ReadableStream<Uint8Array>({ start: (c) => void controllers.push(c) }),
      size,
    ));
  let retainedMax = 0;
  collect();
  const cpu0 = cpuMs();
  let gaveUp = false;
  const paces = await paced((i) => {
    const body = frameBody(size, i);
    let queued = 0;
    for (const controller of controllers) {
      const head = encoder.encode(`Content-Type: image/jpeg\r\nContent-Length: ${size}\r\n\r\n`);
      const out = new Uint8Array(head.byteLength + size + tail.byteLength);
      out.set(head, 0);
      out.set(body, head.byteLength);
      out.set(tail, head.byteLength + size);
      controller.enqueue(out);
      queued += Math.max(0, -(controller.desiredSize ?? 0) + 1) * out.byteLength;
    }
    retainedMax = Math.max(retainedMax, queued);
    // The peer has no bound: past PEER_LIMIT queued it would only eat the shared machine's memory.
    gaveUp = queued > PEER_LIMIT;
    return !gaveUp;
  });
  const cpu = cpuMs() - cpu0;
  for (const controller of controllers) controller.close();
  const counts = await Promise.all(readers);
  return {
    cpuPerFrame: cpu / paces.frames,
    publishMs: paces.ms,
    received: counts.reduce((a, b) => a + b, 0) / subscribers,
    retainedMax,
    realMax: retainedMax,
    retainedEnd: 0,
    gaveUp,
  };
}

// Sampled right after each publish(), before any subscriber ran. subscriberBytes counts a shared
// frame once per subscriber holding it; retainedBytes is the memory (each shared frame once). For
// the peer both are the bytes queued in its streams (0 when every reader was already waiting),
// which are real copies. --scan: the forgery scan table alone.
const fanOut = flags.includes("--scan") ? [] : CASES;
if (fanOut.length) {
  console.log(`\n## Hub fan-out in-process (${runtimeName()}, ${FRAMES} frames at ${FPS} fps)\n`);
  console.log(
    "| subscribers | frame | fan-out | CPU ms per frame | publish() ms | frames received per subscriber | subscriberBytes max | per subscriber | retainedBytes max | at end |",
  );
  console.log("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|");
}
for (const { subscribers, frame } of fanOut) {
  for (
    const [name, run] of [["PushHub", hubRun], ["copy per subscriber (peer)", peerRun]] as const
  ) {
    // 1 GB of copies per frame: not run on a shared machine.
    if (run === peerRun && subscribers * frame > 100_000 * KB) continue;
    const r = await run(subscribers, frame);
    console.log(
      `| ${subscribers} | ${frame / KB} KB | ${name} | ${fixed(r.cpuPerFrame, 2)} | ${
        fixed(r.publishMs, 2)
      } | ${fixed(r.received, 1)} of ${FRAMES}${
        r.gaveUp ? " (stopped: > 256 MiB queued)" : ""
      } | ${r.retainedMax} | ${
        fixed(r.retainedMax / subscribers, 0)
      } | ${r.realMax} | ${r.retainedEnd} |`,
    );
  }
}

/** Median ms per MiB of `run(body)` over rounds of `repeat` calls. */
function msPerMiB(body: Uint8Array, repeat: number, run: (body: Uint8Array) => void): number {
  const rounds: number[] = [];
  for (let i = 0; i < repeat; i++) run(body); // warm-up: the JIT, and the GC's first collections
  for (let round = 0; round < 7; round++) {
    const t = performance.now();
    for (let i = 0; i < repeat; i++) run(body);
    rounds.push((performance.now() - t) / repeat / (body.byteLength / 2 ** 20));
  }
  return median(rounds);
}

const MIB = 2 ** 20;
const random = new Uint8Array(MIB).map(() => Math.floor(Math.random() * 256));
const html = new TextEncoder().encode(
  '<li class="msg">-- a chat line, with dashes -- and text</li>\n'.repeat(MIB / 48),
);
const scanHub = new PushHub({ keepAlive: Infinity });
const worst = new Uint8Array(MIB).fill(scanHub.boundary.charCodeAt(scanHub.boundary.length - 1));
const check = publishCheck(scanHub.boundary);
const REPEAT = flags.includes("--quick") ? 5 : 20;
console.log(`\n## Forgery scan on publish() (${runtimeName()}, 1 MiB bodies, median of 7)\n`);
console.log("| body | scan ms/MiB | publish() ms/MiB | scan share of publish() |");
console.log("|---|---:|---:|---:|");
for (
  const [name, body] of [["JPEG-like (random)", random], ["HTML-like text", html], [
    "worst case",
    worst,
  ]] as const
) {
  const part = { contentType: "image/jpeg", body };
  const scan = msPerMiB(body, REPEAT, () => void check(part));
  const publish = msPerMiB(body, REPEAT, () => scanHub.publish(part));
  console.log(
    `| ${name} | ${fixed(scan, 3)} | ${fixed(publish, 3)} | ${fixed(scan / publish, 2)} |`,
  );
}
scanHub.close();
