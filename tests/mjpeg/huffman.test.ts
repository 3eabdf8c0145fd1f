// Safari-safe MJPEG (issue 24 part 2): a frame without Huffman tables (what UVC webcams send) gets
// JPEG's standard DHT before its first SOS, and then decodes to exactly the camera's pixels; frames
// that have a DHT pass untouched, without a copy. The DHT-less frames are made here by stripping
// the DHT from ffmpeg's `-huffman default` frames (and jpeg-js's, which carry the same tables).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import jpeg from "jpeg-js";
import { jpegFrames } from "../../lib/mjpeg/jpeg_frames.ts";
import { STANDARD_DHT, withHuffmanTables, withHuffmanTablesPart } from "../../lib/mjpeg/huffman.ts";
import { concatBytes } from "../../lib/shared/bytes.ts";
import { BLUE, GREEN, RED, solidJpeg } from "../_helpers/jpeg.ts";
import { canSpawn, runtime } from "../_helpers/runtime.ts";
import {
  ffmpegDecode,
  ffmpegJpegs,
  segmentCodes,
  segments,
  withoutDht,
} from "../_helpers/jpeg_segments.ts";

const skipped = canSpawn ? "" : ` (skipped on ${runtime}: no subprocesses for ffmpeg)`;

/** Every frame of `chunks` through `jpegFrames({ huffmanTables: true })`. */
async function repaired(chunks: Uint8Array[]): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  const stream = ReadableStream.from(chunks).pipeThrough(jpegFrames({ huffmanTables: true }));
  for await (const frame of stream) out.push(frame);
  return out;
}

describe("the standard Huffman tables", () => {
  it("are one DHT segment of the four Annex K tables (DC 12 + 12 symbols, AC 162 + 162)", () => {
    assert.equal(STANDARD_DHT.length, 420);
    assert.deepEqual([...STANDARD_DHT.subarray(0, 4)], [0xff, 0xc4, 0x01, 0xa2]);
  });

  it("make a stripped jpeg-js frame decode again, to the same pixels (strict decoder)", () => {
    for (const color of [RED, GREEN, BLUE]) {
      const original = solidJpeg(color, { width: 24, height: 16 });
      const stripped = withoutDht(original);
      assert.throws(() => jpeg.decode(stripped, { useTArray: true }), "stripped must not decode");
      const fixed = withHuffmanTables(stripped);
      assert.equal(fixed.length, stripped.length + 420);
      assert.deepEqual(segmentCodes(fixed).slice(-2), [0xc4, 0xda], "DHT right before the SOS");
      const want = jpeg.decode(original, { useTArray: true }).data;
      assert.deepEqual(jpeg.decode(fixed, { useTArray: true }).data, want);
    }
  });

  it("leave a frame with a DHT, a non-JPEG and a truncated header as they are (same object)", () => {
    const whole = solidJpeg(RED);
    for (const frame of [whole, new Uint8Array([1, 2, 3]), withoutDht(whole).subarray(0, 30)]) {
      assert.equal(withHuffmanTables(frame), frame);
    }
  });

  it("leave an arithmetic-coded frame (SOF9, no DHT by design) as it is (same object)", () => {
    const arithmetic = withoutDht(solidJpeg(RED)).slice();
    const [, sofAt] = segments(arithmetic).find(([code]) => code === 0xc0)!;
    arithmetic[sofAt + 1] = 0xc9;
    assert.equal(withHuffmanTables(arithmetic), arithmetic);
  });

  it("repair a part whose Content-Type is image/jpeg in any case, and no other type", () => {
    const stripped = withoutDht(solidJpeg(RED));
    for (const contentType of ["image/jpeg", " Image/JPEG "]) {
      const part = withHuffmanTablesPart({ contentType, body: stripped });
      assert.equal(part.body.length, stripped.length + 420, contentType);
      assert.equal(part.contentType, contentType);
    }
    const png = { contentType: "image/png", body: stripped };
    assert.equal(withHuffmanTablesPart(png), png);
  });

  it("jpegFrames passes a frame that has a DHT as a view of the chunk (zero-copy)", async () => {
    const chunk = concatBytes([solidJpeg(RED), solidJpeg(GREEN)]);
    const frames = await repaired([chunk]);
    assert.equal(frames.length, 2);
    for (const frame of frames) assert.equal(frame.buffer, chunk.buffer);
  });

  it("rejects a huffmanTables option that is not a boolean, naming it", () => {
    assert.throws(
      () => jpegFrames({ huffmanTables: "yes" as unknown as boolean }),
      (error: Error) =>
        error instanceof TypeError && /options\.huffmanTables.*"yes"/.test(error.message),
    );
  });

  it(
    `repairs ffmpeg's frames stripped of their DHT, in any chunking: ffmpeg decodes the same pixels${skipped}`,
    {
      skip: !canSpawn,
    },
    async () => {
      const originals = await ffmpegJpegs(6);
      const [, at, size] = segments(originals[0]).find(([code]) => code === 0xc4)!;
      assert.deepEqual(originals[0].subarray(at, at + size), STANDARD_DHT, "ffmpeg's own DHT");
      const stripped = originals.map(withoutDht);
      for (const frame of stripped) assert.ok(!segmentCodes(frame).includes(0xc4));
      const stream = concatBytes(stripped);
      for (const size of [stream.length, 1, 7, 333]) {
        const chunks: Uint8Array[] = [];
        for (let at = 0; at < stream.length; at += size) chunks.push(stream.slice(at, at + size));
        const fixed = await repaired(chunks);
        assert.equal(fixed.length, originals.length, `chunks of ${size}`);
        for (const frame of fixed) assert.deepEqual(segmentCodes(frame).slice(-2), [0xc4, 0xda]);
        if (size === stream.length) {
          const want = await ffmpegDecode(concatBytes(originals));
          const got = await ffmpegDecode(concatBytes(fixed));
          assert.ok(
            want.length > 0 && got.length === want.length,
            `${got.length} vs ${want.length}`,
          );
          assert.ok(
            got.every((byte, i) => byte === want[i]),
            "repaired frames decode to other pixels",
          );
        }
      }
    },
  );
});
