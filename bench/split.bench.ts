/**
 * JPEG splitting: `jpegFrames` against npm `pipe2jpeg` (a Node `Transform` that cuts at the next
 * `FF D9` with `Buffer#indexOf`) and a naive `indexOf(FF D9)` splitter written inline (the floor:
 * no segment walk, no streams). Same bytes, same 64 KiB chunks, same process; rounds
 * interleaved, medians reported, every contender's frame count checked against ffmpeg's.
 *
 * The MJPEG is made by ffmpeg (720p `testsrc2` at ffmpeg's default quality, ~22 KB frames, and at
 * `-q:v 5`, ~45 KB; 1080p with temporal noise, ~330 KB) once and cached in the temp directory.
 *
 *   node --expose-gc bench/split.bench.ts [--quick]      (also: bun, deno run -A)
 *
 * @module
 */

import { loadavg } from "node:os";
import { Buffer } from "node:buffer";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Pipe2Jpeg from "pipe2jpeg";
import { jpegFrames } from "../lib/mjpeg/jpeg_frames.ts";
import { nativeSearch } from "../lib/shared/native_search.ts";
import { args, cpuRate, fixed, median, runtimeName } from "./_util.ts";

const quick = args().includes("--quick");
const ROUNDS = quick ? 3 : 5;
const SECONDS = quick ? 2 : 4;
const CHUNK = 64 * 1024;
const MiB = 1024 * 1024;

interface Clip {
  name: string;
  bytes: Uint8Array;
  chunks: Buffer[];
  frames: number;
  /** Where each frame ends (these clips hold no FF D9 before a frame's EOI). */
  ends: number[];
}

/** ffmpeg's MJPEG of `testsrc2` with extra output options, made once per temp directory. */
function clip(name: string, size: string, options: string[]): Clip {
  const frames = SECONDS * 30;
  const file = join(tmpdir(), `multipart-push-testsrc2-${size}-${frames}${options.join("")}.mjpeg`);
  if (!existsSync(file)) {
    execFileSync("ffmpeg", [
      ...["-v", "error", "-f", "lavfi", "-i", `testsrc2=size=${size}:rate=30`],
      ...["-frames:v", String(frames), ...options, "-f", "mjpeg", "-y", file],
    ]);
  }
  const bytes = new Uint8Array(readFileSync(file));
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += CHUNK) {
    chunks.push(Buffer.from(bytes.buffer, bytes.byteOffset + i, Math.min(CHUNK, bytes.length - i)));
  }
  const ends: number[] = [];
  for (
    let at = bytes.indexOf(0xff);
    at !== -1 && at + 1 < bytes.length;
    at = bytes.indexOf(0xff, at + 1)
  ) {
    if (bytes[at + 1] === 0xd9) ends.push(at + 2);
  }
  return { name, bytes, chunks, frames, ends };
}

type Tally = { frames: number; bytes: number };
type Contender = { name: string; run(c: Clip): Promise<Tally> };

const SOI = Buffer.from([0xff, 0xd8]);
const EOI = Buffer.from([0xff, 0xd9]);

async function splitAll(c: Clip): Promise<Tally> {
  const tally = { frames: 0, bytes: 0 };
  let i = 0;
  const source = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i < c.chunks.length) controller.enqueue(c.chunks[i++]);
      else controller.close();
    },
  }, { highWaterMark: 0 });
  for await (const frame of source.pipeThrough(jpegFrames())) {
    tally.frames++;
    tally.bytes += frame.length;
  }
  return tally;
}

const contenders: Contender[] = [
  {
    // The web streams' share, what no search can save: the same chunks through a TransformStream
    // that enqueues a view per frame (no search, no copy) to the same for-await loop.
    name: "TransformStream of frame views (streams floor)",
    async run(c) {
      const tally = { frames: 0, bytes: 0 };
      let i = 0;
      let offset = 0;
      let next = 0;
      const source = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (i < c.chunks.length) controller.enqueue(c.chunks[i++]);
          else controller.close();
        },
      }, { highWaterMark: 0 });
      const views = new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          let from = 0;
          for (; next < c.ends.length && c.ends[next] <= offset + chunk.length; next++) {
            controller.enqueue(chunk.subarray(from, c.ends[next] - offset));
            from = c.ends[next] - offset;
          }
          offset += chunk.length;
        },
      });
      for await (const frame of source.pipeThrough(views)) {
        tally.frames++;
        tally.bytes += frame.length;
      }
      return tally;
    },
  },
  {
    // What pipe2jpeg does, without the stream: from FF D8 to the next FF D9, copied when split.
    name: "indexOf(FF D9) naive (floor)",
    run(c) {
      const tally = { frames: 0, bytes: 0 };
      let pieces: Buffer[] = [];
      for (const chunk of c.chunks) {
        let pos = 0;
        while (pos < chunk.length) {
          if (pieces.length === 0) {
            const soi = chunk.indexOf(SOI, pos);
            if (soi === -1) break;
            pos = soi;
          }
          const eoi = chunk.indexOf(EOI, pieces.length === 0 ? pos + 2 : pos);
          if (eoi === -1) {
            pieces.push(chunk.subarray(pos));
            break;
          }
          pieces.push(chunk.subarray(pos, eoi + 2));
          const frame = pieces.length === 1 ? pieces[0] : Buffer.concat(pieces);
          pieces = [];
          tally.frames++;
          tally.bytes += frame.length;
          pos = eoi + 2;
        }
      }
      return Promise.resolve(tally);
    },
  },
  // As a user runs it: the native search where it was detected (Node and Bun).
  { name: "multipart-push jpegFrames", run: splitAll },
  {
    // The default web-only path, as on Deno and workerd (shared/native_search.ts).
    name: "multipart-push jpegFrames, web-only search",
    async run(c) {
      const saved = { ...nativeSearch };
      nativeSearch.needle = undefined;
      try {
        return await splitAll(c);
      } finally {
        Object.assign(nativeSearch, saved);
      }
    },
  },
  {
    name: "pipe2jpeg",
    run(c) {
      const tally = { frames: 0, bytes: 0 };
      const splitter = new Pipe2Jpeg();
      // Its "data" events need a pipe (it checks an internal pipesCount); "jpeg" comes always.
      splitter.on("jpeg", (frame: Buffer) => {
        tally.frames++;
        tally.bytes += frame.length;
      });
      return new Promise((resolve, reject) => {
        splitter.on("error", reject);
        splitter.on("finish", () => resolve(tally));
        for (const chunk of c.chunks) splitter.write(chunk);
        splitter.end();
      });
    },
  },
];

async function measure(c: Clip): Promise<Map<string, { rate: number; frames: number } | string>> {
  const rates = new Map<string, number[]>();
  const counts = new Map<string, number>();
  const failed = new Map<string, string>();
  for (let round = -2; round < ROUNDS; round++) {
    for (const contender of contenders) {
      if (failed.has(contender.name)) continue;
      try {
        const rate = await cpuRate(
          async () => counts.set(contender.name, (await contender.run(c)).frames),
          c.bytes.length,
        );
        if (round >= 0) rates.set(contender.name, [...rates.get(contender.name) ?? [], rate]);
      } catch (error) {
        failed.set(contender.name, (error as Error).message);
      }
    }
  }
  const out = new Map<string, { rate: number; frames: number } | string>();
  for (const contender of contenders) {
    out.set(
      contender.name,
      failed.get(contender.name) ??
        { rate: median(rates.get(contender.name)!), frames: counts.get(contender.name)! },
    );
  }
  return out;
}

console.log(
  `\n## JPEG splitting (load average ${
    loadavg()[0].toFixed(2)
  } at start; ${runtimeName()}, ${ROUNDS} rounds, median MiB per CPU second, ${
    CHUNK / 1024
  } KiB chunks)\n`,
);
const clips: [string, string, string[]][] = [
  ["720p, ffmpeg's default quality", "1280x720", []],
  ["720p, -q:v 5", "1280x720", ["-q:v", "5"]],
  ["1080p with temporal noise, -q:v 5", "1920x1080", ["-vf", "noise=alls=12:allf=t", "-q:v", "5"]],
];
for (const [name, size, options] of clips) {
  const c = clip(name, size, options);
  const results = await measure(c);
  const ours = results.get("multipart-push jpegFrames");
  const oursRate = typeof ours === "object" ? ours.rate : NaN;
  console.log(
    `\n${c.name}: ${c.frames} frames, ${fixed(c.bytes.length / MiB)} MiB, ${
      fixed(c.bytes.length / c.frames / 1024, 0)
    } KiB per frame\n`,
  );
  console.log("| splitter | MiB/s | frames found | jpegFrames ÷ it |");
  console.log("|---|---:|---:|---:|");
  for (const [name, result] of results) {
    if (typeof result === "string") console.log(`| ${name} | ✗ ${result} | | |`);
    else {
      console.log(
        `| ${name} | ${fixed(result.rate, 0)} | ${result.frames} of ${c.frames} | ${
          fixed(oursRate / result.rate, 2)
        } |`,
      );
    }
  }
}
console.log(`\nload average ${loadavg()[0].toFixed(2)} at end`);
