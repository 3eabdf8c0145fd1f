/**
 * Encoder throughput: `pushStream` against (a) an identity stream passing the
 * same bodies (the floor: no framing at all) and (b) the hand-written encoder
 * that copies headers + body + delimiter into a new buffer per part. Same
 * source, same consumer, same process; rounds interleaved, medians reported.
 *
 *   node --expose-gc bench/encoder.bench.ts [--quick]     (also: deno run -A, bun)
 *
 * @module
 */

import { pushStream } from "../lib/push/stream.ts";
import type { Part } from "../lib/push/part.ts";
import { concatPerPart } from "./peers/concat_encoder.ts";
import { args, collect, fixed, median, runtimeName } from "./_util.ts";

const quick = args().includes("--quick");
const ROUNDS = quick ? 3 : 7;
const KiB = 1024;
const MiB = 1024 * KiB;
const BOUNDARY = "3f1c0e9a7b2d4c6e8f0a1b2c3d4e5f60";
const SIZES = [
  { label: "1 KiB", size: KiB, total: (quick ? 4 : 16) * MiB },
  // Bodies are one shared buffer, so large totals cost no memory; they make each timing long
  // enough to rise above timer and scheduling noise.
  { label: "64 KiB", size: 64 * KiB, total: (quick ? 16 : 256) * MiB },
  { label: "1 MiB", size: MiB, total: (quick ? 64 : 1024) * MiB },
];

async function* source(body: Uint8Array, count: number): AsyncGenerator<Part> {
  for (let i = 0; i < count; i++) yield { contentType: "image/jpeg", body };
}

function identity(parts: AsyncIterable<Part>): ReadableStream<Uint8Array> {
  const iterator = parts[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value.body as Uint8Array);
    },
  }, { highWaterMark: 0 });
}

type Contender = { name: string; stream(parts: AsyncIterable<Part>): ReadableStream<Uint8Array> };
const contenders: Contender[] = [
  { name: "identity stream (floor)", stream: identity },
  { name: "pushStream", stream: (parts) => pushStream(parts) },
  {
    // A caller's boundary makes pushStream scan each body for it (a per-byte cost by design).
    name: "pushStream, caller's boundary",
    stream: (parts) => pushStream(parts, { boundary: BOUNDARY }),
  },
  { name: "concat per part (peer)", stream: (parts) => concatPerPart(parts, BOUNDARY) },
];

// The "copy" consumer writes every chunk into a buffer, as a socket write copies into the kernel:
// the floor then costs what serving really costs. The "count" consumer only counts bytes.
const sink = new Uint8Array(2 * MiB);
async function drain(stream: ReadableStream<Uint8Array>, copy: boolean): Promise<number> {
  const reader = stream.getReader();
  let bytes = 0;
  while (true) {
    const { done, value } = await reader.read();
    if (done) return bytes;
    if (copy) {
      for (let at = 0; at < value.byteLength; at += sink.byteLength) {
        sink.set(value.subarray(at, at + sink.byteLength));
      }
    }
    bytes += value.byteLength;
  }
}

for (const copy of [true, false]) {
  console.log(
    `\n## Encoder (${runtimeName()}, ${ROUNDS} rounds, median; consumer ${
      copy ? "copies each chunk, like a socket write" : "only counts bytes"
    })\n`,
  );
  console.log(
    "| part size | encoder | MiB/s of bodies | µs per part | ÷ identity | cost over identity, µs/part |",
  );
  console.log("|---|---|---:|---:|---:|---:|");
  const verdict: string[] = [];
  const overhead: number[] = [];
  for (const { label, size, total } of SIZES) {
    const count = total / size;
    const body = new Uint8Array(size).map((_, i) => i * 7);
    const times = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
    for (let round = 0; round < ROUNDS + 1; round++) {
      for (const contender of contenders) {
        // Another contender's garbage (the peer allocates every part) must not be collected on
        // this one's clock: collect first where the runtime allows (node --expose-gc, Bun).
        collect();
        const start = performance.now();
        const bytes = await drain(contender.stream(source(body, count)), copy);
        const ms = performance.now() - start;
        if (bytes < total) throw new Error(`${contender.name} sent ${bytes} of ${total} bytes`);
        if (round > 0) times.get(contender.name)!.push(ms); // round 0 warms up the JIT
      }
    }
    const floor = median(times.get(contenders[0].name)!);
    for (const contender of contenders) {
      const ms = median(times.get(contender.name)!);
      const ratio = floor / ms;
      const extra = ((ms - floor) * 1000) / count;
      if (contender.name === "pushStream") {
        overhead.push(extra);
        if (size >= 64 * KiB) verdict.push(`${label}: ${fixed(ratio, 2)} of identity`);
      }
      console.log(
        `| ${label} | ${contender.name} | ${fixed(total / MiB / (ms / 1000), 0)} | ${
          fixed((ms * 1000) / count, 2)
        } | ${fixed(ratio, 2)} | ${contender === contenders[0] ? "" : fixed(extra, 2)} |`,
      );
    }
  }
  console.log(
    `\npushStream: ${verdict.join(", ")} (goal ≥ 0.80); cost over identity per part: ${
      overhead.map((o) => fixed(o, 2)).join(" / ")
    } µs for 1 KiB / 64 KiB / 1 MiB (goal: not growing with size)`,
  );
}
