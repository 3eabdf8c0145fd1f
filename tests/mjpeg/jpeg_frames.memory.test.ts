// jpegFrames memory, measured from outside: the live heap while a picture arrives one byte per
// chunk (issue 10, item 15), and what the frames handed out keep alive.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { jpegFrames } from "../../lib/mjpeg/jpeg_frames.ts";
import { gcNote, liveBytes } from "../_helpers/memory.ts";

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
    `a picture fed one byte per chunk takes memory in proportion to it, not to the chunk count (issue 10 #15)${gcNote}`,
    { skip: gcNote !== "" },
    async () => {
      const SIZE = 128 * 1024;
      const bytes = picture(SIZE);
      const frames: Uint8Array[] = [];
      let splitter: TransformStream<Uint8Array, Uint8Array> | undefined = jpegFrames();
      let writer: WritableStreamDefaultWriter<Uint8Array> | undefined = splitter.writable
        .getWriter();
      const reading = (async (readable) => {
        for await (const frame of readable) frames.push(frame);
      })(splitter.readable);
      // All but the EOI, one fresh one-byte array per chunk as a slow socket would give.
      for (let i = 0; i < bytes.length - 2; i++) await writer.write(bytes.slice(i, i + 1));
      // What the splitter holds mid-picture, against what is left once it is gone: measured this
      // way round, garbage an earlier test left (Bun scans stacks conservatively) cannot hide it.
      const holding = await liveBytes();
      await writer.write(bytes.slice(bytes.length - 2));
      await writer.close();
      await reading;
      assert.equal(frames.length, 1);
      assert.deepEqual(frames[0], bytes);
      frames.length = 0;
      writer = undefined;
      splitter = undefined;
      const held = holding - (await liveBytes());
      // Before the fix every chunk stayed referenced (~177 bytes each: 23 MB here).
      assert.ok(held < 2 * 1024 * 1024, `${held} bytes held for a ${SIZE}-byte picture so far`);
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
