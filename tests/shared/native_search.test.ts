// The native search's detection, and both byte-search paths through parseParts on every runtime:
// the web-only one (Horspool) and the native one (Buffer#indexOf from node:buffer, forced on here
// whatever the runtime detected), for many chunkings. tests/mjpeg runs jpegFrames on both.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { chooseNativeSearch, nativeSearch } from "../../lib/shared/native_search.ts";
import { parseParts } from "../../lib/parse/parse_parts.ts";
import { concatBytes } from "../../lib/shared/bytes.ts";
import { runtime } from "../_helpers/runtime.ts";
import { searchPaths, withSearchPath } from "../_helpers/search_paths.ts";

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

describe("native search", () => {
  it(`is found by feature detection, as measured per runtime (here: ${runtime})`, () => {
    assert.equal(nativeSearch.needle !== undefined, runtime === "node" || runtime === "bun");
  });

  it("chooses per runtime, and only a Buffer-like class with a real needle search", () => {
    const none = { needle: undefined };
    assert.deepEqual(chooseNativeSearch(Buffer, "Node.js/24"), { needle: Buffer });
    assert.deepEqual(chooseNativeSearch(Buffer, "Bun/1.4.5"), { needle: Buffer });
    assert.deepEqual(chooseNativeSearch(Buffer, "Deno/2.9.6"), none);
    assert.deepEqual(chooseNativeSearch(Buffer, "Cloudflare-Workers"), none);
    // A `from` whose view's indexOf finds single bytes only.
    const byteOnly = { from: (b: ArrayBuffer, o: number, n: number) => new Uint8Array(b, o, n) };
    for (const notBuffer of [undefined, null, 42, "Buffer", Uint8Array, {}, () => {}, byteOnly]) {
      assert.deepEqual(chooseNativeSearch(notBuffer, "Node.js/24"), none, String(notBuffer));
    }
  });

  for (const path of searchPaths) {
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
          // Ending in the delimiter's first bytes: the real delimiter starts inside a near miss.
          if (i % 4 === 3 && body.length >= 5) {
            body.set(bytes(`\r\n--${boundary}`.slice(0, 5)), body.length - 5);
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
        // Chunks cut at every byte around the end of a long part's delimiter (the native search's
        // last window ends a chunk, or the delimiter is split), then fixed and varied chunkings.
        const long = bodies.findIndex((body) => body.length > 600);
        const delimiterEnd = concatBytes(pieces.slice(0, 3 + 3 * long)).length +
          `\r\n--${boundary}`.length;
        const cuts = Array.from({ length: boundary.length + 6 }, (_, k) => delimiterEnd + 2 - k);
        const chunkings = [[wire.length], [1], [7, 1, 300], [511, 513], [4096, 65536]];
        for (const cut of cuts) chunkings.push([cut, wire.length]);
        for (const sizes of chunkings) {
          const got = await withSearchPath(path, async () => {
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
  }
});
