// Both byte-search paths, on every runtime: the web-only one (Uint8Array#indexOf and the
// decoder's Horspool search) and the native one (Buffer#indexOf from node:buffer, forced on here
// whatever the runtime chose), through parseParts and jpegFrames, for many chunkings.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { type NativeBytes, nativeSearch, useNativeSearch } from "../../lib/shared/native_search.ts";
import { parseParts } from "../../lib/parse/parse_parts.ts";
import { jpegFrames } from "../../lib/mjpeg/jpeg_frames.ts";
import { concatBytes } from "../../lib/shared/bytes.ts";
import { runtime } from "../_helpers/runtime.ts";
import { BLUE, GREEN, RED, solidJpeg } from "../_helpers/jpeg.ts";

const bytes = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

function rng(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return Math.floor((s / 2 ** 32) * n); // high bits: an LCG's low bits repeat every 2^k
  };
}

function chop(data: Uint8Array, sizes: number[]): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let at = 0, k = 0; at < data.length; k++) {
    chunks.push(data.slice(at, at + sizes[k % sizes.length]));
    at += sizes[k % sizes.length];
  }
  return chunks;
}

const native = Buffer as unknown as NativeBytes;
const paths: { name: string; byte: NativeBytes | undefined; needle: NativeBytes | undefined }[] = [
  { name: "web-only", byte: undefined, needle: undefined },
  { name: "native Buffer#indexOf", byte: native, needle: native },
];

async function withPath<T>(path: (typeof paths)[number], run: () => Promise<T>): Promise<T> {
  const saved = { ...nativeSearch };
  nativeSearch.byte = path.byte;
  nativeSearch.needle = path.needle;
  try {
    return await run();
  } finally {
    Object.assign(nativeSearch, saved);
  }
}

describe("native search", () => {
  it("is off until the caller hands Buffer in: the library touches no runtime global", () => {
    assert.equal(nativeSearch.byte, undefined);
    assert.equal(nativeSearch.needle, undefined);
  });

  it(`useNativeSearch(Buffer) chooses per runtime as measured (here: ${runtime})`, () => {
    const expected = { node: [true, true], bun: [false, true], deno: [false, false] };
    const [byte, needle] = expected[runtime as keyof typeof expected] ?? [false, false];
    const saved = { ...nativeSearch };
    try {
      assert.deepEqual(useNativeSearch(Buffer), { byte, needle });
      assert.equal(nativeSearch.byte !== undefined, byte);
      assert.equal(nativeSearch.needle !== undefined, needle);
      // Anything without a real needle search on a shared view leaves the web-only path.
      for (const notBuffer of [undefined, null, 42, "Buffer", Uint8Array, {}, () => {}]) {
        assert.deepEqual(useNativeSearch(notBuffer), { byte: false, needle: false });
        assert.equal(nativeSearch.needle, undefined);
      }
    } finally {
      Object.assign(nativeSearch, saved);
    }
  });

  for (const path of paths) {
    it(`${path.name}: parseParts finds every part in any chunking`, async () => {
      const random = rng(11);
      for (const boundary of ["ffmpeg", "--frame", "a1b2c3d4e5f60718293a4b5c6d7e8f90"]) {
        // Short and long bodies (the native search takes over past 512 bytes), some full of
        // delimiter prefixes.
        const bodies = Array.from({ length: 40 }, (_, i) => {
          const body = new Uint8Array(i % 3 === 0 ? random(40) : 200 + random(1500));
          for (let j = 0; j < body.length; j++) body[j] = random(256);
          if (i % 4 === 1 && body.length > 100) {
            const prefix = bytes(`\r\n--${boundary}`.slice(0, -1));
            body.set(prefix, body.length >> 1);
            body[(body.length >> 1) + prefix.length] = 0x21; // "!": no boundary ends with it
          }
          return body;
        });
        const pieces = [bytes("preamble\r\n")];
        for (const body of bodies) {
          pieces.push(
            bytes(`--${boundary}\r\nContent-Type: image/jpeg\r\n\r\n`),
            body,
            bytes("\r\n"),
          );
        }
        pieces.push(bytes(`--${boundary}--\r\n`));
        const wire = concatBytes(pieces);
        for (const sizes of [[wire.length], [1], [7, 1, 300], [511, 513], [4096, 65536]]) {
          const got = await withPath(path, async () => {
            const out: Uint8Array[] = [];
            const parts = parseParts(ReadableStream.from(chop(wire, sizes)), { boundary });
            for await (const part of parts) out.push(part.body);
            return out;
          });
          assert.equal(got.length, bodies.length, `${boundary}, sizes ${sizes}`);
          got.forEach((body, i) => assert.deepEqual(body, bodies[i], `part ${i}, sizes ${sizes}`));
        }
      }
    });

    it(`${path.name}: jpegFrames splits pictures, skips FF D9 in segments, resynchronises`, async () => {
      const a = solidJpeg(RED);
      const b = solidJpeg(GREEN, { width: 64, height: 48, comment: "\xff\xd9 in a comment" });
      const c = solidJpeg(BLUE);
      // Two scans with a DHT between them whose payload is FF D9, stuffed and RST bytes, fill bytes.
      const handMade = new Uint8Array([
        ...[0xff, 0xd8, 0xff, 0xfe, 0x00, 0x06, 0xff, 0xd9, 0xff, 0xd8, 0xff, 0xda, 0x00, 0x03],
        ...[0x01, 0x12, 0xff, 0x00, 0x34, 0xff, 0xd0, 0x56, 0xff, 0xff, 0xc4, 0x00, 0x04, 0xff],
        ...[0xd9, 0xff, 0xda, 0x00, 0x02, 0x9a, 0xff, 0x00, 0xff, 0xd9],
      ]);
      const cut = b.subarray(0, b.length - 40); // ends inside its scan: dropped at the next SOI
      const stream = concatBytes([a, bytes("junk\xff"), b, handMade, cut, c, a.subarray(0, 50)]);
      for (const sizes of [[stream.length], [1], [2], [3, 5, 8], [97], [1024, 1]]) {
        const got = await withPath(
          path,
          () => Array.fromAsync(ReadableStream.from(chop(stream, sizes)).pipeThrough(jpegFrames())),
        );
        assert.deepEqual(got, [a, b, handMade, c], `sizes ${sizes}`);
      }
    });
  }
});
