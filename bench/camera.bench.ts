/**
 * Camera options of `PushHub` (issue 11): how long `snapshot({ fresh: true })` waits, and how fast
 * viewers switch to the `offline` picture once a stream upload to `ingest` ends.
 *
 * - Fresh snapshot: a publisher at 15 fps (50 KB frames); snapshots asked at random moments. The
 *   wait is bounded below by the time to the next frame (0-67 ms, 33 ms on average); the peer
 *   is the same hub's plain `snapshot()` (the latest frame, no wait), and the overhead is the wait
 *   minus the time until that next publish.
 * - Offline switch: a viewer decodes the hub's push; a streamed multipart upload sends a frame,
 *   then ends; the time from the upload's end to the viewer's decoded offline part. Its peer is a
 *   live frame's time from the upload's write to the viewer, in the same run.
 *
 *   node bench/camera.bench.ts [--quick]   (also: deno run -A, bun)
 *
 * @module
 */

import { PushHub } from "../lib/hub/push_hub.ts";
import { ingest } from "../lib/ingest/ingest.ts";
import { parseParts } from "../lib/parse/parse_parts.ts";
import { args, fixed, median, runtimeName } from "./_util.ts";

const quick = args().includes("--quick");
const SNAPSHOTS = quick ? 20 : 100;
const ROUNDS = quick ? 20 : 100;
const FRAME = new Uint8Array(50_000).fill(7);
const enc = new TextEncoder();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const p99 = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.ceil(values.length * 0.99) - 1];

async function freshSnapshots(): Promise<void> {
  const hub = new PushHub();
  let publishedAt = 0;
  const timer = setInterval(() => {
    publishedAt = performance.now();
    hub.publish({ contentType: "image/jpeg", body: FRAME });
  }, 1000 / 15);
  await sleep(100);
  const waits: number[] = [];
  const overheads: number[] = [];
  const plain: number[] = [];
  for (let i = 0; i < SNAPSHOTS; i++) {
    await sleep(Math.random() * 70);
    let start = performance.now();
    await hub.snapshot().arrayBuffer();
    plain.push(performance.now() - start);
    start = performance.now();
    const response = await hub.snapshot({ fresh: true, timeout: 1000 });
    const end = performance.now();
    await response.arrayBuffer();
    waits.push(end - start);
    overheads.push(end - publishedAt);
  }
  clearInterval(timer);
  hub.close();
  console.log(
    `| fresh snapshot, 15 fps source: wait p50 / p99 / max | ${fixed(median(waits))} / ` +
      `${fixed(p99(waits))} / ${fixed(Math.max(...waits))} ms |`,
  );
  console.log(
    `| ... of which after the frame's publish, p50 / p99 | ${fixed(median(overheads), 2)} / ` +
      `${fixed(p99(overheads), 2)} ms |`,
  );
  console.log(`| peer: plain snapshot() (latest frame), p50 | ${fixed(median(plain), 3)} ms |`);
  const ratio = median(waits) / (500 / 15);
  console.log(
    `| ratio: fresh wait / half the frame interval (33.3 ms), p50 | ${fixed(ratio, 2)} |`,
  );
}

async function offlineSwitch(): Promise<void> {
  const hub = new PushHub({
    keepAlive: Infinity,
    offline: { contentType: "text/plain", body: "offline" },
  });
  const arrivals: { text: string; at: number }[] = [];
  const reading = (async () => {
    for await (const part of parseParts(hub.response())) {
      arrivals.push({ text: part.text(), at: performance.now() });
    }
  })();
  const live: number[] = [];
  const offline: number[] = [];
  const until = async (count: number) => {
    while (arrivals.length < count) await sleep(0);
  };
  await until(1); // a hub fed by publish() starts offline: the viewer gets the picture at once
  for (let round = 0; round < ROUNDS; round++) {
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
    const answer = ingest(
      new Request("http://cam/ingest", {
        method: "POST",
        headers: { "content-type": "multipart/x-mixed-replace;boundary=b" },
        body,
        duplex: "half",
      } as RequestInit),
      hub,
      { authorize: "anyone", allowTypes: ["text/plain"] },
    );
    const count = arrivals.length;
    let start = performance.now();
    controller.enqueue(
      enc.encode(`--b\r\nContent-Type: text/plain\r\n\r\nframe ${round}\r\n--b\r\n`),
    );
    await until(count + 1);
    live.push(arrivals[count].at - start);
    start = performance.now();
    controller.enqueue(enc.encode("\r\n"));
    controller.close();
    await until(count + 2);
    offline.push(arrivals[count + 1].at - start);
    if (arrivals[count + 1].text !== "offline") throw new Error(`got ${arrivals[count + 1].text}`);
    await answer;
  }
  hub.close();
  await reading;
  console.log(
    `| offline switch: upload end to the viewer's offline part, p50 / p99 | ` +
      `${fixed(median(offline), 2)} / ${fixed(p99(offline), 2)} ms |`,
  );
  console.log(
    `| peer: a live frame, upload write to the viewer, p50 / p99 | ` +
      `${fixed(median(live), 2)} / ${fixed(p99(live), 2)} ms |`,
  );
  const ratio = median(offline) / median(live);
  console.log(`| ratio: offline switch / live frame, p50 | ${fixed(ratio, 2)} |`);
}

console.log(`\n### Camera options (${runtimeName()})\n`);
console.log("| case | figure |\n| --- | --- |");
await freshSnapshots();
await offlineSwitch();
