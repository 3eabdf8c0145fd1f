// jpegFrames memory, measured from outside: the live heap while a picture arrives one byte per
// chunk (issue 10, item 15), and what the frames handed out keep alive.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { jpegFrames } from "../../lib/mjpeg/jpeg_frames.ts";
import { canMeasureHeap, liveBytes, noHeapReason } from "../_helpers/heap.ts";

/** SOI, an SOS header, `size` bytes of entropy-coded data with stuffed FF 00 pairs, and EOI. */
function picture(size: number): Uint8Array {
  const out = new Uint8Array(size + 10);
  out.set([0xff, 0xd8, 0xff, 0xda, 0x00, 0x02]);
  for (let i = 6; i < size + 8; i++) out[i] = (i * 131) % 255;
  for (let i = 100; i < size; i += 997) out.set([0xff, 0x00], i);
  out.set([0xff, 0xd9], size + 8);
  return out;
}

describe("jpegFrames: memory", () => {
  it(
    `a picture fed one byte per chunk takes memory in proportion to it, not to the chunk count (issue 10 #15)${noHeapReason}`,
    { skip: !canMeasureHeap },
    async () => {
      const SIZE = 128 * 1024;
      const bytes = picture(SIZE);
      const splitter = jpegFrames();
      const writer = splitter.writable.getWriter();
      const frames: Uint8Array[] = [];
      const reading = (async () => {
        for await (const frame of splitter.readable) frames.push(frame);
      })();
      const before = await liveBytes();
      // All but the EOI, one fresh one-byte array per chunk as a slow socket would give.
      for (let i = 0; i < bytes.length - 2; i++) await writer.write(bytes.slice(i, i + 1));
      const grown = (await liveBytes()) - before;
      // Before the fix every chunk stayed referenced (~177 bytes each: 23 MB here).
      assert.ok(grown < 2 * 1024 * 1024, `${grown} bytes live for a ${SIZE}-byte picture so far`);
      await writer.write(bytes.slice(bytes.length - 2));
      await writer.close();
      await reading;
      assert.equal(frames.length, 1);
      assert.deepEqual(frames[0], bytes);
    },
  );

  it("a picture spread over chunks is handed out as an exact copy that keeps no chunk alive", async () => {
    const bytes = picture(40_000);
    for (const size of [1, 999, 1024, 4096, 39_999]) {
      const chunks: Uint8Array[] = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.slice(i, i + size));
      const frames = await Array.fromAsync(ReadableStream.from(chunks).pipeThrough(jpegFrames()));
      assert.equal(frames.length, 1, `chunks of ${size}`);
      assert.deepEqual(frames[0], bytes, `chunks of ${size}`);
      assert.equal(frames[0].buffer.byteLength, bytes.length, `chunks of ${size}`);
    }
  });
});
