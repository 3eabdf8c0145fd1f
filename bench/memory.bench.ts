/**
 * Memory the decoder and the JPEG splitter keep, at the sizes of issue 10 (items 14-16), measured
 * from outside: the ArrayBuffers under the bodies handed out, and the live heap (JS heap plus
 * ArrayBuffer memory) after full collections.
 *
 *   node --expose-gc bench/memory.bench.ts      (also: bun; deno run -A --v8-flags=--expose-gc)
 *
 * @module
 */

import process from "node:process";
import { parseParts } from "../lib/parse/parse_parts.ts";
import { jpegFrames } from "../lib/mjpeg/jpeg_frames.ts";
import { collect, runtimeName } from "./_util.ts";

const bytes = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

async function live(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    collect();
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external;
}

function wire(bodies: Uint8Array[], head: string): Uint8Array {
  const pieces = [bytes("--B\r\n")];
  for (const body of bodies) pieces.push(bytes(head), body, bytes("\r\n--B\r\n"));
  pieces[pieces.length - 1] = bytes("\r\n--B--\r\n");
  const out = new Uint8Array(pieces.reduce((n, piece) => n + piece.length, 0));
  let at = 0;
  for (const piece of pieces) {
    out.set(piece, at);
    at += piece.length;
  }
  return out;
}

/** `data` one byte per chunk, each a fresh array as a slow socket gives. */
async function* byteWise(data: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < data.length; i++) yield data.slice(i, i + 1);
}

console.log(`\n## Memory (${runtimeName()})\n`);
console.log("| issue 10 item | case | bytes |");
console.log("|---|---|---:|");
{
  const data = wire(
    Array.from({ length: 10_000 }, () => bytes("0123456789")),
    "Content-Type: text/plain\r\n\r\n",
  );
  const bodies: Uint8Array[] = [];
  for await (const part of parseParts(byteWise(data), { boundary: "B" })) bodies.push(part.body);
  let kept = 0;
  for (const buffer of new Set(bodies.map((body) => body.buffer))) kept += buffer.byteLength;
  console.log(
    `| 14 | ArrayBuffers under 10,000 bodies of 10 B (38 B parts) fed one byte per chunk | ${kept} |`,
  );
}
{
  const chunk = wire(Array.from({ length: 1_400_000 }, () => bytes("\r\n\r\nx")), "");
  const before = await live();
  const parts = parseParts(
    (async function* () {
      yield chunk;
    })(),
    { boundary: "B" },
  );
  await parts.next();
  const grown = (await live()) - before;
  await parts.return!();
  console.log(
    `| 16 | live heap growth once the first part of a ${chunk.length}-byte chunk of 1.4 M parts is out | ${grown} |`,
  );
}
{
  const SIZE = 1 << 20;
  const picture = new Uint8Array(SIZE + 10);
  picture.set([0xff, 0xd8, 0xff, 0xda, 0, 2]);
  for (let i = 6; i < SIZE + 8; i++) picture[i] = (i * 131) % 255;
  picture.set([0xff, 0xd9], SIZE + 8);
  const splitter = jpegFrames();
  const writer = splitter.writable.getWriter();
  const reading = (async () => {
    for await (const _ of splitter.readable);
  })();
  const before = await live();
  for (let i = 0; i < picture.length - 2; i++) await writer.write(picture.slice(i, i + 1));
  const grown = (await live()) - before;
  await writer.write(picture.slice(picture.length - 2));
  await writer.close();
  await reading;
  console.log(
    `| 15 | live heap growth with 1 MiB of a picture arrived, one byte per chunk | ${grown} |`,
  );
}
