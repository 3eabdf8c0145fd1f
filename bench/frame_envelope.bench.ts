/**
 * The cost of the frame envelope a bus carries: `encodeFrame` (one copy of the
 * body) and `decodeFrame` (no copy), per frame, against two peers run in the
 * same process: the floor (one bare copy of the body into a new buffer) and
 * the home-made envelope people write (JSON with a base64 body).
 *
 *   node bench/frame_envelope.bench.ts [--quick]   (also: deno run -A, bun)
 *
 * @module
 */

import { decodeFrame, encodeFrame } from "../lib/bus/mod.ts";
import { args, fixed, median, runtimeName } from "./_util.ts";

const QUICK = args().includes("--quick");
const SIZES = [1_000, 50_000, 1_000_000];
const ROUNDS = QUICK ? 3 : 7;

/** How many calls of `fn` take about 10 ms. */
function calibrate(fn: () => unknown): number {
  let calls = 1;
  for (let t = 0; t < 10; calls *= 2) {
    const start = performance.now();
    for (let i = 0; i < calls; i++) fn();
    t = performance.now() - start;
  }
  return calls;
}

/**
 * Median microseconds per call of each function, rounds interleaved so that
 * the machine's other load and the garbage collector hit every contender alike.
 */
function time(fns: (() => unknown)[]): number[] {
  const calls = fns.map(calibrate);
  const rounds: number[][] = fns.map(() => []);
  for (let r = 0; r < ROUNDS; r++) {
    fns.forEach((fn, k) => {
      const start = performance.now();
      for (let i = 0; i < calls[k]; i++) fn();
      rounds[k].push(((performance.now() - start) * 1000) / calls[k]);
    });
  }
  return rounds.map(median);
}

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.byteLength; i += 8192) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

console.log(`## frame envelope (${runtimeName()})\n`);
console.log(
  "| body | encodeFrame µs | decodeFrame µs | bare copy µs | encode ÷ copy | JSON+base64 enc+dec µs | JSON ÷ envelope |",
);
console.log("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
for (const size of SIZES) {
  const body = new Uint8Array(size).map((_, i) => i * 31);
  const part = { contentType: "image/jpeg", body, headers: { "X-Seq": "1234" } };
  const frame = encodeFrame(part);
  const [encode, decode, copy, json] = time([
    () => encodeFrame(part),
    () => decodeFrame(frame),
    () => new Uint8Array(size).set(body),
    () => {
      const text = JSON.stringify({
        contentType: part.contentType,
        headers: part.headers,
        body: base64(body),
      });
      const back = JSON.parse(text);
      return fromBase64(back.body);
    },
  ]);
  console.log(
    `| ${size / 1000} kB | ${fixed(encode, 2)} | ${fixed(decode, 2)} | ${fixed(copy, 2)} | ` +
      `${fixed(encode / copy, 2)}× | ${fixed(json, 1)} | ${fixed(json / (encode + decode), 0)}× |`,
  );
}
console.log();
