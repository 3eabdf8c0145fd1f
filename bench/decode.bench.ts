/**
 * Decode throughput of parseParts against @mjackson/multipart-parser,
 * multipasta and meros, plus a plain native `Buffer#indexOf` scan for the
 * delimiter over the same chunks (the floor: it finds boundaries and builds
 * nothing). Same bytes, same chunks, same process for every contender.
 * Workloads: synthetic parts (1 MiB, 100 B, 20/50/200 KB camera-sized) and
 * ffmpeg's own `-f mpjpeg` of a 720p test pattern (~22 KB and ~45 KB frames),
 * made once per temp directory.
 *
 *   node bench/decode.bench.ts            # every workload (also: bun, deno run -A)
 *   node bench/decode.bench.ts --quick    # fewer rounds
 *   node bench/decode.bench.ts --only=(b) # the workloads whose name holds "(b)"
 *
 * Every contender must hand out, for each part, its body as one contiguous
 * Uint8Array and its Content-Type; the run is checked (part count, byte total).
 *
 * @module
 */

import { loadavg, tmpdir } from "node:os";
import { Buffer } from "node:buffer";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseMultipartStream } from "@mjackson/multipart-parser";
import * as Multipasta from "multipasta";
import * as MultipastaWeb from "multipasta/web";
import { meros } from "meros/node";
import { parseParts } from "../lib/parse/parse_parts.ts";
import { nativeSearch } from "../lib/shared/native_search.ts";
import { cpuRate, runtimeName } from "./_util.ts";

const MiB = 1024 * 1024;
const CHUNK = 64 * 1024;
const quick = process.argv.includes("--quick");
const ROUNDS = quick ? 3 : 5;
const only = process.argv.find((arg) => arg.startsWith("--only="))?.slice("--only=".length);
const randomBoundary = Array.from(
  crypto.getRandomValues(new Uint8Array(16)),
  (b) => b.toString(16).padStart(2, "0"),
).join("");

interface Workload {
  name: string;
  boundary: string;
  bytes: Uint8Array;
  chunks: Uint8Array[];
  parts: number;
  bodyBytes: number;
}

function randomBytes(size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i += 65536) crypto.getRandomValues(out.subarray(i, i + 65536));
  return out;
}

/** RFC 2046 framing (`--B` first, as all three peers require): the bytes a server sends. */
function workload(
  name: string,
  bodies: Uint8Array[],
  contentType: string,
  boundary = randomBoundary,
): Workload {
  const enc = new TextEncoder();
  const pieces: Uint8Array[] = [];
  for (let i = 0; i < bodies.length; i++) {
    pieces.push(enc.encode(`${i === 0 ? "" : "\r\n"}--${boundary}\r\n`));
    pieces.push(
      enc.encode(`Content-Type: ${contentType}\r\nContent-Length: ${bodies[i].length}\r\n\r\n`),
    );
    pieces.push(bodies[i]);
  }
  pieces.push(enc.encode(`\r\n--${boundary}--\r\n`));
  const bytes = Buffer.concat(pieces);
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += CHUNK) chunks.push(bytes.subarray(i, i + CHUNK));
  const bodyBytes = bodies.reduce((sum, body) => sum + body.length, 0);
  return { name, boundary, bytes, chunks, parts: bodies.length, bodyBytes };
}

function streamOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    pull(controller) {
      if (i < chunks.length) controller.enqueue(chunks[i++]);
      else controller.close();
    },
  }, { highWaterMark: 0 });
}

type Tally = { parts: number; bytes: number };

async function parseAll(w: Workload): Promise<Tally> {
  const tally = { parts: 0, bytes: 0 };
  const parts = parseParts(streamOf(w.chunks), { boundary: w.boundary, maxPartSize: 64 * MiB });
  for await (const part of parts) {
    if (part.contentType === null) throw new Error("no content type");
    tally.parts++;
    tally.bytes += part.body.length;
  }
  return tally;
}
type Contender = { name: string; run(w: Workload): Promise<Tally> };

const contentTypeHeader = (w: Workload): string => `multipart/mixed; boundary=${w.boundary}`;

const contenders: Contender[] = [
  {
    name: "indexOf scan (floor)",
    run(w) {
      const needle = Buffer.from(`\r\n--${w.boundary}`);
      let found = 0;
      for (const chunk of w.chunks) {
        const buffer = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
        for (let i = buffer.indexOf(needle); i !== -1; i = buffer.indexOf(needle, i + 1)) found++;
      }
      // Delimiters split across chunks are missed: this is a floor, not a decoder.
      if (found < w.parts * 0.9) throw new Error(`indexOf found only ${found} delimiters`);
      return Promise.resolve({ parts: w.parts, bytes: w.bodyBytes });
    },
  },
  {
    // The same scan, plus the one copy any decoder that hands out a part as one Uint8Array must
    // make of a part that spans chunks: the floor for whole bodies.
    name: "indexOf scan + copy of spanning parts (floor 2)",
    run(w) {
      const needle = Buffer.from(`\r\n--${w.boundary}`);
      let found = 0;
      let pieces: Uint8Array[] = [];
      let size = 0;
      for (const chunk of w.chunks) {
        const buffer = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
        let from = 0;
        for (let i = buffer.indexOf(needle); i !== -1; i = buffer.indexOf(needle, i + 1)) {
          if (pieces.length > 0) {
            const body = new Uint8Array(size + i - from);
            let at = 0;
            for (const piece of pieces) {
              body.set(piece, at);
              at += piece.length;
            }
            body.set(chunk.subarray(from, i), at);
            pieces = [];
            size = 0;
          }
          found++;
          from = i + needle.length;
        }
        pieces.push(chunk.subarray(from));
        size += chunk.length - from;
      }
      if (found < w.parts * 0.9) throw new Error(`indexOf found only ${found} delimiters`);
      return Promise.resolve({ parts: w.parts, bytes: w.bodyBytes });
    },
  },
  // As a user runs it: the native search where it was detected (Node and Bun).
  { name: "multipart-push parseParts", run: parseAll },
  {
    // The default web-only path, as on Deno and workerd (shared/native_search.ts).
    name: "multipart-push parseParts, web-only search",
    async run(w) {
      const saved = nativeSearch.needle;
      nativeSearch.needle = undefined;
      try {
        return await parseAll(w);
      } finally {
        nativeSearch.needle = saved;
      }
    },
  },
  {
    name: "@mjackson/multipart-parser",
    async run(w) {
      const tally = { parts: 0, bytes: 0 };
      const parts = parseMultipartStream(streamOf(w.chunks), {
        boundary: w.boundary,
        maxFileSize: 64 * MiB,
      });
      for await (const part of parts) {
        const body = part.content.length === 1 ? part.content[0] : part.bytes;
        if (part.headers.get("content-type") === null) throw new Error("no content type");
        tally.parts++;
        tally.bytes += body.length;
      }
      return tally;
    },
  },
  {
    name: "multipasta (web streams)",
    async run(w) {
      const tally = { parts: 0, bytes: 0 };
      const { writable, readable } = MultipastaWeb.make({
        headers: new Headers({ "content-type": contentTypeHeader(w) }),
        isFile: () => false,
        maxFieldSize: Infinity,
      });
      const piping = streamOf(w.chunks).pipeTo(writable);
      for await (const part of readable as unknown as AsyncIterable<MultipastaWeb.Part>) {
        if (part._tag !== "Field" || part.info.contentType === "") throw new Error("bad part");
        tally.parts++;
        tally.bytes += part.value.length;
      }
      await piping;
      return tally;
    },
  },
  {
    name: "multipasta (sync callbacks)",
    async run(w) {
      const tally = { parts: 0, bytes: 0 };
      let failure: unknown;
      const parser = Multipasta.make({
        headers: { "content-type": contentTypeHeader(w) },
        isFile: () => false,
        maxFieldSize: Infinity,
        onField(info, value) {
          if (info.contentType === "") throw new Error("no content type");
          tally.parts++;
          tally.bytes += value.length;
        },
        onFile: () => () => {},
        onError(error) {
          failure = error;
        },
        onDone() {},
      });
      const reader = streamOf(w.chunks).getReader();
      for (let r = await reader.read(); !r.done; r = await reader.read()) parser.write(r.value);
      parser.end();
      if (failure !== undefined) throw new Error(JSON.stringify(failure));
      return tally;
    },
  },
  {
    name: "meros (node)",
    async run(w) {
      const tally = { parts: 0, bytes: 0 };
      const message = {
        headers: { "content-type": contentTypeHeader(w) },
        async *[Symbol.asyncIterator]() {
          for (const chunk of w.chunks) {
            yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
          }
        },
      };
      const parts = await meros(message as never) as AsyncIterable<
        { headers: Record<string, string>; body: Uint8Array }
      >;
      for await (const part of parts) {
        if (part.headers["content-type"] === undefined) throw new Error("no content type");
        tally.parts++;
        tally.bytes += part.body.length;
      }
      return tally;
    },
  },
];

type Check = (t: Tally) => void;

function checker(w: Workload): Check {
  return (t) => {
    if (t.parts !== w.parts || t.bytes !== w.bodyBytes) {
      throw new Error(`wrong result: ${t.parts} of ${w.parts} parts, ${t.bytes} body bytes`);
    }
  };
}

/**
 * Median rate per contender, or a note saying what it got wrong. Rounds are
 * interleaved (every contender once per round) so a busy machine slows all alike.
 */
async function measureAll(w: Workload): Promise<Map<string, number | string>> {
  const check = checker(w);
  const rates = new Map<string, number[]>();
  const failed = new Map<string, string>();
  for (let round = -2; round < ROUNDS; round++) {
    for (const c of contenders) {
      if (failed.has(c.name)) continue;
      try {
        const rate = await cpuRate(async () => check(await c.run(w)), w.bytes.length);
        if (round >= 0) rates.set(c.name, [...rates.get(c.name) ?? [], rate]);
      } catch (error) {
        failed.set(c.name, (error as Error).message);
      }
    }
  }
  const result = new Map<string, number | string>();
  for (const c of contenders) {
    const list = (rates.get(c.name) ?? []).sort((a, b) => a - b);
    result.set(c.name, failed.get(c.name) ?? list[list.length >> 1]);
  }
  return result;
}

/** Bodies like a camera's JPEGs (random bytes: entropy-coded data), sizes jittered ±10%. */
function cameraBodies(size: number, total: number): Uint8Array[] {
  const pool = randomBytes(size * 2);
  return Array.from({ length: Math.round(total / size) }, (_, i) => {
    const length = Math.round(size * (0.9 + 0.2 * ((i * 7919) % 101) / 100));
    return pool.subarray(i % size, (i % size) + length);
  });
}

/**
 * ffmpeg's `-f mpjpeg` of 150 frames of a 720p test pattern at a JPEG quality (`-q:v`, or
 * ffmpeg's default), made once per temp directory. ffmpeg ends with a boundary line, not the close
 * delimiter (cameras never close), which the peers need: it is written as the close.
 */
function ffmpegWorkload(name: string, quality: string[]): Workload {
  const file = join(tmpdir(), `multipart-push-bench-720p${quality.join("")}.mpjpeg`);
  if (!existsSync(file)) {
    execFileSync("ffmpeg", [
      ...["-v", "error", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30"],
      ...["-frames:v", "150", ...quality, "-f", "mpjpeg", "-y", file],
    ]);
  }
  const raw = readFileSync(file);
  const bytes = Buffer.concat([raw.subarray(0, raw.length - 2), Buffer.from("--\r\n")]);
  const lengths = [...raw.toString("latin1").matchAll(/Content-length: (\d+)\r\n/g)];
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += CHUNK) chunks.push(bytes.subarray(i, i + CHUNK));
  const bodyBytes = lengths.reduce((sum, [, length]) => sum + Number(length), 0);
  const frame = (bodyBytes / lengths.length / 1000).toFixed(0);
  return {
    name: `${name}: ${frame} KB frames`,
    boundary: "ffmpeg",
    bytes,
    chunks,
    parts: lengths.length,
    bodyBytes,
  };
}

const workloads = [
  workload(
    "(a) 100 x 1 MiB parts",
    Array.from({ length: 100 }, () => randomBytes(MiB)),
    "image/jpeg",
  ),
  workload(
    "(b) 10,000 x 100 B parts",
    Array.from(
      { length: 10_000 },
      (_, i) => new TextEncoder().encode(`{"i":${i},"d":"${"x".repeat(100)}`.slice(0, 99) + "}"),
    ),
    "application/octet-stream",
  ),
  // ffmpeg's mpjpeg muxer: boundary "ffmpeg", a Content-type and a Content-length per part.
  ...[20_000, 50_000, 200_000].map((size) =>
    workload(
      `(c) camera-sized parts: ${size / 1000} KB JPEGs, boundary "ffmpeg" (ffmpeg -f mpjpeg)`,
      cameraBodies(size, (quick ? 16 : 64) * MiB),
      "image/jpeg",
      "ffmpeg",
    )
  ),
  ffmpegWorkload("(d) ffmpeg -f mpjpeg, 720p testsrc2, default quality", []),
  ffmpegWorkload("(d) ffmpeg -f mpjpeg, 720p testsrc2, -q:v 5", ["-q:v", "5"]),
];

console.log(
  `load average ${
    loadavg()[0].toFixed(2)
  } at start; ${runtimeName()}, ${ROUNDS} rounds, median MiB of wire bytes per CPU second, ${
    CHUNK / 1024
  } KiB chunks`,
);
for (const w of workloads.filter((w) => only === undefined || w.name.includes(only))) {
  const results = [...await measureAll(w)];
  const ours = results.find(([name]) => name.startsWith("multipart-push"))![1] as number;
  const floor = results[0][1] as number;
  const floor2 = results[1][1] as number;
  const peers = results.filter(([name]) => /mjackson|multipasta/.test(name))
    .map(([, rate]) => rate).filter((rate) => typeof rate === "number") as number[];
  console.log(`\n${w.name}: ${(w.bytes.length / MiB).toFixed(1)} MiB in ${w.chunks.length} chunks`);
  console.log(
    `parseParts ÷ indexOf floor ${(ours / floor).toFixed(2)}, ÷ floor 2 ${
      (ours / floor2).toFixed(2)
    }, ÷ fastest of @mjackson/multipart-parser and multipasta ${
      (ours / Math.max(...peers)).toFixed(2)
    }\n`,
  );
  console.log(`| decoder | MiB/s | ours ÷ it | it ÷ floor | it ÷ floor 2 |`);
  console.log(`|---|---:|---:|---:|---:|`);
  for (const [name, rate] of results) {
    if (typeof rate === "string") {
      console.log(`| ${name} | ✗ ${rate} | | | |`);
      continue;
    }
    console.log(
      `| ${name} | ${rate.toFixed(0)} | ${(ours / rate).toFixed(2)} | ${
        (rate / floor).toFixed(2)
      } | ${(rate / floor2).toFixed(2)} |`,
    );
  }
}
console.log(`\nload average ${loadavg()[0].toFixed(2)} at end`);
