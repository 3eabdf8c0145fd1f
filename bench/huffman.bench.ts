/**
 * The cost per frame of giving a USB webcam's frames JPEG's standard Huffman tables (issue 24):
 * `withHuffmanTables` on a frame that has a DHT (the pass-through: a walk of a few header
 * segments, no copy) and on one without (the walk and one copy, 420 bytes longer), against the
 * floor any repair pays (one plain copy of the frame, as mjpg-streamer's memcpy) and a naive
 * `Buffer.concat` around `indexOf(FF DA)`; and `jpegFrames` splitting a UVC stream with and
 * without `huffmanTables: true`. The frames are ffmpeg's (`-huffman default`, 720p and 1080p)
 * with the DHT cut out; made once and cached in the temp directory.
 *
 *   node bench/huffman.bench.ts [--quick]      (also: bun, deno run -A)
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { STANDARD_DHT, withHuffmanTables } from "../lib/mjpeg/huffman.ts";
import { jpegFrames } from "../lib/mjpeg/jpeg_frames.ts";
import { concatBytes } from "../lib/shared/bytes.ts";
import { withoutDht } from "../tests/_helpers/jpeg_segments.ts";
import { args, cpuMs, fixed, median, runtimeName } from "./_util.ts";

const quick = args().includes("--quick");
const ROUNDS = quick ? 3 : 7;
const FRAMES = 60;

/** ffmpeg's frames for one size, with their DHT (as made) and without (as a UVC camera sends). */
async function frames(size: string): Promise<{ whole: Uint8Array[]; uvc: Uint8Array[] }> {
  const file = join(tmpdir(), `multipart-push-bench-huffman-${size}-${FRAMES}.mjpeg`);
  if (!existsSync(file)) {
    execFileSync("ffmpeg", [
      ...["-v", "error", "-f", "lavfi", "-i", `testsrc2=size=${size}:rate=30`],
      ...["-vf", "noise=alls=12:allf=t", "-frames:v", String(FRAMES)],
      ...["-huffman", "default", "-q:v", "5", "-f", "mjpeg", "-y", file],
    ]);
  }
  const whole: Uint8Array[] = [];
  const stream = ReadableStream.from([new Uint8Array(readFileSync(file))]);
  for await (const frame of stream.pipeThrough(jpegFrames())) whole.push(frame.slice());
  return { whole, uvc: whole.map(withoutDht) };
}

/** CPU nanoseconds per frame of `work` over `list` (median of rounds, each at least 50 ms). */
async function perFrame(
  list: Uint8Array[],
  work: (list: Uint8Array[]) => unknown,
): Promise<number> {
  const results: number[] = [];
  for (let round = -2; round < ROUNDS; round++) {
    const t0 = cpuMs();
    let runs = 0;
    do {
      await work(list);
      runs++;
    } while (cpuMs() - t0 < 50);
    if (round >= 0) results.push((cpuMs() - t0) * 1e6 / (runs * list.length));
  }
  return median(results);
}

const SOS = Buffer.from([0xff, 0xda]);
const DHT = Buffer.from(STANDARD_DHT);

/** Splits a stream of `list` into 64 KiB chunks and counts the frames `jpegFrames` gives. */
async function split(list: Uint8Array[], huffmanTables: boolean): Promise<number> {
  const bytes = concatBytes(list);
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += 65536) chunks.push(bytes.subarray(i, i + 65536));
  let n = 0;
  for await (const _ of ReadableStream.from(chunks).pipeThrough(jpegFrames({ huffmanTables }))) n++;
  return n;
}

console.log(
  `\n## Huffman tables for UVC frames (load average ${loadavg()[0].toFixed(2)} at start; ` +
    `${runtimeName()}, ${ROUNDS} rounds, median CPU µs per frame)\n`,
);
for (const size of ["1280x720", "1920x1080"]) {
  const { whole, uvc } = await frames(size);
  const kib = fixed(concatBytes(uvc).length / uvc.length / 1024, 0);
  const rows: [string, number][] = [
    [
      "withHuffmanTables, frame has a DHT (pass-through)",
      await perFrame(whole, (l) => l.map(withHuffmanTables)),
    ],
    ["withHuffmanTables, UVC frame (repair)", await perFrame(uvc, (l) => l.map(withHuffmanTables))],
    [
      "floor: one copy of the frame (Uint8Array#slice)",
      await perFrame(uvc, (l) => l.map((f) => f.slice())),
    ],
    [
      "naive: Buffer.concat around indexOf(FF DA)",
      await perFrame(uvc, (l) =>
        l.map((f) => {
          const b = Buffer.from(f.buffer, f.byteOffset, f.length);
          const at = b.indexOf(SOS);
          return Buffer.concat([b.subarray(0, at), DHT, b.subarray(at)]);
        })),
    ],
    ["jpegFrames() splitting the UVC stream", await perFrame(uvc, (l) => split(l, false))],
    ["jpegFrames({ huffmanTables: true }) on it", await perFrame(uvc, (l) => split(l, true))],
  ];
  const repair = rows[1][1];
  console.log(`\n${size}: ${uvc.length} frames, ${kib} KiB per frame\n`);
  console.log("| per frame | µs | repair ÷ it |");
  console.log("|---|---:|---:|");
  for (const [name, ns] of rows) {
    console.log(`| ${name} | ${fixed(ns / 1000, 2)} | ${fixed(repair / ns, 2)} |`);
  }
}
